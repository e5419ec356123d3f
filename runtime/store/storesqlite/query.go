package storesqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// PutDeployment implements store.Store.
func (s *Store) PutDeployment(ctx context.Context, p *store.PutDeploymentParams) (*store.Deployment, error) {
	d := p.Deployment
	if d == nil {
		return nil, &store.InvalidError{Method: "PutDeployment", Field: "Deployment", Reason: "missing"}
	}
	if err := store.CheckBody("PutDeployment", d.Body); err != nil {
		return nil, err
	}
	if d.ProcessKey == "" || d.Hash == "" {
		return nil, &store.InvalidError{Method: "PutDeployment", Field: "ProcessKey/Hash", Reason: "empty"}
	}
	var out *store.Deployment
	err := s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		existing, err := scanDeployment(s.queryRow(tx, `SELECT `+deploymentCols+` FROM deployments WHERE body = ? AND process_key = ? AND hash = ?`,
			d.Body, d.ProcessKey, d.Hash))
		if err == nil {
			out = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var version int
		if err := s.queryRow(tx, `SELECT COALESCE(MAX(version), 0) + 1 FROM deployments WHERE body = ? AND process_key = ?`,
			d.Body, d.ProcessKey).Scan(&version); err != nil {
			return err
		}
		if _, err := s.exec(tx, `INSERT INTO deployments (body, process_key, version, hash, bundle, deployed_at, deployed_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.Body, d.ProcessKey, version, d.Hash, nonNilBytes(d.Bundle), tm(d.DeployedAt), d.DeployedBy); err != nil {
			return err
		}
		c := *d
		c.Version = version
		c.Bundle = append([]byte(nil), d.Bundle...)
		out = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storesqlite: put deployment %s: %w", d.ProcessKey, err)
	}
	return out, nil
}

const deploymentCols = `body, process_key, version, hash, bundle, deployed_at, deployed_by`

type scanner interface{ Scan(dest ...any) error }

func scanDeployment(row scanner) (*store.Deployment, error) {
	var d store.Deployment
	var at sql.NullInt64
	if err := row.Scan(&d.Body, &d.ProcessKey, &d.Version, &d.Hash, &d.Bundle, &at, &d.DeployedBy); err != nil {
		return nil, err
	}
	d.DeployedAt = fromMicros(at)
	return &d, nil
}

// GetDeployment implements store.Store.
func (s *Store) GetDeployment(ctx context.Context, p *store.GetDeploymentParams) (*store.Deployment, error) {
	if err := store.CheckBody("GetDeployment", p.Body); err != nil {
		return nil, err
	}
	var row *sql.Row
	switch {
	case p.Hash != "":
		row = s.readRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = ? AND hash = ? AND (? = '' OR process_key = ?)
			ORDER BY version DESC LIMIT 1`, p.Body, p.Hash, p.ProcessKey, p.ProcessKey)
	case p.Version == 0:
		row = s.readRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = ? AND process_key = ?
			ORDER BY version DESC LIMIT 1`, p.Body, p.ProcessKey)
	default:
		row = s.readRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = ? AND process_key = ? AND version = ?`,
			p.Body, p.ProcessKey, p.Version)
	}
	d, err := scanDeployment(row)
	if errors.Is(err, sql.ErrNoRows) {
		id := p.Hash
		if id == "" {
			id = fmt.Sprintf("%s v%d", p.ProcessKey, p.Version)
		}
		return nil, notFound("deployment", p.Body, id)
	}
	return d, err
}

