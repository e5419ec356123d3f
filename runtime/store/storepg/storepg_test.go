package storepg_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storetest"
)

var schemaSeq atomic.Int64

// freshSchema creates an empty schema for one test and drops it at cleanup.
func freshSchema(t testing.TB) (url, schema string) {
	t.Helper()
	url = testenv.PostgresURL(t)
	schema = fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return url, schema
}

func newStore(t testing.TB) *storepg.Store {
	t.Helper()
	url, schema := freshSchema(t)
	s, err := storepg.Open(context.Background(), url, &storepg.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
}

func TestMigrateIsIdempotent(t *testing.T) {
	url, schema := freshSchema(t)
	opts := &storepg.Options{Schema: schema}
	first, err := storepg.Migrate(t.Context(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	all, err := storepg.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(all) || first[0].Name != "0001_init.sql" {
		t.Fatalf("first run applied %v, want all %d migrations", first, len(all))
	}
	again, err := storepg.Migrate(t.Context(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second run applied %v, want nothing", again)
	}
}

func TestMigrateMissingSchema(t *testing.T) {
	url := testenv.PostgresURL(t)
	_, err := storepg.Migrate(t.Context(), url, &storepg.Options{Schema: "no_such_schema_procedo"})
	if err == nil {
		t.Fatal("migrating into a missing schema succeeded")
	}
}

// TestNotifyWakesOtherNode: a commit that creates a job on one node wakes
// the job runner of another node on the same schema (LISTEN/NOTIFY), and
// not a node on another schema.
func TestNotifyWakesOtherNode(t *testing.T) {
	url, schema := freshSchema(t)
	a, err := storepg.Open(t.Context(), url, &storepg.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := storepg.Open(t.Context(), url, &storepg.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other := newStore(t)
	// Drain the wake-ups of the listeners' first connect.
	for _, s := range []*storepg.Store{b, other} {
		select {
		case <-s.WakeUp():
		case <-time.After(10 * time.Second):
		}
	}
	in := storetest.NewInstance(storetest.BodyA, "n1")
	err = a.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: in, Jobs: []*store.Job{{
		Body: storetest.BodyA, ID: "j1", InstanceID: "n1", Kind: "service", DueAt: storetest.T0,
	}}}}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.WakeUp():
	case <-time.After(10 * time.Second):
		t.Fatal("node b was not woken within 10s by node a's commit")
	}
	select {
	case <-other.WakeUp():
		t.Fatal("a store on another schema was woken")
	default:
	}
	// A node of an older release notifies with the bare schema: it still
	// wakes the stores of that schema.
	if _, err := a.Pool().Exec(t.Context(), `SELECT pg_notify($1, $2)`, storepg.Channel, schema); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.WakeUp():
	case <-time.After(10 * time.Second):
		t.Fatal("node b was not woken within 10s by a notification with the bare schema")
	}
	// A timer due in 30 days wakes no other node: NextJobDue finds it.
	err = a.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: storetest.NewInstance(storetest.BodyA, "n2"), Jobs: []*store.Job{{
		Body: storetest.BodyA, ID: "j2", InstanceID: "n2", Kind: "timer", DueAt: storetest.T0.Add(30 * 24 * time.Hour), CreatedAt: storetest.T0,
	}}}}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.WakeUp():
		t.Fatal("node b was woken by a commit that created only a timer due in 30 days")
	case <-time.After(300 * time.Millisecond):
	}
}

// TestGroupCommit: many concurrent single-step commits, half of them on
// instances that conflict, all merged by the committers: every winner is
// written, every loser gets a conflict naming its instance, nothing else.
func TestGroupCommit(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	const n = 200
	for i := range n {
		if i%2 == 1 {
			in := storetest.NewInstance(storetest.BodyA, fmt.Sprintf("g%03d", i))
			if err := s.Commit(ctx, &store.CommitParams{Steps: []*store.Step{{Instance: in}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	errs := make(chan error, n)
	for i := range n {
		go func() {
			id := fmt.Sprintf("g%03d", i)
			in := storetest.NewInstance(storetest.BodyA, id)
			errs <- s.Commit(ctx, &store.CommitParams{Steps: []*store.Step{{Instance: in,
				Events: []*store.Event{{Body: storetest.BodyA, InstanceID: id, Seq: 1, Type: "started", Time: storetest.T0}}}}})
		}()
	}
	won, lost := 0, 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			won++
		case errorsIsConflict(err):
			lost++
		default:
			t.Fatal(err)
		}
	}
	if won != n/2 || lost != n/2 {
		t.Fatalf("%d won, %d lost; want %d each", won, lost, n/2)
	}
	evs, err := s.ListEvents(ctx, &store.ListEventsParams{Body: storetest.BodyA})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != n/2 {
		t.Fatalf("%d events written, want the %d winners'", len(evs), n/2)
	}
	for _, e := range evs {
		var i int
		fmt.Sscanf(e.InstanceID, "g%d", &i)
		if i%2 == 1 {
			t.Fatalf("event of losing instance %s written", e.InstanceID)
		}
	}
}

func errorsIsConflict(err error) bool {
	var ce *store.ConflictError
	return errors.As(err, &ce) && len(ce.IDs) == 1
}

func TestClosedStore(t *testing.T) {
	url, schema := freshSchema(t)
	s, err := storepg.Open(t.Context(), url, &storepg.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: storetest.NewInstance(storetest.BodyA, "late")}}})
	if err == nil {
		t.Fatal("commit on a closed store succeeded")
	}
}

// TestQuotedSchema: a schema name that needs quoting (upper case, a dash)
// is created, migrated and used as given.
func TestQuotedSchema(t *testing.T) {
	url := testenv.PostgresURL(t)
	schema := fmt.Sprintf("Ente-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	s, err := storepg.Open(t.Context(), url, &storepg.Options{Schema: schema, CreateSchema: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Schema() != schema {
		t.Fatalf("store schema %q, want %q", s.Schema(), schema)
	}
	if err := s.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: storetest.NewInstance(storetest.BodyA, "q")}}}); err != nil {
		t.Fatal(err)
	}
}
