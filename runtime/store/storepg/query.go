package storepg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/procedo/procedo/runtime/store"
)

func tsTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// PutDeployment implements store.Store. Two deployers racing for the next
// version number: the loser gets a unique violation and tries again.
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
	bundle := d.Bundle
	if bundle == nil {
		bundle = []byte{}
	}
	for attempt := 0; ; attempt++ {
		existing, err := scanDeployment(s.pool.QueryRow(ctx, `SELECT `+deploymentCols+` FROM deployments
			WHERE body = $1 AND process_key = $2 AND hash = $3`, d.Body, d.ProcessKey, d.Hash))
		if err == nil {
			return existing, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("storepg: put deployment %s: %w", d.ProcessKey, err)
		}
		var version int
		err = s.pool.QueryRow(ctx, `INSERT INTO deployments (body, process_key, version, hash, bundle, deployed_at, deployed_by)
			SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6 FROM deployments WHERE body = $1 AND process_key = $2
			RETURNING version`, d.Body, d.ProcessKey, d.Hash, bundle, ts(d.DeployedAt), d.DeployedBy).Scan(&version)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" && attempt < 10 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("storepg: put deployment %s: %w", d.ProcessKey, err)
		}
		c := *d
		c.Version = version
		c.Bundle = append([]byte{}, bundle...)
		return &c, nil
	}
}

const deploymentCols = `body, process_key, version, hash, bundle, deployed_at, deployed_by`

func scanDeployment(row pgx.Row) (*store.Deployment, error) {
	var d store.Deployment
	var at pgtype.Timestamptz
	if err := row.Scan(&d.Body, &d.ProcessKey, &d.Version, &d.Hash, &d.Bundle, &at, &d.DeployedBy); err != nil {
		return nil, err
	}
	d.DeployedAt = tsTime(at)
	return &d, nil
}

// GetDeployment implements store.Store.
func (s *Store) GetDeployment(ctx context.Context, p *store.GetDeploymentParams) (*store.Deployment, error) {
	if err := store.CheckBody("GetDeployment", p.Body); err != nil {
		return nil, err
	}
	var row pgx.Row
	switch {
	case p.Hash != "":
		row = s.pool.QueryRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = $1 AND hash = $2 AND ($3 = '' OR process_key = $3)
			ORDER BY version DESC LIMIT 1`, p.Body, p.Hash, p.ProcessKey)
	case p.Version == 0:
		row = s.pool.QueryRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = $1 AND process_key = $2
			ORDER BY version DESC LIMIT 1`, p.Body, p.ProcessKey)
	default:
		row = s.pool.QueryRow(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = $1 AND process_key = $2 AND version = $3`,
			p.Body, p.ProcessKey, p.Version)
	}
	d, err := scanDeployment(row)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := s.pool.Query(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE body = $1 AND ($2 = '' OR process_key = $2)
		ORDER BY process_key, version`, p.Body, p.ProcessKey)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeployment)
}

func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
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

// where builds a WHERE clause of "col = $n" conditions, skipping empty
// filters.
type where struct {
	sql  string
	args []any
}

func (w *where) eq(col string, v any, skip bool) {
	if skip {
		return
	}
	w.args = append(w.args, v)
	w.sql += fmt.Sprintf(" AND %s = $%d", col, len(w.args))
}

func (w *where) op(format string, v any) {
	w.args = append(w.args, v)
	w.sql += fmt.Sprintf(" AND "+format, len(w.args))
}

func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}

const instanceCols = `body, id, process_key, definition_hash, business_key, parent_id, status, version, started_at, updated_at, ended_at`

