package insight_test

import (
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// TestLatest: after new events, Latest answers at once with the report it
// has, and the recomputed one is there for a later call.
func TestLatest(t *testing.T) {
	st := storemem.New()
	o := seeded()
	o.Cases = 20
	tr, err := synth.Generate(t.Context(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(st, tr.End)
	f := insight.Filter{Body: tr.Body}
	first, err := x.Latest(t.Context(), f, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cases.Total != 20 {
		t.Fatalf("first: %d cases", first.Cases.Total)
	}
	more := o
	more.Cases, more.Prefix, more.Start, more.End, more.Days = 3, "late-", tr.End, tr.End.AddDate(0, 0, 2), 1
	if _, err := synth.Generate(t.Context(), st, more); err != nil {
		t.Fatal(err)
	}
	again, err := x.Latest(t.Context(), f, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("Latest recomputed in the request (%d cases): want the report it had", again.Cases.Total)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := x.Latest(t.Context(), f, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if r.Cases.Total == 23 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background recomputation never delivered: %d cases", r.Cases.Total)
		}
		time.Sleep(5 * time.Millisecond) // polling for the condition
	}
	// Too old a report is not served: Latest computes.
	if r, err := x.Latest(t.Context(), insight.Filter{Body: tr.Body, Procedure: synth.ProcessKey}, 0); err != nil || r.Cases.Total != 23 {
		t.Errorf("maxAge 0: %v, %+v", err, r.Cases)
	}
}
