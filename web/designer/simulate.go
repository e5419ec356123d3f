package designerweb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// Limits of simulations: they live in memory, per server.
const (
	maxSimulations = 64
	simulationTTL  = 30 * time.Minute
	simBody        = "simulazione"
)

// simClock is the simulated clock an analyst advances.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *simClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// simulation is one instance run in memory through codegen.Load, the same
// in-memory path hot deployment uses: an engine on the in-memory store
// with a clock of its own, and service tasks answered with the results
// the analyst chose.
type simulation struct {
	mu       sync.Mutex
	tenant   string
	engine   *runtime.Engine
	store    *storemem.Store
	clock    *simClock
	instance string
	services map[string]json.RawMessage // service type → variables it sets
	used     time.Time
}

type simulations struct {
	mu sync.Mutex
	m  map[string]*simulation
}

func (s *simulations) get(tenant, id string) *simulation {
	s.mu.Lock()
	defer s.mu.Unlock()
	sim := s.m[id]
	if sim == nil || sim.tenant != tenant {
		return nil
	}
	return sim
}

func (s *simulations) put(sim *simulation) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for id, x := range s.m {
		if now.Sub(x.used) > simulationTTL {
			delete(s.m, id)
		}
	}
	if len(s.m) >= maxSimulations { // drop the least recently used
		var oldest string
		for id, x := range s.m {
			if oldest == "" || x.used.Before(s.m[oldest].used) {
				oldest = id
			}
		}
		delete(s.m, oldest)
	}
	var b [12]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	s.m[id] = sim
	return id
}

// withBundle writes files into a temporary bundle folder for the codegen
// functions, which read bundles from disk.
func withBundle(files workspace.Files, fn func(dir string) error) error {
	dir, err := os.MkdirTemp("", "procedo-designer-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, p := range files.Paths() {
		if !workspace.ValidPath(p) {
			return &workspace.InvalidError{Field: p, Msg: "not a file of a bundle"}
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(files[p]), 0o644); err != nil {
			return err
		}
	}
	return fn(dir)
}

// codegenError turns a model with errors into a 422 carrying the
// diagnostics, for the designer to show as lint does.
func codegenError(r *http.Request, err error) error {
	var de *codegen.DiagnosticsError
	if errors.As(err, &de) {
		n := 0
		for _, d := range de.Diagnostics {
			if d.Severity == "error" {
				n++
			}
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "model-errors", Message: msg(r, "model-errors", n), Detail: de.Diagnostics}
	}
	var ie *workspace.InvalidError
	if errors.As(err, &ie) {
		return err
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "codegen", Message: msg(r, "codegen", err.Error())}
}

// generate answers the Go source `procedo gen` writes for the bundle.
func (h *Handler) generate(_ http.ResponseWriter, r *http.Request, _ Identity) (any, error) {
	var in struct {
		Files workspace.Files `json:"files"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var out map[string][]byte
	err := withBundle(in.Files, func(dir string) error {
		b, err := codegen.Open(dir)
		if err != nil {
			return err
		}
		out, err = codegen.Generate(b)
		return err
	})
	if err != nil {
		return nil, codegenError(r, err)
	}
	files := make(map[string]string, len(out))
	for p, src := range out {
		files[p] = string(src)
	}
	return map[string]any{"files": files}, nil
}

// simState is what the simulation tab shows.
type simState struct {
	Session string          `json:"session"`
	Status  string          `json:"status"`
	Now     time.Time       `json:"now"`
	Waiting []simWaiting    `json:"waiting"`
	Vars    json.RawMessage `json:"vars"`
	Trace   []simEvent      `json:"trace"`
	Visits  map[string]int  `json:"visits"`
	Term    any             `json:"term,omitempty"`
}

type simWaiting struct {
	Element string `json:"element"`
	Kind    string `json:"kind"`
	Task    string `json:"task,omitempty"`
	Name    string `json:"name,omitempty"`
	Form    string `json:"form,omitempty"`
}

type simEvent struct {
	Seq     int64           `json:"seq"`
	Time    time.Time       `json:"time"`
	Type    string          `json:"type"`
	Element string          `json:"element,omitempty"`
	Actor   string          `json:"actor,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (h *Handler) simulateStart(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Files    workspace.Files            `json:"files"`
		Process  string                     `json:"process"`
		Vars     json.RawMessage            `json:"vars"`
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var defs []*runtime.Definition
	err := withBundle(in.Files, func(dir string) error {
		var err error
		defs, err = codegen.Load(dir)
		return err
	})
	if err != nil {
		return nil, codegenError(r, err)
	}
	if len(defs) == 0 {
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "simulate-nothing", Message: msg(r, "simulate-nothing")}
	}
	def := defs[0]
	for _, d := range defs {
		if d.Key == in.Process {
			def = d
		}
	}
	sim := &simulation{tenant: id.Tenant, store: storemem.New(), clock: &simClock{now: time.Now().UTC().Truncate(time.Minute)},
		services: in.Services, used: time.Now()}
	if sim.services == nil {
		sim.services = map[string]json.RawMessage{}
	}
	eng, err := runtime.New(runtime.Options{Store: sim.store, Clock: sim.clock, MaxAttempts: 1, Workers: 1,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	sim.engine = eng
	for _, d := range defs {
		for _, n := range d.Nodes() {
			if n.Type != "" {
				eng.SetHandler(n.Type, sim.serviceHandler(n.Type))
			}
		}
	}
	ctx := r.Context()
	for _, d := range defs {
		if _, err := eng.Deploy(ctx, &runtime.DeployParams{Body: simBody, Definition: d, Actor: id.User}); err != nil {
			return nil, codegenError(r, err)
		}
	}
	vars := in.Vars
	if len(vars) == 0 {
		vars = json.RawMessage("{}")
	}
	inst, err := eng.Start(ctx, &runtime.StartParams{Body: simBody, ProcessKey: def.Key, Vars: vars, Actor: id.User})
	if err != nil {
		return nil, simError(r, err)
	}
	sim.instance = inst.ID
	if err := sim.settle(ctx); err != nil {
		return nil, err
	}
	sid := h.sims.put(sim)
	return sim.state(ctx, sid)
}

// serviceHandler answers a service task with the variables the analyst
// chose for its type.
func (s *simulation) serviceHandler(typ string) runtime.Handler {
	return func(_ context.Context, c *runtime.ServiceCall) error {
		s.mu.Lock()
		res := s.services[typ]
		s.mu.Unlock()
		if len(res) == 0 {
			return nil
		}
		return json.Unmarshal(res, c.Vars)
	}
}

func (s *simulation) settle(ctx context.Context) error {
	_, err := s.engine.ProcessJobs(ctx)
	return err
}

func simError(r *http.Request, err error) error {
	var ve *runtime.ValidationError
	if errors.As(err, &ve) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "simulate-invalid", Message: msg(r, "simulate-invalid", err.Error()), Detail: ve}
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "simulate-failed", Message: msg(r, "simulate-failed", err.Error())}
}