func scanInstance(row pgx.Row, extra ...any) (*store.Instance, error) {
	var in store.Instance
	var status string
	var started, updated, ended pgtype.Timestamptz
	dest := append([]any{&in.Body, &in.ID, &in.ProcessKey, &in.DefinitionHash, &in.BusinessKey, &in.ParentID, &status, &in.Version,
		&started, &updated, &ended}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	in.Status = store.InstanceStatus(status)
	in.StartedAt, in.UpdatedAt, in.EndedAt = tsTime(started), tsTime(updated), tsTime(ended)
	return &in, nil
}

// GetInstance implements store.Store.
func (s *Store) GetInstance(ctx context.Context, p *store.GetInstanceParams) (*store.Instance, error) {
	if err := store.CheckBody("GetInstance", p.Body); err != nil {
		return nil, err
	}
	var state []byte
	in, err := scanInstance(s.pool.QueryRow(ctx, `SELECT `+instanceCols+`, state FROM instances WHERE body = $1 AND id = $2`, p.Body, p.ID), &state)
	if errors.Is(err, pgx.ErrNoRows) {
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
	w := &where{sql: "body = $1", args: []any{p.Body}}
	w.eq("process_key", p.ProcessKey, p.ProcessKey == "")
	w.eq("status", string(p.Status), p.Status == "")
	w.eq("parent_id", p.ParentID, p.ParentID == "")
	if p.AfterID != "" {
		w.op("id > $%d", p.AfterID)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+instanceCols+` FROM instances WHERE `+w.sql+` ORDER BY id`+limit(p.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r pgx.Row) (*store.Instance, error) { return scanInstance(r) })
}

const taskCols = `body, id, instance_id, process_key, element_id, name, form, candidate_offices, assignee, status, created_at, due_at, ended_at, completed_by`

func scanTask(row pgx.Row) (*store.Task, error) {
	var t store.Task
	var status string
	var created, due, ended pgtype.Timestamptz
	if err := row.Scan(&t.Body, &t.ID, &t.InstanceID, &t.ProcessKey, &t.ElementID, &t.Name, &t.Form, &t.CandidateOffices, &t.Assignee, &status,
		&created, &due, &ended, &t.CompletedBy); err != nil {
		return nil, err
	}
	if len(t.CandidateOffices) == 0 {
		t.CandidateOffices = nil
	}
	t.Status = store.TaskStatus(status)
	t.CreatedAt, t.DueAt, t.EndedAt = tsTime(created), tsTime(due), tsTime(ended)
	return &t, nil
}

// GetTask implements store.Store.
func (s *Store) GetTask(ctx context.Context, p *store.GetTaskParams) (*store.Task, error) {
	if err := store.CheckBody("GetTask", p.Body); err != nil {
		return nil, err
	}
	t, err := scanTask(s.pool.QueryRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE body = $1 AND id = $2`, p.Body, p.ID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("task", p.Body, p.ID)
	}
	return t, err
}

// ListTasks implements store.Store.
func (s *Store) ListTasks(ctx context.Context, p *store.ListTasksParams) ([]*store.Task, error) {
	if err := store.CheckBody("ListTasks", p.Body); err != nil {
		return nil, err
	}
	w := &where{sql: "body = $1", args: []any{p.Body}}
	w.eq("instance_id", p.InstanceID, p.InstanceID == "")
	if p.Office != "" {
		w.op("candidate_offices @> ARRAY[$%d::text]", p.Office)
	}
	w.eq("assignee", p.Assignee, p.Assignee == "")
	w.eq("status", string(p.Status), p.Status == "")
	rows, err := s.pool.Query(ctx, `SELECT `+taskCols+` FROM tasks WHERE `+w.sql+` ORDER BY created_at, id`+limit(p.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTask)
}

func scanEvent(row pgx.Row) (*store.Event, error) {
	var e store.Event
	var typ string
	var at pgtype.Timestamptz
	var data []byte
	if err := row.Scan(&e.Body, &e.InstanceID, &e.Seq, &typ, &e.ElementID, &e.Actor, &at, &data); err != nil {
		return nil, err
	}
	e.Type = store.EventType(typ)
	e.Time = tsTime(at)
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
	w := &where{sql: "body = $1", args: []any{p.Body}}
	w.eq("instance_id", p.InstanceID, p.InstanceID == "")
	if p.AfterSeq > 0 {
		w.op("seq > $%d", p.AfterSeq)
	}
	rows, err := s.pool.Query(ctx, `SELECT body, instance_id, seq, type, element_id, actor, time, data FROM events WHERE `+w.sql+
		` ORDER BY instance_id, seq`+limit(p.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

const jobCols = `body, id, instance_id, kind, element_id, token_id, idempotency_key, payload, status, due_at, attempts, max_attempts, last_error, lease_owner, lease_until, created_at`

func scanJob(row pgx.Row) (*store.Job, error) {
	var j store.Job
	var status string
	var payload []byte
	var due time.Time
	var leaseUntil, created pgtype.Timestamptz
	if err := row.Scan(&j.Body, &j.ID, &j.InstanceID, &j.Kind, &j.ElementID, &j.TokenID, &j.IdempotencyKey, &payload, &status, &due,
		&j.Attempts, &j.MaxAttempts, &j.LastError, &j.LeaseOwner, &leaseUntil, &created); err != nil {
		return nil, err
	}
	if payload != nil {
		j.Payload = json.RawMessage(payload)
	}
	j.Status = store.JobStatus(status)
	j.DueAt = due.UTC()
	j.LeaseUntil, j.CreatedAt = tsTime(leaseUntil), tsTime(created)
	return &j, nil
}

// AcquireJobs implements store.Store: FOR UPDATE SKIP LOCKED lets several
// nodes scan the due jobs at once, each taking rows the others have not
// locked, and the lease is written in the same statement.
func (s *Store) AcquireJobs(ctx context.Context, p *store.AcquireJobsParams) ([]*store.Job, error) {
	jobs, _, err := s.acquire(ctx, p, false)
	return jobs, err
}

var _ store.InstanceAcquirer = (*Store)(nil)

// AcquireJobsWithInstances implements store.InstanceAcquirer: the
// instances of the leased jobs are read in the statement that leases
// them, each by its primary key (a LATERAL subquery, which the cached
// generic plan cannot turn into a scan of the table).
func (s *Store) AcquireJobsWithInstances(ctx context.Context, p *store.AcquireJobsParams) ([]*store.Job, []*store.Instance, error) {
	return s.acquire(ctx, p, true)
}

// sqlAcquire leases the due jobs: FOR UPDATE SKIP LOCKED lets several
// nodes scan the due jobs at once, each taking rows the others have not
// locked, and the lease is written in the same statement.
var sqlAcquire = `WITH due AS (
			SELECT body, id FROM jobs
			WHERE status = 'pending' AND due_at <= $1 AND (lease_owner = '' OR lease_until IS NULL OR lease_until <= $1)
			  AND ($2 = '' OR body = $2)
			ORDER BY due_at, id LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE jobs j SET lease_owner = $4, lease_until = $5 FROM due WHERE j.body = due.body AND j.id = due.id
		RETURNING ` + prefixed("j.", jobCols)

// sqlAcquireWithInstances is sqlAcquire joined with the instance of each
// leased job; the instance's columns are empty when it does not exist.
var sqlAcquireWithInstances = `WITH leased AS (` + sqlAcquire + `)
		SELECT l.*, i.id IS NOT NULL, coalesce(i.body, ''), coalesce(i.id, ''), coalesce(i.process_key, ''), coalesce(i.definition_hash, ''),
			coalesce(i.business_key, ''), coalesce(i.parent_id, ''), coalesce(i.status, ''), coalesce(i.version, 0),
			i.started_at, i.updated_at, i.ended_at, i.state
		FROM leased l LEFT JOIN LATERAL (
			SELECT * FROM instances WHERE body = l.body AND id = l.instance_id OFFSET 0) i ON true`

func (s *Store) acquire(ctx context.Context, p *store.AcquireJobsParams, withInstances bool) ([]*store.Job, []*store.Instance, error) {
	if p.Owner == "" {
		return nil, nil, &store.InvalidError{Method: "AcquireJobs", Field: "Owner", Reason: "empty"}
	}
	var lim any
	if p.Limit > 0 {
		lim = p.Limit
	}
	q := sqlAcquire
	if withInstances {
		q = sqlAcquireWithInstances
	}
	rows, err := s.pool.Query(ctx, q, p.Now, p.Body, lim, p.Owner, p.Now.Add(p.LeaseFor))
	if err != nil {
		return nil, nil, fmt.Errorf("storepg: acquire jobs: %w", err)
	}
	var (
		out []*store.Job
		ins []*store.Instance
	)
	seen := map[store.InstanceKey]bool{}
	for rows.Next() {
		var (
			in    *store.Instance
			has   bool
			state []byte
		)
		var j *store.Job
		if withInstances {
			j, in, err = scanJobInstance(rows, &has, &state)
		} else {
			j, err = scanJob(rows)
		}
		if err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("storepg: acquire jobs: %w", err)
		}
		out = append(out, j)
		if k := (store.InstanceKey{Body: j.Body, ID: j.InstanceID}); has && !seen[k] {
			seen[k] = true
			in.State = state
			ins = append(ins, in)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("storepg: acquire jobs: %w", err)
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].DueAt.Equal(out[b].DueAt) {
			return out[a].DueAt.Before(out[b].DueAt)
		}
		return out[a].ID < out[b].ID
	})
	return out, ins, nil
}

// scanJobInstance scans a row of sqlAcquireWithInstances: the job, then
// whether its instance exists (into has), the instance and its state.
func scanJobInstance(row pgx.Row, has *bool, state *[]byte) (*store.Job, *store.Instance, error) {
	var (
		j, in                   = new(store.Job), new(store.Instance)
		jstatus, istatus        string
		payload                 []byte
		due                     time.Time
		leaseUntil, created     pgtype.Timestamptz
		started, updated, ended pgtype.Timestamptz
	)
	if err := row.Scan(&j.Body, &j.ID, &j.InstanceID, &j.Kind, &j.ElementID, &j.TokenID, &j.IdempotencyKey, &payload, &jstatus, &due,
		&j.Attempts, &j.MaxAttempts, &j.LastError, &j.LeaseOwner, &leaseUntil, &created,
		has, &in.Body, &in.ID, &in.ProcessKey, &in.DefinitionHash, &in.BusinessKey, &in.ParentID, &istatus, &in.Version,
		&started, &updated, &ended, state); err != nil {
		return nil, nil, err
	}
	if payload != nil {
		j.Payload = json.RawMessage(payload)
	}
	j.Status = store.JobStatus(jstatus)
	j.DueAt = due.UTC()
	j.LeaseUntil, j.CreatedAt = tsTime(leaseUntil), tsTime(created)
	in.Status = store.InstanceStatus(istatus)
	in.StartedAt, in.UpdatedAt, in.EndedAt = tsTime(started), tsTime(updated), tsTime(ended)
	return j, in, nil
}

func prefixed(prefix, cols string) string {
	out := ""
	start := 0
	for i := 0; i <= len(cols); i++ {
		if i == len(cols) || cols[i] == ',' {
			col := cols[start:i]
			for len(col) > 0 && col[0] == ' ' {
				col = col[1:]
			}
			if out != "" {
				out += ", "
			}
			out += prefix + col
			start = i + 1
		}
	}
	return out
}

// FailJob implements store.Store.
func (s *Store) FailJob(ctx context.Context, p *store.FailJobParams) error {
	if err := store.CheckBody("FailJob", p.Body); err != nil {
		return err
	}
	var tag pgconn.CommandTag
	var err error
	if p.RetryAt.IsZero() {
		tag, err = s.pool.Exec(ctx, `UPDATE jobs SET attempts = attempts + 1, last_error = $4, lease_owner = '', lease_until = NULL, status = 'incident'
			WHERE body = $1 AND id = $2 AND lease_owner = $3`, p.Body, p.ID, p.Owner, p.Error)
	} else {
		tag, err = s.pool.Exec(ctx, `WITH u AS (
				UPDATE jobs SET attempts = attempts + 1, last_error = $4, lease_owner = '', lease_until = NULL, due_at = $5
				WHERE body = $1 AND id = $2 AND lease_owner = $3 RETURNING 1)
			SELECT pg_notify($6, $7) FROM u`, p.Body, p.ID, p.Owner, p.Error, p.RetryAt, Channel, s.notice)
	}
	if err != nil {
		return fmt.Errorf("storepg: fail job %s: %w", p.ID, err)
	}
	if tag.RowsAffected() == 1 {
		if !p.RetryAt.IsZero() {
			s.signal()
		}
		return nil
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE body = $1 AND id = $2)`, p.Body, p.ID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return notFound("job", p.Body, p.ID)
	}
	return &store.ConflictError{Kind: "job", IDs: []string{p.ID}}
}

// RetryJob implements store.Store.
func (s *Store) RetryJob(ctx context.Context, p *store.RetryJobParams) error {
	if err := store.CheckBody("RetryJob", p.Body); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `WITH u AS (
			UPDATE jobs SET status = 'pending', due_at = $3, attempts = 0
			WHERE body = $1 AND id = $2 AND status = 'incident' RETURNING 1)
		SELECT pg_notify($4, $5) FROM u`, p.Body, p.ID, p.Now, Channel, s.notice)
	if err != nil {
		return fmt.Errorf("storepg: retry job %s: %w", p.ID, err)
	}
	if tag.RowsAffected() == 1 {
		s.signal()
		return nil
	}
	var status string
	err = s.pool.QueryRow(ctx, `SELECT status FROM jobs WHERE body = $1 AND id = $2`, p.Body, p.ID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("job", p.Body, p.ID)
	}
	if err != nil {
		return err
	}
	return &store.ConflictError{Kind: "job", IDs: []string{p.ID}, Err: fmt.Errorf("job is %s, not an incident", status)}
}

// ListJobs implements store.Store.
func (s *Store) ListJobs(ctx context.Context, p *store.ListJobsParams) ([]*store.Job, error) {
	if err := store.CheckBody("ListJobs", p.Body); err != nil {
		return nil, err
	}
	w := &where{sql: "body = $1", args: []any{p.Body}}
	w.eq("instance_id", p.InstanceID, p.InstanceID == "")
	w.eq("status", string(p.Status), p.Status == "")
	rows, err := s.pool.Query(ctx, `SELECT `+jobCols+` FROM jobs WHERE `+w.sql+` ORDER BY due_at, id`+limit(p.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanJob)
}

// NextJobDue implements store.Store: a leased job is due again when its
// lease runs out.
func (s *Store) NextJobDue(ctx context.Context) (time.Time, error) {
	var next pgtype.Timestamptz
	// The earliest time is the due time of the first job nobody leases
	// (in due order, from the jobs_due index) or the end of a lease of a
	// job due before it: later jobs cannot come first. Both parts read a
	// few index entries, however many timers wait (every open case keeps
	// one for its legal term); a min over all pending jobs read them all
	// at every poll of every runner.
	err := s.pool.QueryRow(ctx, `WITH free AS MATERIALIZED (
			SELECT due_at FROM jobs
			WHERE status = 'pending' AND (lease_owner = '' OR lease_until IS NULL OR lease_until <= due_at)
			ORDER BY due_at, id LIMIT 1)
		SELECT LEAST((SELECT due_at FROM free),
			(SELECT min(lease_until) FROM jobs
			 WHERE status = 'pending' AND lease_owner <> '' AND lease_until > due_at
			   AND due_at <= (SELECT coalesce(max(due_at), 'infinity') FROM free)))`).Scan(&next)
	if err != nil {
		return time.Time{}, err
	}
	return tsTime(next), nil
}

// FindSubscriptions implements store.Store.
func (s *Store) FindSubscriptions(ctx context.Context, p *store.FindSubscriptionsParams) ([]*store.Subscription, error) {
	if err := store.CheckBody("FindSubscriptions", p.Body); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT body, id, instance_id, name, correlation_key, element_id, token_id, created_at
		FROM subscriptions WHERE body = $1 AND name = $2 AND correlation_key = $3 ORDER BY created_at, id`, p.Body, p.Name, p.CorrelationKey)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r pgx.Row) (*store.Subscription, error) {
		var sub store.Subscription
		var at pgtype.Timestamptz
		if err := r.Scan(&sub.Body, &sub.ID, &sub.InstanceID, &sub.Name, &sub.CorrelationKey, &sub.ElementID, &sub.TokenID, &at); err != nil {
			return nil, err
		}
		sub.CreatedAt = tsTime(at)
		return &sub, nil
	})
}

// PutMessage implements store.Store.
func (s *Store) PutMessage(ctx context.Context, p *store.PutMessageParams) error {
	if err := p.Validate(); err != nil {
		return err
	}
	m := p.Message
	tag, err := s.pool.Exec(ctx, `INSERT INTO messages (body, id, name, correlation_key, payload, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		m.Body, m.ID, m.Name, m.CorrelationKey, jsonb(m.Payload), ts(m.CreatedAt), ts(m.ExpiresAt))
	if err != nil {
		return fmt.Errorf("storepg: put message %s: %w", m.ID, err)
	}
	if tag.RowsAffected() != 1 {
		return &store.ConflictError{Kind: "message", IDs: []string{m.ID}}
	}
	return nil
}

// TakeMessage implements store.Store. SKIP LOCKED: a message being taken
// by another caller is not seen, so it is taken once.
func (s *Store) TakeMessage(ctx context.Context, p *store.TakeMessageParams) (*store.Message, error) {
	if err := store.CheckBody("TakeMessage", p.Body); err != nil {
		return nil, err
	}
	var m store.Message
	var payload []byte
	var created, expires pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `DELETE FROM messages WHERE (body, id) IN (
			SELECT body, id FROM messages WHERE body = $1 AND name = $2 AND correlation_key = $3 AND expires_at > $4
			ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING body, id, name, correlation_key, payload, created_at, expires_at`,
		p.Body, p.Name, p.CorrelationKey, p.Now).Scan(&m.Body, &m.ID, &m.Name, &m.CorrelationKey, &payload, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("message", p.Body, p.Name+"/"+p.CorrelationKey)
	}
	if err != nil {
		return nil, fmt.Errorf("storepg: take message: %w", err)
	}
	if payload != nil {
		m.Payload = json.RawMessage(payload)
	}
	m.CreatedAt, m.ExpiresAt = tsTime(created), tsTime(expires)
	return &m, nil
}

// DeleteExpiredMessages implements store.Store.
func (s *Store) DeleteExpiredMessages(ctx context.Context, p *store.DeleteExpiredMessagesParams) (int, error) {
	if err := store.CheckBody("DeleteExpiredMessages", p.Body); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM messages WHERE body = $1 AND expires_at <= $2`, p.Body, p.Now)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

const documentCols = `body, instance_id, name, version, media_type, sha256, size, created_at, created_by`

func scanDocument(row pgx.Row, extra ...any) (*store.Document, error) {
	var d store.Document
	var at pgtype.Timestamptz
	dest := append([]any{&d.Body, &d.InstanceID, &d.Name, &d.Version, &d.MediaType, &d.SHA256, &d.Size, &at, &d.CreatedBy}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	d.CreatedAt = tsTime(at)
	return &d, nil
}

// GetDocument implements store.Store.
func (s *Store) GetDocument(ctx context.Context, p *store.GetDocumentParams) (*store.Document, error) {
	if err := store.CheckBody("GetDocument", p.Body); err != nil {
		return nil, err
	}
	var content []byte
	var row pgx.Row
	if p.Version == 0 {
		row = s.pool.QueryRow(ctx, `SELECT `+documentCols+`, content FROM documents WHERE body = $1 AND instance_id = $2 AND name = $3
			ORDER BY version DESC LIMIT 1`, p.Body, p.InstanceID, p.Name)
	} else {
		row = s.pool.QueryRow(ctx, `SELECT `+documentCols+`, content FROM documents WHERE body = $1 AND instance_id = $2 AND name = $3 AND version = $4`,
			p.Body, p.InstanceID, p.Name, p.Version)
	}
	d, err := scanDocument(row, &content)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := s.pool.Query(ctx, `SELECT `+documentCols+` FROM documents WHERE body = $1 AND instance_id = $2 ORDER BY name, version`,
		p.Body, p.InstanceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r pgx.Row) (*store.Document, error) { return scanDocument(r) })
}

var _ store.JobReleaser = (*Store)(nil)

// ReleaseJobs implements store.JobReleaser: the lease is cleared in one
// UPDATE and, when it released anything, a NOTIFY wakes the runners of
// every node so that one of them takes the jobs at once.
func (s *Store) ReleaseJobs(ctx context.Context, p *store.ReleaseJobsParams) (int, error) {
	if p.Owner == "" {
		return 0, &store.InvalidError{Method: "ReleaseJobs", Field: "Owner", Reason: "empty"}
	}
	if len(p.IDs) == 0 {
		return 0, nil
	}
	var n int
	err := s.pool.QueryRow(ctx, `WITH u AS (
			UPDATE jobs SET lease_owner = '', lease_until = NULL, due_at = LEAST(due_at, $3)
			WHERE ($1 = '' OR body = $1) AND id = ANY($2) AND lease_owner = $4 AND status = 'pending'
			RETURNING 1)
		SELECT count(*) FROM u`, p.Body, p.IDs, p.Now, p.Owner).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storepg: release jobs: %w", err)
	}
	if n > 0 {
		if _, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, s.notice); err != nil {
			return n, fmt.Errorf("storepg: release jobs: notify: %w", err)
		}
		s.signal()
	}
	return n, nil
}

var _ store.BatchReader = (*Store)(nil)

// GetInstances implements store.BatchReader: the keys travel as two
// arrays and the primary key is probed once per pair, in one round trip
// (the job runner's load of a batch, instead of one query per job).
func (s *Store) GetInstances(ctx context.Context, p *store.GetInstancesParams) ([]*store.Instance, error) {
	if len(p.Keys) == 0 {
		return nil, nil
	}
	bodies := make([]string, len(p.Keys))
	ids := make([]string, len(p.Keys))
	for i, k := range p.Keys {
		if k.Body == "" {
			return nil, &store.InvalidError{Method: "GetInstances", Field: fmt.Sprintf("Keys[%d].Body", i), Reason: "empty"}
		}
		bodies[i], ids[i] = k.Body, k.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+prefixed("i.", instanceCols)+`, i.state
		FROM unnest($1::text[], $2::text[]) AS k(body, id) JOIN instances i ON i.body = k.body AND i.id = k.id`, bodies, ids)
	if err != nil {
		return nil, fmt.Errorf("storepg: get instances: %w", err)
	}
	out, err := collect(rows, func(r pgx.Row) (*store.Instance, error) {
		var state []byte
		in, err := scanInstance(r, &state)
		if err != nil {
			return nil, err
		}
		in.State = state
		return in, nil
	})
	if err != nil {
		return nil, fmt.Errorf("storepg: get instances: %w", err)
	}
	return out, nil
}