// ListDeployments implements store.Store.
func (s *Store) ListDeployments(ctx context.Context, p *store.ListDeploymentsParams) ([]*store.Deployment, error) {
	if err := store.CheckBody("ListDeployments", p.Body); err != nil {
		return nil, err
	}
	rows, err := s.read(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = ? AND (? = '' OR process_key = ?)
		ORDER BY process_key, version`, p.Body, p.ProcessKey, p.ProcessKey)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeployment)
}

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const instanceCols = `body, id, process_key, definition_hash, business_key, parent_id, status, version, started_at, updated_at, ended_at`

func scanInstance(row scanner, extra ...any) (*store.Instance, error) {
	var in store.Instance
	var status string
	var started, updated, ended sql.NullInt64
	dest := append([]any{&in.Body, &in.ID, &in.ProcessKey, &in.DefinitionHash, &in.BusinessKey, &in.ParentID, &status, &in.Version,
		&started, &updated, &ended}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	in.Status = store.InstanceStatus(status)
	in.StartedAt, in.UpdatedAt, in.EndedAt = fromMicros(started), fromMicros(updated), fromMicros(ended)
	return &in, nil
}

// GetInstance implements store.Store.
func (s *Store) GetInstance(ctx context.Context, p *store.GetInstanceParams) (*store.Instance, error) {
	if err := store.CheckBody("GetInstance", p.Body); err != nil {
		return nil, err
	}
	var state []byte
	in, err := scanInstance(s.readRow(ctx, `SELECT `+instanceCols+`, state FROM instances WHERE body = ? AND id = ?`, p.Body, p.ID), &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("instance", p.Body, p.ID)
	}
	if err != nil {
		return nil, err
	}
	in.State = state
	return in, nil
}

// ListInstances implements store.Store.
func (s *Store) ListInstances(ctx context.Context, p *store.ListInstancesParams) ([]*store.Instance, error) {
	if err := store.CheckBody("ListInstances", p.Body); err != nil {
		return nil, err
	}
	q := `SELECT ` + instanceCols + ` FROM instances WHERE body = ?`
	args := []any{p.Body}
	if p.ProcessKey != "" {
		q += ` AND process_key = ?`
		args = append(args, p.ProcessKey)
	}
	if p.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(p.Status))
	}
	if p.ParentID != "" {
		q += ` AND parent_id = ?`
		args = append(args, p.ParentID)
	}
	if p.AfterID != "" {
		q += ` AND id > ?`
		args = append(args, p.AfterID)
	}
	q += ` ORDER BY id` + limit(p.Limit)
	rows, err := s.read(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (*store.Instance, error) { return scanInstance(r) })
}

func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}

const taskCols = `body, id, instance_id, process_key, element_id, name, form, candidate_offices, assignee, status, created_at, due_at, ended_at, completed_by`

func scanTask(row scanner) (*store.Task, error) {
	var t store.Task
	var offices, status string
	var created, due, ended sql.NullInt64
	if err := row.Scan(&t.Body, &t.ID, &t.InstanceID, &t.ProcessKey, &t.ElementID, &t.Name, &t.Form, &offices, &t.Assignee, &status,
		&created, &due, &ended, &t.CompletedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(offices), &t.CandidateOffices); err != nil {
		return nil, fmt.Errorf("storesqlite: task %s: candidate offices: %w", t.ID, err)
	}
	if len(t.CandidateOffices) == 0 {
		t.CandidateOffices = nil
	}
	t.Status = store.TaskStatus(status)
	t.CreatedAt, t.DueAt, t.EndedAt = fromMicros(created), fromMicros(due), fromMicros(ended)
	return &t, nil
}

// GetTask implements store.Store.
func (s *Store) GetTask(ctx context.Context, p *store.GetTaskParams) (*store.Task, error) {
	if err := store.CheckBody("GetTask", p.Body); err != nil {
		return nil, err
	}
	t, err := scanTask(s.readRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE body = ? AND id = ?`, p.Body, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("task", p.Body, p.ID)
	}
	return t, err
}

// ListTasks implements store.Store.
func (s *Store) ListTasks(ctx context.Context, p *store.ListTasksParams) ([]*store.Task, error) {
	if err := store.CheckBody("ListTasks", p.Body); err != nil {
		return nil, err
	}
	q := `SELECT ` + taskCols + ` FROM tasks WHERE body = ?`
	args := []any{p.Body}
	if p.InstanceID != "" {
		q += ` AND instance_id = ?`
		args = append(args, p.InstanceID)
	}
	if p.Office != "" {
		q += ` AND EXISTS (SELECT 1 FROM json_each(tasks.candidate_offices) WHERE value = ?)`
		args = append(args, p.Office)
	}
	if p.Assignee != "" {
		q += ` AND assignee = ?`
		args = append(args, p.Assignee)
	}
	if p.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(p.Status))
	}
	q += ` ORDER BY created_at, id` + limit(p.Limit)
	rows, err := s.read(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTask)
}

