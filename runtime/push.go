package runtime

import (
	"context"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// The service jobs an engine creates while its RunJobs runs are its own:
// the commit writes them leased to this engine (store.Step.Jobs) and,
// once it has committed, hands them with their instance to RunJobs'
// loops in memory. Acquiring them back from the store would cost a
// statement and a transaction per batch, and a wake-up of every node for
// each commit; the lease keeps the at-least-once contract: should this
// engine stop before running a job, another engine takes it over when the
// lease ends, with the same idempotency key.
//
// The queue is bounded (BatchSize × Runners jobs, counting those whose
// commit is in flight): a job that finds it full is committed free and
// acquired from the store as before.

// pushed is a job handed over after its commit, with the instance as
// committed.
type pushed struct {
	job *store.Job
	in  *store.Instance
}

type pusher struct {
	mu       sync.Mutex
	loops    int // RunJobs calls running: push only while one does
	capacity int
	reserved int // leased by commits in flight
	q        []pushed
	ready    chan struct{} // signalled when q gets jobs
}

func newPusher(capacity int) *pusher {
	return &pusher{capacity: capacity, ready: make(chan struct{}, 1)}
}

// lease marks the service jobs of runs that are due now as leased to
// this engine, as far as the queue has room, and returns them by run. A
// job that comes leased already is left as it is.
func (e *Engine) lease(runs []*run) [][]*store.Job {
	p := e.push
	var out [][]*store.Job
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.loops == 0 {
		return nil
	}
	for i, r := range runs {
		if !r.active() {
			continue
		}
		for _, j := range r.step.Jobs {
			if j.Kind != jobService || j.DueAt.After(r.now) || j.LeaseOwner != "" || p.reserved+len(p.q) >= p.capacity {
				continue
			}
			j.LeaseOwner, j.LeaseUntil = e.opts.Owner, r.now.Add(e.opts.LeaseFor)
			p.reserved++
			if out == nil {
				out = make([][]*store.Job, len(runs))
			}
			out[i] = append(out[i], j)
		}
	}
	return out
}

// unlease takes back the leases of a commit that failed: a retry builds
// its steps again, or commits the same ones and leases them again.
func (e *Engine) unlease(leased [][]*store.Job) {
	p := e.push
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, js := range leased {
		for _, j := range js {
			j.LeaseOwner, j.LeaseUntil = "", time.Time{}
			p.reserved--
		}
	}
}

// handOver queues the jobs of a commit that succeeded for RunJobs' loops;
// when none runs any more, it gives their leases back to the store.
func (e *Engine) handOver(ctx context.Context, runs []*run, leased [][]*store.Job) {
	p := e.push
	p.mu.Lock()
	var orphans []*store.Job
	for i, js := range leased {
		for _, j := range js {
			p.reserved--
			if p.loops == 0 {
				orphans = append(orphans, j)
				continue
			}
			// A copy: the caller of the step that created the job
			// may still read its instance while the job's step moves
			// the loaded one on.
			in := *runs[i].in
			p.q = append(p.q, pushed{job: j, in: &in})
		}
	}
	if len(p.q) > 0 {
		select {
		case p.ready <- struct{}{}:
		default:
		}
	}
	p.mu.Unlock()
	if len(orphans) > 0 {
		e.release(context.WithoutCancel(ctx), orphans)
	}
}

// take removes up to n queued jobs, with the instances they came with.
func (p *pusher) take(n int) ([]*store.Job, []*store.Instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = min(n, len(p.q))
	if n == 0 {
		return nil, nil
	}
	jobs, ins := make([]*store.Job, n), make([]*store.Instance, 0, n)
	seen := make(map[store.InstanceKey]bool, n)
	for i, x := range p.q[:n] {
		jobs[i] = x.job
		// One instance per key: preload hands an instance to a job only
		// when it is the instance's only service job of the batch.
		if k := (store.InstanceKey{Body: x.in.Body, ID: x.in.ID}); !seen[k] {
			seen[k] = true
			ins = append(ins, x.in)
		}
	}
	p.q = append(p.q[:0:0], p.q[n:]...)
	if len(p.q) > 0 {
		select {
		case p.ready <- struct{}{}:
		default:
		}
	}
	return jobs, ins
}

// runPushed runs the queued jobs in batches until none is left, or, once
// it has run a batch, until is past: under a steady stream of jobs the
// loop must still turn to the store (timers, retries, other nodes' jobs).
// Jobs left in the queue keep it signalled.
func (e *Engine) runPushed(ctx context.Context, until time.Time) error {
	for first := true; ctx.Err() == nil && (first || time.Now().Before(until)); first = false {
		jobs, ins := e.push.take(e.opts.BatchSize)
		if len(jobs) == 0 {
			return nil
		}
		if err := e.runBatch(ctx, jobs, ins); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// startPushing and stopPushing bracket a RunJobs call. The last one to
// stop gives the leases of the jobs still queued back to the store.
func (e *Engine) startPushing() {
	e.push.mu.Lock()
	e.push.loops++
	e.push.mu.Unlock()
}

func (e *Engine) stopPushing(ctx context.Context) {
	p := e.push
	p.mu.Lock()
	p.loops--
	var left []*store.Job
	if p.loops == 0 {
		for _, x := range p.q {
			left = append(left, x.job)
		}
		p.q = nil
	}
	p.mu.Unlock()
	if len(left) > 0 {
		e.release(context.WithoutCancel(ctx), left)
	}
}
