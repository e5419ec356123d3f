// Package metrics exposes Procedo to Prometheus at /metrics: counters and
// step latencies fed by the engine (runtime.Observer), and gauges read
// from the store at each scrape (active instances, open tasks per office,
// queued and failed jobs, incidents).
//
//	m := metrics.New(st, metrics.Options{Bodies: func() []string { return []string{"c_h501"} }})
//	eng, _ := runtime.New(runtime.Options{Store: st, Observer: m})
//	mux.Handle("/metrics", m.Handler(nil))
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Options configure Metrics. The zero value of every field means a
// default.
type Options struct {
	// Bodies lists the bodies whose store gauges are read at each scrape
	// (default: "default").
	Bodies func() []string
	// Registry to register on (default: a new one with the Go and process
	// collectors).
	Registry *prometheus.Registry
	// Timeout of the store reads of one scrape (default 5 s).
	Timeout time.Duration
	Logger  *slog.Logger
}

// Metrics is a runtime.Observer and a Prometheus collector.
type Metrics struct {
	st        store.Store
	opts      Options
	reg       *prometheus.Registry
	started   *prometheus.CounterVec
	ended     *prometheus.CounterVec
	steps     *prometheus.HistogramVec
	events    *prometheus.CounterVec
	active    *prometheus.Desc
	openTasks *prometheus.Desc
	jobs      *prometheus.Desc
	incidents *prometheus.Desc
	scrapeErr *prometheus.Desc
}

var _ runtime.Observer = (*Metrics)(nil)

// New returns the metrics of st, registered on opts.Registry.
func New(st store.Store, opts Options) *Metrics {
	if opts.Bodies == nil {
		opts.Bodies = func() []string { return []string{"default"} }
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	reg := opts.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &Metrics{st: st, opts: opts, reg: reg,
		started: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "procedo_instances_started_total",
			Help: "Instances started, by body and procedure."}, []string{"body", "procedure"}),
		ended: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "procedo_instances_ended_total",
			Help: "Instances ended, by body, procedure and status (completed, terminated, failed)."}, []string{"body", "procedure", "status"}),
		steps: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "procedo_step_commit_seconds",
			Help:    "Time to encode and commit a batch of steps (one store transaction), by procedure of its first step.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"procedure"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "procedo_history_events_total",
			Help: "History events written, by body."}, []string{"body"}),
		active: prometheus.NewDesc("procedo_instances_active", "Active instances, by body and procedure.", []string{"body", "procedure"}, nil),
		openTasks: prometheus.NewDesc("procedo_tasks_open", "Open user tasks, by body and candidate office (a task offered to two offices counts for each).",
			[]string{"body", "office"}, nil),
		jobs:      prometheus.NewDesc("procedo_jobs", "Jobs, by body and status (pending: queued; incident: failed after its retries).", []string{"body", "status"}, nil),
		incidents: prometheus.NewDesc("procedo_incidents", "Open incidents (jobs that exhausted their retries), by body.", []string{"body"}, nil),
		scrapeErr: prometheus.NewDesc("procedo_metrics_store_errors", "1 when reading the store for this scrape failed, by body.", []string{"body"}, nil),
	}
	reg.MustRegister(m.started, m.ended, m.steps, m.events, m)
	return m
}

// Committed implements runtime.Observer.
func (m *Metrics) Committed(steps []runtime.StepInfo, took time.Duration) {
	if len(steps) == 0 {
		return
	}
	m.steps.WithLabelValues(steps[0].ProcessKey).Observe(took.Seconds())
	for _, s := range steps {
		if s.Created {
			m.started.WithLabelValues(s.Body, s.ProcessKey).Inc()
		}
		if s.Status != store.InstanceActive {
			m.ended.WithLabelValues(s.Body, s.ProcessKey, string(s.Status)).Inc()
		}
		m.events.WithLabelValues(s.Body).Add(float64(s.Events))
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.active
	ch <- m.openTasks
	ch <- m.jobs
	ch <- m.incidents
	ch <- m.scrapeErr
}

// Collect implements prometheus.Collector: it reads the gauges from the
// store, so that every node of a cluster reports the same figures.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), m.opts.Timeout)
	defer cancel()
	for _, body := range m.opts.Bodies() {
		failed := 0.0
		if err := m.collectBody(ctx, ch, body); err != nil {
			m.opts.Logger.Warn("metrics: reading the store", "body", body, "err", err)
			failed = 1
		}
		ch <- prometheus.MustNewConstMetric(m.scrapeErr, prometheus.GaugeValue, failed, body)
	}
}

func (m *Metrics) collectBody(ctx context.Context, ch chan<- prometheus.Metric, body string) error {
	ins, err := m.st.ListInstances(ctx, &store.ListInstancesParams{Body: body, Status: store.InstanceActive})
	if err != nil {
		return err
	}
	perProc := map[string]int{}
	for _, in := range ins {
		perProc[in.ProcessKey]++
	}
	for p, n := range perProc {
		ch <- prometheus.MustNewConstMetric(m.active, prometheus.GaugeValue, float64(n), body, p)
	}
	tasks, err := m.st.ListTasks(ctx, &store.ListTasksParams{Body: body, Status: store.TaskOpen})
	if err != nil {
		return err
	}
	perOffice := map[string]int{}
	for _, t := range tasks {
		for _, o := range t.CandidateOffices {
			perOffice[o]++
		}
		if len(t.CandidateOffices) == 0 {
			perOffice[""]++
		}
	}
	for o, n := range perOffice {
		ch <- prometheus.MustNewConstMetric(m.openTasks, prometheus.GaugeValue, float64(n), body, o)
	}
	jobs, err := m.st.ListJobs(ctx, &store.ListJobsParams{Body: body})
	if err != nil {
		return err
	}
	perStatus := map[store.JobStatus]int{store.JobPending: 0, store.JobIncident: 0}
	for _, j := range jobs {
		perStatus[j.Status]++
	}
	for s, n := range perStatus {
		ch <- prometheus.MustNewConstMetric(m.jobs, prometheus.GaugeValue, float64(n), body, string(s))
	}
	ch <- prometheus.MustNewConstMetric(m.incidents, prometheus.GaugeValue, float64(perStatus[store.JobIncident]), body)
	return nil
}

// Registry returns the registry the metrics are on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
// authorize, when not nil, decides who may read them (403 otherwise):
// figures per body and office are not for everyone.
func (m *Metrics) Handler(authorize func(*http.Request) bool) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authorize != nil && !authorize(r) {
			http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