func scanEvent(row scanner) (*store.Event, error) {
	var e store.Event
	var typ string
	var at sql.NullInt64
	var data []byte
	if err := row.Scan(&e.Body, &e.InstanceID, &e.Seq, &typ, &e.ElementID, &e.Actor, &at, &data); err != nil {
		return nil, err
	}
	e.Type = store.EventType(typ)
	e.Time = fromMicros(at)
	if data != nil {
		e.Data = json.RawMessage(data)
	}
	return &e, nil
}

// ListEvents implements store.Store.
func (s *Store) ListEvents(ctx context.Context, p *store.ListEventsParams) ([]*store.Event, error) {
	if err := store.CheckBody("ListEvents", p.Body); err != nil {
		return nil, err
	}
	q := `SELECT body, instance_id, seq, type, element_id, actor, time, data FROM events WHERE body = ?`
	args := []any{p.Body}
	if p.InstanceID != "" {
		q += ` AND instance_id = ?`
		args = append(args, p.InstanceID)
	}
	if p.AfterSeq > 0 {
		q += ` AND seq > ?`
		args = append(args, p.AfterSeq)
	}
	q += ` ORDER BY instance_id, seq` + limit(p.Limit)
	rows, err := s.read(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

const jobCols = `body, id, instance_id, kind, element_id, token_id, idempotency_key, payload, status, due_at, attempts, max_attempts, last_error, lease_owner, lease_until, created_at`

func scanJob(row scanner) (*store.Job, error) {
	var j store.Job
	var status string
	var payload []byte
	var due int64
	var leaseUntil, created sql.NullInt64
	if err := row.Scan(&j.Body, &j.ID, &j.InstanceID, &j.Kind, &j.ElementID, &j.TokenID, &j.IdempotencyKey, &payload, &status, &due,
		&j.Attempts, &j.MaxAttempts, &j.LastError, &j.LeaseOwner, &leaseUntil, &created); err != nil {
		return nil, err
	}
	if payload != nil {
		j.Payload = json.RawMessage(payload)
	}
	j.Status = store.JobStatus(status)
	j.DueAt = time.UnixMicro(due).UTC()
	j.LeaseUntil, j.CreatedAt = fromMicros(leaseUntil), fromMicros(created)
	return &j, nil
}

// AcquireJobs implements store.Store. The select and the lease are one
// UPDATE … RETURNING run by the single writer, so two callers never lease
// the same job.
func (s *Store) AcquireJobs(ctx context.Context, p *store.AcquireJobsParams) ([]*store.Job, error) {
	if p.Owner == "" {
		return nil, &store.InvalidError{Method: "AcquireJobs", Field: "Owner", Reason: "empty"}
	}
	n := p.Limit
	if n <= 0 {
		n = -1 // no limit
	}
	now := p.Now.UnixMicro()
	var out []*store.Job
	err := s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		rows, err := s.query(tx, `UPDATE jobs SET lease_owner = ?, lease_until = ?
			WHERE (body, id) IN (
				SELECT body, id FROM jobs
				WHERE status = 'pending' AND due_at <= ? AND (lease_owner = '' OR lease_until IS NULL OR lease_until <= ?)
				  AND (? = '' OR body = ?)
				ORDER BY due_at, id LIMIT ?)
			RETURNING `+jobCols,
			p.Owner, p.Now.Add(p.LeaseFor).UnixMicro(), now, now, p.Body, p.Body, n)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanJob)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storesqlite: acquire jobs: %w", err)
	}
	sortJobs(out)
	return out, nil
}

func sortJobs(jobs []*store.Job) {
	// RETURNING does not keep the order of the subquery.
	for i := 1; i < len(jobs); i++ {
		for k := i; k > 0 && jobLess(jobs[k], jobs[k-1]); k-- {
			jobs[k], jobs[k-1] = jobs[k-1], jobs[k]
		}
	}
}

func jobLess(a, b *store.Job) bool {
	if !a.DueAt.Equal(b.DueAt) {
		return a.DueAt.Before(b.DueAt)
	}
	return a.ID < b.ID
}

