package storemem

import (
	"context"
	"slices"
	"sort"

	"github.com/procedo/procedo/runtime/store"
)

var _ store.EventScanner = (*Store)(nil)

// ScanEvents implements store.EventScanner. An instance whose last event
// is older than Since is skipped whole: events of an instance are kept in
// Seq order, which is time order.
func (s *Store) ScanEvents(ctx context.Context, p *store.ScanEventsParams, fn func(*store.Event) error) error {
	if err := store.CheckBody("ScanEvents", p.Body); err != nil {
		return err
	}
	s.mu.Lock()
	var keys []key
	for k, rec := range s.instances {
		if evs := rec.events; k.body == p.Body && len(evs) > 0 && (p.Since.IsZero() || !evs[len(evs)-1].Time.Before(p.Since)) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].id < keys[j].id })
	var out []*store.Event
	for _, k := range keys {
		for _, e := range s.instances[k].events {
			if !p.Since.IsZero() && e.Time.Before(p.Since) {
				continue
			}
			c := *e
			c.Data = slices.Clone(e.Data)
			out = append(out, &c)
		}
	}
	s.mu.Unlock()
	for _, e := range out {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
