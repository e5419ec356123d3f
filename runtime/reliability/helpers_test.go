package reliability_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

const body = "c_h501"

// ztlVars are the variables of the reference process.
type ztlVars struct {
	Targa  string `json:"targa,omitempty"`
	Valida bool   `json:"valida,omitempty"`
}

func mustBuild(tb testing.TB, b interface {
	Build() (*runtime.Definition, error)
}) *runtime.Definition {
	tb.Helper()
	d, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// reference is the benchmark process of issue 3: start → service task →
// exclusive gateway → end.
func reference(tb testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[ztlVars]("ztl-access", "Accesso ZTL")
	b.StartEvent("Start")
	b.ServiceTask("Verifica", "ztl.verifica-targa").Named("Verifica targa")
	b.ExclusiveGateway("Esito").Default("F_no")
	b.EndEvent("Rilasciato")
	b.EndEvent("Respinto")
	b.Flow("F1", "Start", "Verifica").Flow("F2", "Verifica", "Esito")
	b.FlowIf("F_si", "Esito", "Rilasciato", "valida", func(v *ztlVars) (bool, error) { return v.Valida, nil })
	b.Flow("F_no", "Esito", "Respinto")
	return mustBuild(tb, b)
}

// forkJoin is start → parallel fork of two service tasks → join → end.
func forkJoin(tb testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("fork-join", "")
	b.StartEvent("S")
	b.ParallelGateway("F")
	b.ServiceTask("A", "side-effect")
	b.ServiceTask("B", "side-effect")
	b.ParallelGateway("J")
	b.EndEvent("E")
	b.Flow("f0", "S", "F").Flow("fa", "F", "A").Flow("fb", "F", "B").Flow("ga", "A", "J").Flow("gb", "B", "J").Flow("fe", "J", "E")
	return mustBuild(tb, b)
}

// userTask is start → user task → end.
func userTask(tb testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("ut", "")
	b.StartEvent("S")
	b.UserTask("Esame").Offices("suap")
	b.EndEvent("E")
	b.Flow("f0", "S", "Esame").Flow("f1", "Esame", "E")
	return mustBuild(tb, b)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// location names a durable store that several stores (or processes) can
// open: a SQLite folder, or a PostgreSQL URL and schema.
type location struct {
	kind   string // "sqlite" or "postgres"
	dir    string
	url    string
	schema string
}

func (l location) String() string {
	if l.kind == "sqlite" {
		return "sqlite:" + l.dir
	}
	return "postgres:" + l.schema + ":" + l.url
}

func parseLocation(s string) (location, error) {
	switch {
	case len(s) > 7 && s[:7] == "sqlite:":
		return location{kind: "sqlite", dir: s[7:]}, nil
	case len(s) > 9 && s[:9] == "postgres:":
		rest := s[9:]
		for i := range rest {
			if rest[i] == ':' {
				return location{kind: "postgres", schema: rest[:i], url: rest[i+1:]}, nil
			}
		}
	}
	return location{}, fmt.Errorf("bad store location %q", s)
}

func (l location) open(ctx context.Context) (store.Store, error) {
	if l.kind == "sqlite" {
		return storesqlite.Open(ctx, l.dir, nil)
	}
	return storepg.Open(ctx, l.url, &storepg.Options{Schema: l.schema})
}

var schemaSeq atomic.Int64

// newLocation returns an empty store location for one test or benchmark,
// removed at cleanup.
func newLocation(tb testing.TB, kind string) location {
	tb.Helper()
	if kind == "sqlite" {
		return location{kind: kind, dir: tb.TempDir()}
	}
	url := testenv.PostgresURL(tb)
	schema := fmt.Sprintf("rel_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	exec := func(sql string) error {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), sql)
		return err
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if os.Getenv("PROCEDO_KEEP_SCHEMA") != "" {
			return
		}
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Error(err)
		}
	})
	return location{kind: kind, url: url, schema: schema}
}

func openStore(tb testing.TB, l location) store.Store {
	tb.Helper()
	st, err := l.open(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, within time.Duration, what string, cond func() (bool, error)) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, err := cond()
		if err != nil {
			tb.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an outcome
	}
}

// countInstances counts the instances of the body with a status ("" for
// all), a page at a time.
func countInstances(ctx context.Context, st store.Store, status store.InstanceStatus) (int, error) {
	n, after := 0, ""
	for {
		page, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: body, Status: status, AfterID: after, Limit: 5000})
		if err != nil {
			return 0, err
		}
		n += len(page)
		if len(page) < 5000 {
			return n, nil
		}
		after = page[len(page)-1].ID
	}
}

// completedEvents counts the "completed" history events per instance.
func completedEvents(ctx context.Context, st store.Store) (map[string]int, error) {
	evs, err := st.ListEvents(ctx, &store.ListEventsParams{Body: body})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, e := range evs {
		if e.Type == runtime.EventCompleted {
			out[e.InstanceID]++
		}
	}
	return out, nil
}

var backends = []string{"sqlite", "postgres"}