func (s *simulation) state(ctx context.Context, sid string) (*simState, error) {
	v, err := s.engine.Inspect(ctx, simBody, s.instance)
	if err != nil {
		return nil, err
	}
	st := &simState{Session: sid, Status: string(v.Status), Now: s.clock.Now(), Vars: v.Vars, Visits: v.Visits, Waiting: []simWaiting{}, Trace: []simEvent{}}
	if v.Term != nil {
		st.Term = v.Term
	}
	tasks, err := s.store.ListTasks(ctx, &store.ListTasksParams{Body: simBody, InstanceID: s.instance, Status: store.TaskOpen})
	if err != nil {
		return nil, err
	}
	byID := map[string]*store.Task{}
	for _, t := range tasks {
		byID[t.ID] = t
	}
	for _, w := range v.Waiting {
		sw := simWaiting{Element: w.Element, Kind: w.Kind, Task: w.TaskID}
		if t := byID[w.TaskID]; t != nil {
			sw.Name, sw.Form = t.Name, t.Form
		}
		st.Waiting = append(st.Waiting, sw)
	}
	sort.Slice(st.Waiting, func(i, j int) bool { return st.Waiting[i].Element < st.Waiting[j].Element })
	evs, err := s.store.ListEvents(ctx, &store.ListEventsParams{Body: simBody, InstanceID: s.instance})
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		st.Trace = append(st.Trace, simEvent{Seq: e.Seq, Time: e.Time, Type: string(e.Type), Element: e.ElementID, Actor: e.Actor, Data: e.Data})
	}
	return st, nil
}

func (h *Handler) simulation(r *http.Request, id Identity) (*simulation, error) {
	sim := h.sims.get(id.Tenant, r.PathValue("sid"))
	if sim == nil {
		return nil, &apiError{Status: http.StatusNotFound, Code: "simulate-gone", Message: msg(r, "simulate-gone")}
	}
	return sim, nil
}

func (h *Handler) simulateGet(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	sim, err := h.simulation(r, id)
	if err != nil {
		return nil, err
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	sim.used = time.Now()
	return sim.state(r.Context(), r.PathValue("sid"))
}

// simulateComplete completes an open user task with the outcome the
// analyst chose (the task form's payload).
func (h *Handler) simulateComplete(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Task    string          `json:"task"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	sim, err := h.simulation(r, id)
	if err != nil {
		return nil, err
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	sim.used = time.Now()
	if len(in.Payload) == 0 {
		in.Payload = json.RawMessage("{}")
	}
	if err := sim.engine.CompleteTask(r.Context(), &runtime.CompleteTaskParams{Body: simBody, TaskID: in.Task, Actor: id.User, Payload: in.Payload}); err != nil {
		return nil, simError(r, err)
	}
	if err := sim.settle(r.Context()); err != nil {
		return nil, err
	}
	return sim.state(r.Context(), r.PathValue("sid"))
}

// simulateServices changes the results service tasks give from now on.
func (h *Handler) simulateServices(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	sim, err := h.simulation(r, id)
	if err != nil {
		return nil, err
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	for k, v := range in.Services {
		sim.services[k] = v
	}
	return sim.state(r.Context(), r.PathValue("sid"))
}

// simulateAdvance moves the simulated clock, firing timers and retries in
// their order (a 30-day term passes in a click).
func (h *Handler) simulateAdvance(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Days  int `json:"days"`
		Hours int `json:"hours"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Days < 0 || in.Hours < 0 || in.Days > 3660 || in.Hours > 24*3660 {
		return nil, badRequest(r, "days %d, hours %d", in.Days, in.Hours)
	}
	sim, err := h.simulation(r, id)
	if err != nil {
		return nil, err
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	sim.used = time.Now()
	ctx := r.Context()
	target := sim.clock.Now().Add(time.Duration(in.Days)*24*time.Hour + time.Duration(in.Hours)*time.Hour)
	for {
		if err := sim.settle(ctx); err != nil {
			return nil, err
		}
		next, err := sim.store.NextJobDue(ctx)
		if err != nil {
			return nil, err
		}
		if next.IsZero() || next.After(target) {
			break
		}
		if next.After(sim.clock.Now()) {
			sim.clock.set(next)
		}
	}
	sim.clock.set(target)
	if err := sim.settle(ctx); err != nil {
		return nil, err
	}
	return sim.state(ctx, r.PathValue("sid"))
}
