package synth

import (
	"context"
	"fmt"

	"github.com/procedo/procedo/runtime/store"
)

// Copy copies the deployments, instances (with their state) and history
// of a body from one store to another, batch instances per commit: a large
// history is generated quickly on the in-memory store, then loaded into
// the store under test. Instances get version 1 in the copy (their
// history keeps its sequence numbers); jobs, tasks and documents are not
// copied.
func Copy(ctx context.Context, from, to store.Store, body string, batch int) error {
	if batch <= 0 {
		batch = 200
	}
	deps, err := from.ListDeployments(ctx, &store.ListDeploymentsParams{Body: body})
	if err != nil {
		return err
	}
	for _, d := range deps {
		if _, err := to.PutDeployment(ctx, &store.PutDeploymentParams{Deployment: d}); err != nil {
			return fmt.Errorf("synth: copying deployment %s: %w", d.Hash, err)
		}
	}
	events, err := from.ListEvents(ctx, &store.ListEventsParams{Body: body})
	if err != nil {
		return err
	}
	byInstance := map[string][]*store.Event{}
	for _, e := range events {
		byInstance[e.InstanceID] = append(byInstance[e.InstanceID], e)
	}
	ins, err := from.ListInstances(ctx, &store.ListInstancesParams{Body: body})
	if err != nil {
		return err
	}
	var steps []*store.Step
	flush := func() error {
		if len(steps) == 0 {
			return nil
		}
		err := to.Commit(ctx, &store.CommitParams{Steps: steps})
		steps = steps[:0]
		return err
	}
	for _, in := range ins {
		full, err := from.GetInstance(ctx, &store.GetInstanceParams{Body: body, ID: in.ID})
		if err != nil {
			return err
		}
		full.Version = 1
		steps = append(steps, &store.Step{Instance: full, Events: byInstance[in.ID]})
		if len(steps) == batch {
			if err := flush(); err != nil {
				return fmt.Errorf("synth: copying instances: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("synth: copying instances: %w", err)
	}
	return nil
}
