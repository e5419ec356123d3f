package runtime

import (
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// Observer is told about every batch of steps the engine commits, for
// metrics (web/metrics exposes them to Prometheus). It is called on the
// committing goroutine after the commit succeeded: keep it cheap and never
// block.
type Observer interface {
	Committed(steps []StepInfo, took time.Duration)
}

// StepInfo describes one committed step.
type StepInfo struct {
	Body       string
	ProcessKey string
	Created    bool                 // the step started the instance
	Status     store.InstanceStatus // the instance's status after the step
	Events     int
	Jobs       int
}

func (e *Engine) observe(runs []*run, took time.Duration) {
	infos := make([]StepInfo, len(runs))
	for i, r := range runs {
		infos[i] = StepInfo{Body: r.in.Body, ProcessKey: r.in.ProcessKey, Created: r.step.ExpectedVersion == 0,
			Status: r.in.Status, Events: len(r.step.Events), Jobs: len(r.step.Jobs)}
	}
	e.opts.Observer.Committed(infos, took)
}
