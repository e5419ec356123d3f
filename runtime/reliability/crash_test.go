package reliability_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Environment of the crash child: the store it opens and the file it logs
// its side effects and started instances to.
const (
	envChild = "PROCEDO_CRASH_CHILD"
	envStore = "PROCEDO_CRASH_STORE"
	envLog   = "PROCEDO_CRASH_LOG"
)

// blockAfter is how many service calls the child makes before its
// handlers hang: the batch they belong to is then never committed, so
// those calls are certain to run again after the crash.
const blockAfter = 400

// crashLog appends one line per write to a file shared with the parent.
type crashLog struct {
	mu sync.Mutex
	f  *os.File
}

func (l *crashLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write per line: a SIGKILL leaves whole lines (and maybe a torn
	// last one, which the reader drops).
	if _, err := l.f.WriteString(fmt.Sprintf(format, args...)); err != nil {
		panic(err)
	}
}

// TestCrashChild is the child process of TestCrashRecovery; it does
// nothing unless PROCEDO_CRASH_CHILD is set. It starts instances of the
// reference process without end while its job runner calls the service,
// logging every call, until the parent kills it.
func TestCrashChild(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("child of TestCrashRecovery only")
	}
	loc, err := parseLocation(os.Getenv(envStore))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(os.Getenv(envLog), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	lg := &crashLog{f: f}
	ctx := context.Background()
	st, err := loc.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	hang := make(chan struct{})
	e, err := runtime.New(runtime.Options{Store: st, Owner: "child", LeaseFor: 2 * time.Second, BatchSize: 32, Logger: quiet(),
		Handlers: map[string]runtime.Handler{"ztl.verifica-targa": runtime.Service(func(_ context.Context, c *runtime.ServiceCall, v *ztlVars) error {
			n := calls.Add(1)
			lg.printf("run %s %s %s\n", c.InstanceID, c.ElementID, c.IdempotencyKey)
			v.Valida = len(v.Targa) == 7
			if n == blockAfter {
				lg.printf("blocked\n")
			}
			if n >= blockAfter {
				<-hang // never closed: the process is killed first
			}
			return nil
		})}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: reference(t)}); err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.RunJobs(ctx) }()
	for b := 0; b < 1_000_000; b += 20 {
		ps := make([]*runtime.StartParams, 20)
		ids := make([]string, 20)
		for k := range ps {
			ids[k] = fmt.Sprintf("c-%07d", b+k)
			ps[k] = &runtime.StartParams{Body: body, ProcessKey: "ztl-access", ID: ids[k], Vars: []byte(`{"targa":"AB123CD"}`)}
		}
		if _, err := e.StartMany(ctx, ps); err != nil {
			t.Fatal(err)
		}
		lg.printf("started %s\n", strings.Join(ids, " "))
	}
	t.Fatal("the parent did not kill the child")
}

type crashRecord struct {
	started map[string]bool
	runs    map[[2]string]string // (instance, element) → idempotency key
	blocked bool
}

func readCrashLog(path string) (*crashRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &crashRecord{started: map[string]bool{}, runs: map[[2]string]string{}}
	lines := strings.Split(string(data), "\n")
	for _, line := range lines[:len(lines)-1] { // the last piece is "" or a torn line
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "started":
			for _, id := range f[1:] {
				r.started[id] = true
			}
		case f[0] == "run" && len(f) == 4:
			k := [2]string{f[1], f[2]}
			if prev, ok := r.runs[k]; ok && prev != f[3] {
				return nil, fmt.Errorf("child ran %v with keys %s and %s", k, prev, f[3])
			}
			r.runs[k] = f[3]
		case f[0] == "blocked":
			r.blocked = true
		default:
			return nil, fmt.Errorf("bad log line %q", line)
		}
	}
	return r, nil
}

// TestCrashRecovery kills a child process running the engine under load
// with SIGKILL, then restarts on the same store: every started instance
// completes exactly once, and every service call made again after the
// crash carries the idempotency key of its first run.
func TestCrashRecovery(t *testing.T) {
	for _, kind := range backends {
		t.Run(kind, func(t *testing.T) {
			loc := newLocation(t, kind)
			logPath := filepath.Join(t.TempDir(), "crash.log")
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), envChild+"=1", envStore+"="+loc.String(), envLog+"="+logPath)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			waitFor(t, 90*time.Second, "the child to hang in its service handlers", func() (bool, error) {
				select {
				case err := <-exited:
					return false, fmt.Errorf("child exited early (%v):\n%s", err, out.String())
				default:
				}
				r, err := readCrashLog(logPath)
				if os.IsNotExist(err) {
					return false, nil
				}
				return err == nil && r.blocked, err
			})
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			<-exited
			rec, err := readCrashLog(logPath)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("child killed after %d started instances and %d service calls", len(rec.started), len(rec.runs))

			// Restart on the same store.
			st := openStore(t, loc)
			var mu sync.Mutex
			again := map[[2]string][]string{}
			e, err := runtime.New(runtime.Options{Store: st, Owner: "survivor", Logger: quiet(),
				Handlers: map[string]runtime.Handler{"ztl.verifica-targa": runtime.Service(func(_ context.Context, c *runtime.ServiceCall, v *ztlVars) error {
					mu.Lock()
					k := [2]string{c.InstanceID, c.ElementID}
					again[k] = append(again[k], c.IdempotencyKey)
					mu.Unlock()
					v.Valida = len(v.Targa) == 7
					return nil
				})}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: reference(t)}); err != nil {
				t.Fatal(err)
			}
			runnerDone := make(chan struct{})
			go func() { defer close(runnerDone); _ = e.RunJobs(ctx) }()
			var total int
			waitFor(t, 120*time.Second, "every stored instance to complete", func() (bool, error) {
				all, err := countInstances(ctx, st, "")
				if err != nil {
					return false, err
				}
				done, err := countInstances(ctx, st, store.InstanceCompleted)
				total = all
				return all > 0 && done == all, err
			})
			cancel()
			<-runnerDone

			for id := range rec.started {
				in, err := st.GetInstance(context.Background(), &store.GetInstanceParams{Body: body, ID: id})
				if err != nil {
					t.Fatalf("started instance %s: %v", id, err)
				}
				if in.Status != store.InstanceCompleted {
					t.Fatalf("started instance %s is %s", id, in.Status)
				}
			}
			done, err := completedEvents(context.Background(), st)
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != total {
				t.Fatalf("%d instances have a completed event, want all %d", len(done), total)
			}
			for id, c := range done {
				if c != 1 {
					t.Fatalf("instance %s completed %d times", id, c)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			reruns := 0
			for k, keys := range again {
				if len(keys) != 1 {
					t.Fatalf("after the restart %v ran %d times", k, len(keys))
				}
				if first, ok := rec.runs[k]; ok {
					reruns++
					if first != keys[0] {
						t.Fatalf("%v ran before the crash with key %s and after it with key %s", k, first, keys[0])
					}
				}
			}
			if reruns == 0 {
				t.Fatal("no service call of the child was run again after the crash: the test did not crash mid-batch")
			}
			// Every instance ran its service task: before the crash, after
			// it, or both.
			for id := range done {
				k := [2]string{id, "Verifica"}
				if _, before := rec.runs[k]; !before && len(again[k]) == 0 {
					t.Fatalf("instance %s completed without its service call", id)
				}
			}
			t.Logf("%d instances completed once each; %d service calls re-run after the crash with their first key", total, reruns)
		})
	}
}
