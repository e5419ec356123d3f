package store

import (
	"context"
	"time"
)

// ScanEventsParams are the params of EventScanner.ScanEvents.
type ScanEventsParams struct {
	Body string
	// Since, when not zero, keeps only the events with Time >= Since (an
	// incremental reader passes its last watermark minus a margin).
	Since time.Time
}

// EventScanner is an optional interface of a Store: it streams the history
// of a body, ordered by instance then Seq, without building the whole
// slice, so that a reader of a million events (the indicators) holds one
// at a time. The SQL stores index events by (body, time) for Since.
type EventScanner interface {
	// ScanEvents calls fn for every event in order; an error from fn
	// stops the scan and is returned. fn must not keep the *Event's Data
	// beyond the call unless it copies it.
	ScanEvents(ctx context.Context, p *ScanEventsParams, fn func(*Event) error) error
}

// ScanEvents streams the events of a body through s when it is an
// EventScanner, and otherwise lists them with ListEvents and filters
// them by time.
func ScanEvents(ctx context.Context, s Store, p *ScanEventsParams, fn func(*Event) error) error {
	if sc, ok := s.(EventScanner); ok {
		return sc.ScanEvents(ctx, p, fn)
	}
	evs, err := s.ListEvents(ctx, &ListEventsParams{Body: p.Body})
	if err != nil {
		return err
	}
	for _, e := range evs {
		if !p.Since.IsZero() && e.Time.Before(p.Since) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// ScanInstancesParams are the params of InstanceScanner.ScanInstances.
type ScanInstancesParams struct {
	Body       string
	ProcessKey string // "" for all
}

// InstanceScanner is an optional interface of a Store: it streams the
// instances of a body with their State, ordered by ID, so that a reader
// that needs the variables of every case (the checklist answers of the
// indicators) pays one query, not one per case.
type InstanceScanner interface {
	ScanInstances(ctx context.Context, p *ScanInstancesParams, fn func(*Instance) error) error
}
