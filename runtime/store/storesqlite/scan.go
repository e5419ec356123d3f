package storesqlite

import (
	"context"

	"github.com/procedo/procedo/runtime/store"
)

var _ store.EventScanner = (*Store)(nil)

// ScanEvents implements store.EventScanner.
func (s *Store) ScanEvents(ctx context.Context, p *store.ScanEventsParams, fn func(*store.Event) error) error {
	if err := store.CheckBody("ScanEvents", p.Body); err != nil {
		return err
	}
	q := `SELECT body, instance_id, seq, type, element_id, actor, time, data FROM events WHERE body = ?`
	args := []any{p.Body}
	if !p.Since.IsZero() {
		q += ` AND time >= ?`
		args = append(args, p.Since.UnixMicro())
	}
	rows, err := s.reader.QueryContext(ctx, q+` ORDER BY instance_id, seq`, args...)
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
	q := `SELECT ` + instanceCols + `, state FROM instances WHERE body = ?`
	args := []any{p.Body}
	if p.ProcessKey != "" {
		q += ` AND process_key = ?`
		args = append(args, p.ProcessKey)
	}
	rows, err := s.reader.QueryContext(ctx, q+` ORDER BY id`, args...)
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
