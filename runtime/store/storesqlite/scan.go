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
