package storepg

import (
	"context"

	"github.com/procedo/procedo/runtime/store"
)

var _ store.EventScanner = (*Store)(nil)

// ScanEvents implements store.EventScanner. The rows stream from the
// server as they are read, so a million events never sit in memory at
// once.
func (s *Store) ScanEvents(ctx context.Context, p *store.ScanEventsParams, fn func(*store.Event) error) error {
	if err := store.CheckBody("ScanEvents", p.Body); err != nil {
		return err
	}
	q := `SELECT body, instance_id, seq, type, element_id, actor, time, data FROM events WHERE body = $1`
	args := []any{p.Body}
	if !p.Since.IsZero() {
		q += ` AND time >= $2`
		args = append(args, p.Since)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY instance_id, seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.InstanceScanner = (*Store)(nil)

// ScanInstances implements store.InstanceScanner.
func (s *Store) ScanInstances(ctx context.Context, p *store.ScanInstancesParams, fn func(*store.Instance) error) error {
	if err := store.CheckBody("ScanInstances", p.Body); err != nil {
		return err
	}
	q := `SELECT ` + instanceCols + `, state FROM instances WHERE body = $1`
	args := []any{p.Body}
	if p.ProcessKey != "" {
		q += ` AND process_key = $2`
		args = append(args, p.ProcessKey)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var state []byte
		in, err := scanInstance(rows, &state)
		if err != nil {
			return err
		}
		in.State = state
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}
