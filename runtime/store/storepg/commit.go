package storepg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/procedo/procedo/runtime/store"
)

type commitReq struct {
	ctx   context.Context
	steps []*store.Step
	done  chan error
}

var errClosed = errors.New("storepg: store closed")

// Commit implements store.Store. The steps become one pipelined batch of
// bulk statements (one per kind of record, over unnest'ed arrays) run as
// one implicit transaction: one round trip. Version checks happen in SQL;
// a lost race raises procedo_conflict, which aborts the transaction and
// names the instances.
//
// Concurrent calls beyond Options.Committers wait in a queue; a committer
// takes every waiting call whose instances do not overlap and commits
// them together. If that merged commit fails, each call is committed on
// its own so that only the calls in conflict see an error.
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
	if len(p.Steps) == 0 {
		return nil
	}
	r := &commitReq{ctx: ctx, steps: p.Steps, done: make(chan error, 1)}
	select {
	case <-s.closing:
		return errClosed
	default:
	}
	select {
	case s.queue <- r:
	case <-s.closing:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// A queued call is answered by a committer, even when they stop; one
	// queued after the last committer stopped is never taken.
	select {
	case err := <-r.done:
		return err
	case <-s.stopped:
		select {
		case err := <-r.done:
			return err
		default:
			return errClosed
		}
	}
}

func (s *Store) commitLoop() {
	defer s.workers.Done()
	var held []*commitReq // overlapping calls kept for the next group
	for {
		var group []*commitReq
		if len(held) > 0 {
			group, held = append(group, held[0]), held[1:]
		} else {
			select {
			case r := <-s.queue:
				group = append(group, r)
			case <-s.closing:
				for {
					select {
					case r := <-s.queue:
						r.done <- errClosed
					default:
						return
					}
				}
			}
		}
		keys := map[[2]string]bool{}
		add := func(r *commitReq) bool {
			for _, st := range r.steps {
				if keys[[2]string{st.Instance.Body, st.Instance.ID}] {
					return false
				}
			}
			for _, st := range r.steps {
				keys[[2]string{st.Instance.Body, st.Instance.ID}] = true
			}
			return true
		}
		add(group[0])
	drain:
		for len(group) < s.maxBatch {
			select {
			case r := <-s.queue:
				if add(r) {
					group = append(group, r)
				} else {
					held = append(held, r)
				}
			default:
				break drain
			}
		}
		s.commitGroup(group)
	}
}

func (s *Store) commitGroup(group []*commitReq) {
	live := group[:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		live[0].done <- s.commitSteps(live[0].ctx, live[0].steps)
		return
	}
	var merged []*store.Step
	for _, r := range live {
		merged = append(merged, r.steps...)
	}
	if err := s.commitSteps(context.Background(), merged); err == nil {
		for _, r := range live {
			r.done <- nil
		}
		return
	}
	for _, r := range live {
		r.done <- s.commitSteps(r.ctx, r.steps)
	}
}