// FailJob implements store.Store.
func (s *Store) FailJob(ctx context.Context, p *store.FailJobParams) error {
	if err := store.CheckBody("FailJob", p.Body); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Conn, r *writeReq) error {
		var owner string
		err := s.queryRow(tx, `SELECT lease_owner FROM jobs WHERE body = ? AND id = ?`, p.Body, p.ID).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("job", p.Body, p.ID)
		}
		if err != nil {
			return err
		}
		if owner != p.Owner {
			return &store.ConflictError{Kind: "job", IDs: []string{p.ID}}
		}
		if p.RetryAt.IsZero() {
			_, err = s.exec(tx, `UPDATE jobs SET attempts = attempts + 1, last_error = ?, lease_owner = '', lease_until = NULL, status = 'incident'
				WHERE body = ? AND id = ?`, p.Error, p.Body, p.ID)
		} else {
			_, err = s.exec(tx, `UPDATE jobs SET attempts = attempts + 1, last_error = ?, lease_owner = '', lease_until = NULL, due_at = ?
				WHERE body = ? AND id = ?`, p.Error, p.RetryAt.UnixMicro(), p.Body, p.ID)
			r.notify = true
		}
		return err
	})
}

// RetryJob implements store.Store.
func (s *Store) RetryJob(ctx context.Context, p *store.RetryJobParams) error {
	if err := store.CheckBody("RetryJob", p.Body); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Conn, r *writeReq) error {
		var status string
		err := s.queryRow(tx, `SELECT status FROM jobs WHERE body = ? AND id = ?`, p.Body, p.ID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("job", p.Body, p.ID)
		}
		if err != nil {
			return err
		}
		if status != string(store.JobIncident) {
			return &store.ConflictError{Kind: "job", IDs: []string{p.ID}, Err: fmt.Errorf("job is %s, not an incident", status)}
		}
		_, err = s.exec(tx, `UPDATE jobs SET status = 'pending', due_at = ?, attempts = 0 WHERE body = ? AND id = ?`, p.Now.UnixMicro(), p.Body, p.ID)
		r.notify = true
		return err
	})
}

// ListJobs implements store.Store.
func (s *Store) ListJobs(ctx context.Context, p *store.ListJobsParams) ([]*store.Job, error) {
	if err := store.CheckBody("ListJobs", p.Body); err != nil {
		return nil, err
	}
	q := `SELECT ` + jobCols + ` FROM jobs WHERE body = ?`
	args := []any{p.Body}
	if p.InstanceID != "" {
		q += ` AND instance_id = ?`
		args = append(args, p.InstanceID)
	}
	if p.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(p.Status))
	}
	q += ` ORDER BY due_at, id` + limit(p.Limit)
	rows, err := s.read(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanJob)
}

// NextJobDue implements store.Store: a leased job is due again when its
// lease runs out.
func (s *Store) NextJobDue(ctx context.Context) (time.Time, error) {
	var next sql.NullInt64
	// As in storepg: the first job nobody leases, in due order from the
	// jobs_due index, or the end of a lease of a job due before it; a
	// min over all pending jobs read every waiting timer at every poll.
	err := s.readRow(ctx, `WITH free AS MATERIALIZED (
			SELECT due_at FROM jobs INDEXED BY jobs_due
			WHERE status = 'pending' AND (lease_owner = '' OR lease_until IS NULL OR lease_until <= due_at)
			ORDER BY due_at LIMIT 1)
		SELECT MIN(x) FROM (
			SELECT due_at AS x FROM free
			UNION ALL
			SELECT lease_until FROM jobs INDEXED BY jobs_due
			WHERE status = 'pending' AND lease_owner <> '' AND lease_until > due_at
			  AND due_at <= coalesce((SELECT due_at FROM free), 9223372036854775807))`).Scan(&next)
	if err != nil {
		return time.Time{}, err
	}
	return fromMicros(next), nil
}

// WakeUp implements store.Store.
func (s *Store) WakeUp() <-chan struct{} { return s.wake }

// FindSubscriptions implements store.Store.
func (s *Store) FindSubscriptions(ctx context.Context, p *store.FindSubscriptionsParams) ([]*store.Subscription, error) {
	if err := store.CheckBody("FindSubscriptions", p.Body); err != nil {
		return nil, err
	}
	rows, err := s.read(ctx, `SELECT body, id, instance_id, name, correlation_key, element_id, token_id, created_at
		FROM subscriptions WHERE body = ? AND name = ? AND correlation_key = ? ORDER BY created_at, id`, p.Body, p.Name, p.CorrelationKey)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (*store.Subscription, error) {
		var sub store.Subscription
		var at sql.NullInt64
		if err := r.Scan(&sub.Body, &sub.ID, &sub.InstanceID, &sub.Name, &sub.CorrelationKey, &sub.ElementID, &sub.TokenID, &at); err != nil {
			return nil, err
		}
		sub.CreatedAt = fromMicros(at)
		return &sub, nil
	})
}

