package storesqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/procedo/procedo/runtime/store"
)

// Commit implements store.Store: the steps are written in one savepoint of
// the writer's transaction; any conflict rolls the savepoint back and
// names every instance in conflict.
func (s *Store) Commit(ctx context.Context, p *store.CommitParams) error {
	if err := p.Validate(); err != nil {
		return err
	}
	type k struct{ body, id string }
	seen := make(map[k]bool, len(p.Steps))
	for _, st := range p.Steps {
		key := k{st.Instance.Body, st.Instance.ID}
		if seen[key] {
			return &store.InvalidError{Method: "Commit", Field: "Steps", Reason: "instance " + st.Instance.ID + " appears twice in one batch"}
		}
		seen[key] = true
	}
	// The numbers the steps take (store.Step.Number), written into the
	// steps once committed.
	var numbers []string
	err := s.write(ctx, func(tx *sql.Conn, r *writeReq) error {
		var conflicts []string
		numbers = make([]string, len(p.Steps))
		for i, st := range p.Steps {
			ok, err := s.writeStep(tx, st, &numbers[i])
			if err != nil {
				return err
			}
			if !ok {
				conflicts = append(conflicts, st.Instance.ID)
				continue
			}
			for _, j := range st.Jobs {
				r.notify = r.notify || store.WakesRunners(j)
			}
		}
		if len(conflicts) > 0 {
			r.notify = false
			return &store.ConflictError{Kind: "instance", IDs: conflicts}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, st := range p.Steps {
		if st.Number != nil {
			st.Numbered(numbers[i])
		}
	}
	return nil
}

// writeStep writes one step; false means a conflict (the caller rolls the
// savepoint back, so a partly written step is never kept). *number gets
// the number the step took (store.Step.Number), formatted.
func (s *Store) writeStep(tx *sql.Conn, st *store.Step, number *string) (bool, error) {
	in := st.Instance
	var res sql.Result
	var err error
	businessKey := in.BusinessKey
	if n := st.Number; n != nil {
		// Taken in the savepoint: rolled back with a step in conflict.
		var v int64
		if err := s.queryRow(tx, sqlNextNumber, in.Body, n.Name, n.Year).Scan(&v); err != nil {
			return false, fmt.Errorf("storesqlite: number %s/%d: %w", n.Name, n.Year, err)
		}
		*number = store.FormatNumber(n.Year, v)
		businessKey = *number
	}
	if st.ExpectedVersion == 0 {
		res, err = s.exec(tx, `INSERT INTO instances (body, id, process_key, definition_hash, business_key, parent_id, status, version, state, started_at, updated_at, ended_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			in.Body, in.ID, in.ProcessKey, in.DefinitionHash, businessKey, in.ParentID, string(in.Status), in.Version,
			blob(in.State), tm(in.StartedAt), tm(in.UpdatedAt), tm(in.EndedAt))
	} else {
		res, err = s.exec(tx, `UPDATE instances SET process_key = ?, definition_hash = ?, business_key = ?, parent_id = ?, status = ?,
			version = ?, state = ?, started_at = ?, updated_at = ?, ended_at = ?
			WHERE body = ? AND id = ? AND version = ?`,
			in.ProcessKey, in.DefinitionHash, in.BusinessKey, in.ParentID, string(in.Status), in.Version,
			blob(in.State), tm(in.StartedAt), tm(in.UpdatedAt), tm(in.EndedAt), in.Body, in.ID, st.ExpectedVersion)
	}
	if err != nil {
		return false, fmt.Errorf("storesqlite: write instance %s: %w", in.ID, err)
	}
	if rowsAffected(res) != 1 {
		return false, nil
	}
	if len(st.Events) > 0 {
		// History is append-only: a seq must come after the last one kept.
		var last int64
		if err := s.queryRow(tx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE body = ? AND instance_id = ?`, in.Body, in.ID).Scan(&last); err != nil {
			return false, err
		}
		for _, e := range st.Events {
			if e.Seq <= last {
				return false, nil
			}
			last = e.Seq
			data := e.Data
			if st.Number != nil && st.Number.Event == e {
				data = store.ReplaceNumber(data, *number)
			}
			if _, err := s.exec(tx, `INSERT INTO events (body, instance_id, seq, type, element_id, actor, time, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				e.Body, e.InstanceID, e.Seq, string(e.Type), e.ElementID, e.Actor, tm(e.Time), rawJSON(data)); err != nil {
				return false, fmt.Errorf("storesqlite: write event %s/%d: %w", e.InstanceID, e.Seq, err)
			}
		}
	}
	for _, l := range st.DoneJobs {
		if l.Owner == "" {
			if _, err := s.exec(tx, `DELETE FROM jobs WHERE body = ? AND id = ?`, in.Body, l.ID); err != nil {
				return false, err
			}
			continue
		}
		res, err := s.exec(tx, `DELETE FROM jobs WHERE body = ? AND id = ? AND lease_owner = ?`, in.Body, l.ID, l.Owner)
		if err != nil {
			return false, err
		}
		if rowsAffected(res) != 1 {
			return false, nil
		}
	}
	for _, j := range st.Jobs {
		status := j.Status
		if status == "" {
			status = store.JobPending
		}
		var leaseUntil any
		if j.LeaseOwner != "" {
			leaseUntil = tm(j.LeaseUntil)
		}
		res, err := s.exec(tx, `INSERT INTO jobs (body, id, instance_id, kind, element_id, token_id, idempotency_key, payload, status, due_at, attempts, max_attempts, last_error, created_at,
				lease_owner, lease_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			j.Body, j.ID, j.InstanceID, j.Kind, j.ElementID, j.TokenID, j.IdempotencyKey, rawJSON(j.Payload), string(status),
			j.DueAt.UnixMicro(), j.Attempts, j.MaxAttempts, j.LastError, tm(j.CreatedAt), j.LeaseOwner, leaseUntil)
		if err != nil {
			return false, fmt.Errorf("storesqlite: write job %s: %w", j.ID, err)
		}
		if rowsAffected(res) != 1 {
			return false, nil
		}
	}
	for _, t := range st.Tasks {
		offices, err := json.Marshal(nonNil(t.CandidateOffices))
		if err != nil {
			return false, err
		}
		if _, err := s.exec(tx, `INSERT INTO tasks (body, id, instance_id, process_key, element_id, name, form, candidate_offices, assignee, status, created_at, due_at, ended_at, completed_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (body, id) DO UPDATE SET instance_id = excluded.instance_id, process_key = excluded.process_key,
				element_id = excluded.element_id, name = excluded.name, form = excluded.form, candidate_offices = excluded.candidate_offices,
				assignee = excluded.assignee, status = excluded.status, created_at = excluded.created_at, due_at = excluded.due_at,
				ended_at = excluded.ended_at, completed_by = excluded.completed_by`,
			t.Body, t.ID, t.InstanceID, t.ProcessKey, t.ElementID, t.Name, t.Form, string(offices), t.Assignee, string(t.Status),
			tm(t.CreatedAt), tm(t.DueAt), tm(t.EndedAt), t.CompletedBy); err != nil {
			return false, fmt.Errorf("storesqlite: write task %s: %w", t.ID, err)
		}
	}
	for _, id := range st.DropSubscriptions {
		if _, err := s.exec(tx, `DELETE FROM subscriptions WHERE body = ? AND id = ? AND instance_id = ?`, in.Body, id, in.ID); err != nil {
			return false, err
		}
	}
	for _, sub := range st.Subscriptions {
		if _, err := s.exec(tx, `INSERT OR REPLACE INTO subscriptions (body, id, instance_id, name, correlation_key, element_id, token_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sub.Body, sub.ID, sub.InstanceID, sub.Name, sub.CorrelationKey, sub.ElementID, sub.TokenID, tm(sub.CreatedAt)); err != nil {
			return false, fmt.Errorf("storesqlite: write subscription %s: %w", sub.ID, err)
		}
	}
	for _, d := range st.Documents {
		// Versions are dense: version n needs version n-1.
		var last int
		if err := s.queryRow(tx, `SELECT COALESCE(MAX(version), 0) FROM documents WHERE body = ? AND instance_id = ? AND name = ?`,
			d.Body, d.InstanceID, d.Name).Scan(&last); err != nil {
			return false, err
		}
		if d.Version != last+1 {
			return false, nil
		}
		if _, err := s.exec(tx, `INSERT INTO documents (body, instance_id, name, version, media_type, sha256, size, content, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Body, d.InstanceID, d.Name, d.Version, d.MediaType, store.Digest(d.Content), len(d.Content), nonNilBytes(d.Content),
			tm(d.CreatedAt), d.CreatedBy); err != nil {
			return false, fmt.Errorf("storesqlite: write document %s v%d: %w", d.Name, d.Version, err)
		}
	}
	return true, nil
}

func blob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// rawJSON keeps absent JSON as NULL.
func rawJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return []byte(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