// ts is a nullable timestamptz: the zero time is NULL.
func ts(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func jsonb(b json.RawMessage) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

const (
	// A step with a number (store.Step.Number) has num_name set: its
	// business key is the back-th number before the counter's value,
	// which sqlTakeNumbers, earlier in the batch, moved past the numbers
	// of the batch.
	sqlCreateInstances = `WITH u AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bytea[],
			$10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::int[], $15::bigint[])
			AS u(body, id, process_key, definition_hash, business_key, parent_id, status, version, state, started_at, updated_at, ended_at,
				num_name, num_year, num_back)
	), ins AS (
		INSERT INTO instances (body, id, process_key, definition_hash, business_key, parent_id, status, version, state, started_at, updated_at, ended_at)
		SELECT body, id, process_key, definition_hash,
			CASE WHEN num_name = '' THEN business_key ELSE (` + sqlNumber + `) END,
			parent_id, status, version, state, started_at, updated_at, ended_at
		FROM u ON CONFLICT DO NOTHING RETURNING body, id
	)
	SELECT procedo_conflict('instance', ARRAY(SELECT u.id FROM u WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.body = u.body AND ins.id = u.id)))`

	sqlUpdateInstances = `WITH u AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bytea[],
			$11::timestamptz[], $12::timestamptz[], $13::timestamptz[])
			AS u(body, id, expected, process_key, definition_hash, business_key, parent_id, status, version, state, started_at, updated_at, ended_at)
	), upd AS (
		UPDATE instances i SET process_key = u.process_key, definition_hash = u.definition_hash, business_key = u.business_key,
			parent_id = u.parent_id, status = u.status, version = u.version, state = u.state, started_at = u.started_at,
			updated_at = u.updated_at, ended_at = u.ended_at
		FROM u WHERE i.body = u.body AND i.id = u.id AND i.version = u.expected
		RETURNING i.body, i.id
	)
	SELECT procedo_conflict('instance', ARRAY(SELECT u.id FROM u WHERE NOT EXISTS (SELECT 1 FROM upd WHERE upd.body = u.body AND upd.id = u.id)))`

	// History is append-only: an existing (body, instance, seq) is a
	// conflict, never overwritten. A plain INSERT: the instance's version
	// check, earlier in the batch, already names the instances that lost
	// a race, so a duplicate event can only follow a lost race that check
	// saw; should one happen anyway, the unique violation aborts the
	// transaction as a conflict of the whole batch (asConflict), which the
	// group commit retries call by call. The history is the largest write
	// of a step (a dozen rows per submission): it is spared the RETURNING
	// and the anti-join, and ON CONFLICT's speculative insertion, which
	// writes one more WAL record per row (133,000 → 100,000 records for
	// 3,000 submissions).
	sqlInsertEvents = `INSERT INTO events (body, instance_id, seq, type, element_id, actor, time, data)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])`

	// sqlInsertNumberedEvents writes the events that name their step's
	// number (store.Number.Event): the placeholder replaced by it.
	sqlInsertNumberedEvents = `INSERT INTO events (body, instance_id, seq, type, element_id, actor, time, data)
		SELECT u.body, u.instance_id, u.seq, u.type, u.element_id, u.actor, u.time,
			replace(u.data, '` + store.NumberPlaceholder + `', (` + sqlNumber + `))::jsonb
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
			$9::text[], $10::int[], $11::bigint[])
			AS u(body, instance_id, seq, type, element_id, actor, time, data, num_name, num_year, num_back)`

	// A job finished with an owner must still be leased by it; with no
	// owner (a cancelled timer) it goes whatever its lease.
	sqlDoneJobs = `WITH u AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(body, id, owner, instance_id)
	), del AS (
		DELETE FROM jobs j USING u WHERE j.body = u.body AND j.id = u.id AND (u.owner = '' OR j.lease_owner = u.owner)
		RETURNING j.body, j.id
	)
	SELECT procedo_conflict('instance', ARRAY(SELECT DISTINCT u.instance_id FROM u
		WHERE u.owner <> '' AND NOT EXISTS (SELECT 1 FROM del WHERE del.body = u.body AND del.id = u.id)))`

	// Job ids are the instance's own (instance id and a counter of its
	// state): like events, a duplicate follows a lost race, and a plain
	// INSERT spares the speculative insertion of ON CONFLICT (an extra WAL
	// record per row) and the anti-join.
	sqlInsertJobs = `INSERT INTO jobs (body, id, instance_id, kind, element_id, token_id, idempotency_key, payload, status, due_at, attempts, max_attempts, last_error, created_at,
			lease_owner, lease_until)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[],
			$10::timestamptz[], $11::int[], $12::int[], $13::text[], $14::timestamptz[], $15::text[], $16::timestamptz[])`

	// Candidate offices travel as one JSON array per task: unnest
	// flattens multi-dimensional arrays.
	sqlUpsertTasks = `INSERT INTO tasks (body, id, instance_id, process_key, element_id, name, form, candidate_offices, assignee, status,
			created_at, due_at, ended_at, completed_by)
		SELECT u.body, u.id, u.instance_id, u.process_key, u.element_id, u.name, u.form,
			ARRAY(SELECT jsonb_array_elements_text(u.offices)), u.assignee, u.status, u.created_at, u.due_at, u.ended_at, u.completed_by
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::text[],
			$11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::text[])
			AS u(body, id, instance_id, process_key, element_id, name, form, offices, assignee, status, created_at, due_at, ended_at, completed_by)
		ON CONFLICT (body, id) DO UPDATE SET instance_id = excluded.instance_id, process_key = excluded.process_key,
			element_id = excluded.element_id, name = excluded.name, form = excluded.form, candidate_offices = excluded.candidate_offices,
			assignee = excluded.assignee, status = excluded.status, created_at = excluded.created_at, due_at = excluded.due_at,
			ended_at = excluded.ended_at, completed_by = excluded.completed_by`

	sqlDropSubscriptions = `DELETE FROM subscriptions s USING unnest($1::text[], $2::text[], $3::text[]) AS u(body, id, instance_id)
		WHERE s.body = u.body AND s.id = u.id AND s.instance_id = u.instance_id`

	sqlUpsertSubscriptions = `INSERT INTO subscriptions (body, id, instance_id, name, correlation_key, element_id, token_id, created_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
		ON CONFLICT (body, id) DO UPDATE SET instance_id = excluded.instance_id, name = excluded.name,
			correlation_key = excluded.correlation_key, element_id = excluded.element_id, token_id = excluded.token_id,
			created_at = excluded.created_at`

	// Document versions are dense: version n needs version n-1.
	sqlInsertDocuments = `WITH u AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[], $8::bytea[],
			$9::timestamptz[], $10::text[])
			AS u(body, instance_id, name, version, media_type, sha256, size, content, created_at, created_by)
	), ins AS (
		INSERT INTO documents (body, instance_id, name, version, media_type, sha256, size, content, created_at, created_by)
		SELECT * FROM u WHERE u.version = 1 + COALESCE((SELECT max(d.version) FROM documents d
			WHERE d.body = u.body AND d.instance_id = u.instance_id AND d.name = u.name), 0)
		ON CONFLICT DO NOTHING RETURNING body, instance_id, name, version
	)
	SELECT procedo_conflict('instance', ARRAY(SELECT DISTINCT u.instance_id FROM u
		WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.body = u.body AND ins.instance_id = u.instance_id AND ins.name = u.name AND ins.version = u.version)))`
)

// sqlNumber is the number of a row u with num_name, num_year and
// num_back, formatted as store.FormatNumber does.
const sqlNumber = `SELECT u.num_year::text || '/' || CASE WHEN c.value - u.num_back < 1000000
			THEN lpad((c.value - u.num_back)::text, 6, '0') ELSE (c.value - u.num_back)::text END
		FROM counters c WHERE c.body = u.body AND c.name = u.num_name AND c.year = u.num_year`

// numbered is a step that takes a number: its register and how far
// before the register's value after the batch its number is.
type numbered struct {
	step *store.Step
	key  numberKey
	back int64
}

// commitSteps writes steps in one implicit transaction.
func (s *Store) commitSteps(ctx context.Context, steps []*store.Step) error {
	var (
		b       pgx.Batch
		all     []string
		newJobs bool
	)
	var ci, ui struct {
		body, id, processKey, defHash, businessKey, parentID, status []string
		expected, version                                            []int64
		state                                                        [][]byte
		started, updated, ended                                      []pgtype.Timestamptz
		numName                                                      []string // ci only
		numYear                                                      []int32
		numBack                                                      []int64
	}
	// Steps that take a number, and how many each register gives.
	var numbers []numbered
	count := map[numberKey]int64{}
	var nev struct {
		body, instance, typ, element, actor, data, numName []string
		seq, numBack                                       []int64
		time                                               []pgtype.Timestamptz
		numYear                                            []int32
	}
	for _, st := range steps {
		if n := st.Number; n != nil {
			k := numberKey{st.Instance.Body, n.Name, n.Year}
			count[k]++
			numbers = append(numbers, numbered{step: st, key: k, back: -count[k]})
		}
	}
	for i := range numbers {
		// The i-th number of a register that gives count is value-count+i.
		numbers[i].back += count[numbers[i].key]
	}
	numberOf := func(st *store.Step) *numbered {
		for i := range numbers {
			if numbers[i].step == st {
				return &numbers[i]
			}
		}
		return nil
	}
	var ev struct {
		body, instance, typ, element, actor []string
		seq                                 []int64
		time                                []pgtype.Timestamptz
		data                                [][]byte
	}
	var dj struct{ body, id, owner, instance []string }
	var jb struct {
		body, id, instance, kind, element, token, key, status, lastError, leaseOwner []string
		payload                                                                      [][]byte
		due, created, leaseUntil                                                     []pgtype.Timestamptz
		attempts, maxAttempts                                                        []int32
	}
	var tk struct {
		body, id, instance, processKey, element, name, form, assignee, status, completedBy []string
		offices                                                                            [][]byte
		created, due, ended                                                                []pgtype.Timestamptz
	}
	var ds struct{ body, id, instance []string }
	var sb struct {
		body, id, instance, name, key, element, token []string
		created                                       []pgtype.Timestamptz
	}
	var dc struct {
		body, instance, name, mediaType, sha, createdBy []string
		version                                         []int32
		size                                            []int64
		content                                         [][]byte
		created                                         []pgtype.Timestamptz
	}
	for _, st := range steps {
		in := st.Instance
		all = append(all, in.ID)
		if st.ExpectedVersion == 0 {
			ci.body, ci.id = append(ci.body, in.Body), append(ci.id, in.ID)
			ci.processKey, ci.defHash = append(ci.processKey, in.ProcessKey), append(ci.defHash, in.DefinitionHash)
			ci.businessKey, ci.parentID = append(ci.businessKey, in.BusinessKey), append(ci.parentID, in.ParentID)
			ci.status, ci.version = append(ci.status, string(in.Status)), append(ci.version, in.Version)
			ci.state = append(ci.state, in.State)
			ci.started, ci.updated, ci.ended = append(ci.started, ts(in.StartedAt)), append(ci.updated, ts(in.UpdatedAt)), append(ci.ended, ts(in.EndedAt))
			var nk numberKey
			var back int64
			if n := numberOf(st); n != nil {
				nk, back = n.key, n.back
			}
			ci.numName, ci.numYear, ci.numBack = append(ci.numName, nk.name), append(ci.numYear, int32(nk.year)), append(ci.numBack, back)
		} else {
			ui.body, ui.id, ui.expected = append(ui.body, in.Body), append(ui.id, in.ID), append(ui.expected, st.ExpectedVersion)
			ui.processKey, ui.defHash = append(ui.processKey, in.ProcessKey), append(ui.defHash, in.DefinitionHash)
			ui.businessKey, ui.parentID = append(ui.businessKey, in.BusinessKey), append(ui.parentID, in.ParentID)
			ui.status, ui.version = append(ui.status, string(in.Status)), append(ui.version, in.Version)
			ui.state = append(ui.state, in.State)
			ui.started, ui.updated, ui.ended = append(ui.started, ts(in.StartedAt)), append(ui.updated, ts(in.UpdatedAt)), append(ui.ended, ts(in.EndedAt))
		}
		for _, e := range st.Events {
			if st.Number != nil && st.Number.Event == e {
				n := numberOf(st)
				nev.body, nev.instance, nev.seq = append(nev.body, e.Body), append(nev.instance, e.InstanceID), append(nev.seq, e.Seq)
				nev.typ, nev.element, nev.actor = append(nev.typ, string(e.Type)), append(nev.element, e.ElementID), append(nev.actor, e.Actor)
				data := string(e.Data)
				if data == "" {
					data = "null"
				}
				nev.time, nev.data = append(nev.time, ts(e.Time)), append(nev.data, data)
				nev.numName, nev.numYear, nev.numBack = append(nev.numName, n.key.name), append(nev.numYear, int32(n.key.year)), append(nev.numBack, n.back)
				continue
			}
			ev.body, ev.instance, ev.seq = append(ev.body, e.Body), append(ev.instance, e.InstanceID), append(ev.seq, e.Seq)
			ev.typ, ev.element, ev.actor = append(ev.typ, string(e.Type)), append(ev.element, e.ElementID), append(ev.actor, e.Actor)
			ev.time, ev.data = append(ev.time, ts(e.Time)), append(ev.data, jsonb(e.Data))
		}
		for _, l := range st.DoneJobs {
			dj.body, dj.id, dj.owner, dj.instance = append(dj.body, in.Body), append(dj.id, l.ID), append(dj.owner, l.Owner), append(dj.instance, in.ID)
		}
		for _, j := range st.Jobs {
			status := j.Status
			if status == "" {
				status = store.JobPending
			}
			jb.body, jb.id, jb.instance = append(jb.body, j.Body), append(jb.id, j.ID), append(jb.instance, j.InstanceID)
			jb.kind, jb.element, jb.token = append(jb.kind, j.Kind), append(jb.element, j.ElementID), append(jb.token, j.TokenID)
			jb.key, jb.payload, jb.status = append(jb.key, j.IdempotencyKey), append(jb.payload, jsonb(j.Payload)), append(jb.status, string(status))
			jb.due = append(jb.due, pgtype.Timestamptz{Time: j.DueAt, Valid: true})
			jb.attempts, jb.maxAttempts = append(jb.attempts, int32(j.Attempts)), append(jb.maxAttempts, int32(j.MaxAttempts))
			jb.lastError, jb.created = append(jb.lastError, j.LastError), append(jb.created, ts(j.CreatedAt))
			leaseUntil := pgtype.Timestamptz{}
			if j.LeaseOwner != "" {
				leaseUntil = ts(j.LeaseUntil)
			}
			jb.leaseOwner, jb.leaseUntil = append(jb.leaseOwner, j.LeaseOwner), append(jb.leaseUntil, leaseUntil)
			newJobs = newJobs || store.WakesRunners(j)
		}
		for _, t := range st.Tasks {
			offices := t.CandidateOffices
			if offices == nil {
				offices = []string{}
			}
			oj, err := json.Marshal(offices)
			if err != nil {
				return err
			}
			tk.body, tk.id, tk.instance = append(tk.body, t.Body), append(tk.id, t.ID), append(tk.instance, t.InstanceID)
			tk.processKey, tk.element, tk.name = append(tk.processKey, t.ProcessKey), append(tk.element, t.ElementID), append(tk.name, t.Name)
			tk.form, tk.offices, tk.assignee = append(tk.form, t.Form), append(tk.offices, oj), append(tk.assignee, t.Assignee)
			tk.status, tk.completedBy = append(tk.status, string(t.Status)), append(tk.completedBy, t.CompletedBy)
			tk.created, tk.due, tk.ended = append(tk.created, ts(t.CreatedAt)), append(tk.due, ts(t.DueAt)), append(tk.ended, ts(t.EndedAt))
		}
		for _, id := range st.DropSubscriptions {
			ds.body, ds.id, ds.instance = append(ds.body, in.Body), append(ds.id, id), append(ds.instance, in.ID)
		}
		for _, x := range st.Subscriptions {
			sb.body, sb.id, sb.instance = append(sb.body, x.Body), append(sb.id, x.ID), append(sb.instance, x.InstanceID)
			sb.name, sb.key, sb.element = append(sb.name, x.Name), append(sb.key, x.CorrelationKey), append(sb.element, x.ElementID)
			sb.token, sb.created = append(sb.token, x.TokenID), append(sb.created, ts(x.CreatedAt))
		}
		for _, d := range st.Documents {
			content := d.Content
			if content == nil {
				content = []byte{}
			}
			dc.body, dc.instance, dc.name = append(dc.body, d.Body), append(dc.instance, d.InstanceID), append(dc.name, d.Name)
			dc.version, dc.mediaType = append(dc.version, int32(d.Version)), append(dc.mediaType, d.MediaType)
			dc.sha, dc.size, dc.content = append(dc.sha, store.Digest(content)), append(dc.size, int64(len(content))), append(dc.content, content)
			dc.created, dc.createdBy = append(dc.created, ts(d.CreatedAt)), append(dc.createdBy, d.CreatedBy)
		}
	}
	if len(numbers) > 0 {
		b.Queue(sqlTakeNumbers, takeNumbersArgs(count)...)
	}
	if len(ci.id) > 0 {
		b.Queue(sqlCreateInstances, ci.body, ci.id, ci.processKey, ci.defHash, ci.businessKey, ci.parentID, ci.status, ci.version, ci.state,
			ci.started, ci.updated, ci.ended, ci.numName, ci.numYear, ci.numBack)
	}
	if len(ui.id) > 0 {
		b.Queue(sqlUpdateInstances, ui.body, ui.id, ui.expected, ui.processKey, ui.defHash, ui.businessKey, ui.parentID, ui.status, ui.version, ui.state,
			ui.started, ui.updated, ui.ended)
	}
	if len(ev.seq) > 0 {
		b.Queue(sqlInsertEvents, ev.body, ev.instance, ev.seq, ev.typ, ev.element, ev.actor, ev.time, ev.data)
	}
	if len(nev.seq) > 0 {
		b.Queue(sqlInsertNumberedEvents, nev.body, nev.instance, nev.seq, nev.typ, nev.element, nev.actor, nev.time, nev.data,
			nev.numName, nev.numYear, nev.numBack)
	}
	if len(dj.id) > 0 {
		b.Queue(sqlDoneJobs, dj.body, dj.id, dj.owner, dj.instance)
	}
	if len(jb.id) > 0 {
		b.Queue(sqlInsertJobs, jb.body, jb.id, jb.instance, jb.kind, jb.element, jb.token, jb.key, jb.payload, jb.status, jb.due,
			jb.attempts, jb.maxAttempts, jb.lastError, jb.created, jb.leaseOwner, jb.leaseUntil)
	}
	if len(tk.id) > 0 {
		b.Queue(sqlUpsertTasks, tk.body, tk.id, tk.instance, tk.processKey, tk.element, tk.name, tk.form, tk.offices, tk.assignee, tk.status,
			tk.created, tk.due, tk.ended, tk.completedBy)
	}
	if len(ds.id) > 0 {
		b.Queue(sqlDropSubscriptions, ds.body, ds.id, ds.instance)
	}
	if len(sb.id) > 0 {
		b.Queue(sqlUpsertSubscriptions, sb.body, sb.id, sb.instance, sb.name, sb.key, sb.element, sb.token, sb.created)
	}
	if len(dc.name) > 0 {
		b.Queue(sqlInsertDocuments, dc.body, dc.instance, dc.name, dc.version, dc.mediaType, dc.sha, dc.size, dc.content, dc.created, dc.createdBy)
	}
	if newJobs {
		// Delivered at commit, to every node listening.
		b.Queue(`SELECT pg_notify($1, $2)`, Channel, s.notice)
	}
	// SendBatch runs the queued statements in one implicit transaction:
	// the first error aborts it, and nothing of the batch is kept.
	br := s.pool.SendBatch(ctx, &b)
	var last map[numberKey]int64
	var err error
	if len(numbers) > 0 {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			last, err = scanCounters(rows)
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return asConflict(fmt.Errorf("storepg: commit: %w", err), all)
	}
	// Committed: the steps get their numbers.
	for _, n := range numbers {
		n.step.Numbered(store.FormatNumber(n.key.year, last[n.key]-n.back))
	}
	if newJobs {
		s.signal()
	}
	return nil
}