// PutMessage implements store.Store.
func (s *Store) PutMessage(ctx context.Context, p *store.PutMessageParams) error {
	if err := p.Validate(); err != nil {
		return err
	}
	m := p.Message
	return s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		res, err := s.exec(tx, `INSERT INTO messages (body, id, name, correlation_key, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, m.Body, m.ID, m.Name, m.CorrelationKey, rawJSON(m.Payload), tm(m.CreatedAt), tm(m.ExpiresAt))
		if err != nil {
			return err
		}
		if rowsAffected(res) != 1 {
			return &store.ConflictError{Kind: "message", IDs: []string{m.ID}}
		}
		return nil
	})
}

// TakeMessage implements store.Store.
func (s *Store) TakeMessage(ctx context.Context, p *store.TakeMessageParams) (*store.Message, error) {
	if err := store.CheckBody("TakeMessage", p.Body); err != nil {
		return nil, err
	}
	var out *store.Message
	err := s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		var m store.Message
		var payload []byte
		var created, expires sql.NullInt64
		err := s.queryRow(tx, `DELETE FROM messages WHERE (body, id) IN (
				SELECT body, id FROM messages WHERE body = ? AND name = ? AND correlation_key = ? AND expires_at > ?
				ORDER BY created_at, id LIMIT 1)
			RETURNING body, id, name, correlation_key, payload, created_at, expires_at`,
			p.Body, p.Name, p.CorrelationKey, p.Now.UnixMicro()).Scan(&m.Body, &m.ID, &m.Name, &m.CorrelationKey, &payload, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("message", p.Body, p.Name+"/"+p.CorrelationKey)
		}
		if err != nil {
			return err
		}
		if payload != nil {
			m.Payload = json.RawMessage(payload)
		}
		m.CreatedAt, m.ExpiresAt = fromMicros(created), fromMicros(expires)
		out = &m
		return nil
	})
	return out, err
}

// DeleteExpiredMessages implements store.Store.
func (s *Store) DeleteExpiredMessages(ctx context.Context, p *store.DeleteExpiredMessagesParams) (int, error) {
	if err := store.CheckBody("DeleteExpiredMessages", p.Body); err != nil {
		return 0, err
	}
	var n int64
	err := s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		res, err := s.exec(tx, `DELETE FROM messages WHERE body = ? AND expires_at <= ?`, p.Body, p.Now.UnixMicro())
		if err != nil {
			return err
		}
		n = rowsAffected(res)
		return nil
	})
	return int(n), err
}

const documentCols = `body, instance_id, name, version, media_type, sha256, size, created_at, created_by`

func scanDocument(row scanner, extra ...any) (*store.Document, error) {
	var d store.Document
	var at sql.NullInt64
	dest := append([]any{&d.Body, &d.InstanceID, &d.Name, &d.Version, &d.MediaType, &d.SHA256, &d.Size, &at, &d.CreatedBy}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	d.CreatedAt = fromMicros(at)
	return &d, nil
}

// GetDocument implements store.Store.
func (s *Store) GetDocument(ctx context.Context, p *store.GetDocumentParams) (*store.Document, error) {
	if err := store.CheckBody("GetDocument", p.Body); err != nil {
		return nil, err
	}
	var content []byte
	var row *sql.Row
	if p.Version == 0 {
		row = s.readRow(ctx, `SELECT `+documentCols+`, content FROM documents WHERE body = ? AND instance_id = ? AND name = ?
			ORDER BY version DESC LIMIT 1`, p.Body, p.InstanceID, p.Name)
	} else {
		row = s.readRow(ctx, `SELECT `+documentCols+`, content FROM documents WHERE body = ? AND instance_id = ? AND name = ? AND version = ?`,
			p.Body, p.InstanceID, p.Name, p.Version)
	}
	d, err := scanDocument(row, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("document", p.Body, fmt.Sprintf("%s/%s v%d", p.InstanceID, p.Name, p.Version))
	}
	if err != nil {
		return nil, err
	}
	if content == nil {
		content = []byte{}
	}
	d.Content = content
	return d, nil
}

// ListDocuments implements store.Store.
func (s *Store) ListDocuments(ctx context.Context, p *store.ListDocumentsParams) ([]*store.Document, error) {
	if err := store.CheckBody("ListDocuments", p.Body); err != nil {
		return nil, err
	}
	rows, err := s.read(ctx, `SELECT `+documentCols+` FROM documents WHERE body = ? AND instance_id = ? ORDER BY name, version`,
		p.Body, p.InstanceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (*store.Document, error) { return scanDocument(r) })
}

// sqlNextNumber moves a register's counter (body, name, year) on by one
// and returns its new value: NextNumber's statement, and a numbered
// step's (store.Step.Number) in its commit.
const sqlNextNumber = `INSERT INTO counters (body, name, year, value) VALUES (?, ?, ?, 1)
	ON CONFLICT (body, name, year) DO UPDATE SET value = value + 1 RETURNING value`

// NextNumber implements store.Store.
func (s *Store) NextNumber(ctx context.Context, p *store.NextNumberParams) (int64, error) {
	if err := store.CheckBody("NextNumber", p.Body); err != nil {
		return 0, err
	}
	var n int64
	err := s.write(ctx, func(tx *sql.Conn, _ *writeReq) error {
		return s.queryRow(tx, sqlNextNumber, p.Body, p.Name, p.Year).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("storesqlite: next number %s/%d: %w", p.Name, p.Year, err)
	}
	return n, nil
}

var _ store.JobReleaser = (*Store)(nil)

// ReleaseJobs implements store.JobReleaser.
func (s *Store) ReleaseJobs(ctx context.Context, p *store.ReleaseJobsParams) (int, error) {
	if p.Owner == "" {
		return 0, &store.InvalidError{Method: "ReleaseJobs", Field: "Owner", Reason: "empty"}
	}
	if len(p.IDs) == 0 {
		return 0, nil
	}
	now := p.Now.UnixMicro()
	n := 0
	err := s.write(ctx, func(tx *sql.Conn, r *writeReq) error {
		n = 0
		for _, id := range p.IDs {
			res, err := s.exec(tx, `UPDATE jobs SET lease_owner = '', lease_until = NULL, due_at = MIN(due_at, ?)
				WHERE (? = '' OR body = ?) AND id = ? AND lease_owner = ? AND status = 'pending'`, now, p.Body, p.Body, id, p.Owner)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		r.notify = n > 0
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storesqlite: release jobs: %w", err)
	}
	return n, nil
}

var _ store.BatchReader = (*Store)(nil)

// GetInstances implements store.BatchReader: the keys travel as one JSON
// array, so that one cached statement serves every batch size, and each
// pair probes the primary key.
func (s *Store) GetInstances(ctx context.Context, p *store.GetInstancesParams) ([]*store.Instance, error) {
	if len(p.Keys) == 0 {
		return nil, nil
	}
	pairs := make([][2]string, len(p.Keys))
	for i, k := range p.Keys {
		if k.Body == "" {
			return nil, &store.InvalidError{Method: "GetInstances", Field: fmt.Sprintf("Keys[%d].Body", i), Reason: "empty"}
		}
		pairs[i] = [2]string{k.Body, k.ID}
	}
	keys, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	rows, err := s.read(ctx, `SELECT i.body, i.id, i.process_key, i.definition_hash, i.business_key, i.parent_id, i.status, i.version,
			i.started_at, i.updated_at, i.ended_at, i.state
		FROM json_each(?) AS k CROSS JOIN instances i
		WHERE i.body = json_extract(k.value, '$[0]') AND i.id = json_extract(k.value, '$[1]')`, string(keys))
	if err != nil {
		return nil, fmt.Errorf("storesqlite: get instances: %w", err)
	}
	out, err := collect(rows, func(r scanner) (*store.Instance, error) {
		var state []byte
		in, err := scanInstance(r, &state)
		if err != nil {
			return nil, err
		}
		in.State = state
		return in, nil
	})
	if err != nil {
		return nil, fmt.Errorf("storesqlite: get instances: %w", err)
	}
	return out, nil
}
