package insight_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// TestLateCommitIsNotLost writes an event stamped long before the index's
// watermark (a node whose clock lagged beyond the margin), then a newer
// one of the same case: the gap in the sequence makes the index read the
// case again, so neither is lost.
func TestLateCommitIsNotLost(t *testing.T) {
	st := storemem.New()
	o := seeded()
	o.Cases = 5
	tr, err := synth.Generate(t.Context(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(st, tr.End)
	if _, err := x.Report(t.Context(), insight.Filter{Body: tr.Body}); err != nil {
		t.Fatal(err)
	}
	c := tr.Cases[0]
	in, err := st.GetInstance(t.Context(), &store.GetInstanceParams{Body: tr.Body, ID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := st.ListEvents(t.Context(), &store.ListEventsParams{Body: tr.Body, InstanceID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	seq := evs[len(evs)-1].Seq
	doc := func(version int, at time.Time) *store.Event {
		data, _ := json.Marshal(runtime.DocumentAdded{Name: "verbale.pdf", Version: version})
		seq++
		return &store.Event{Body: tr.Body, InstanceID: c.ID, Seq: seq, Type: runtime.EventDocumentAdded, Actor: "x", Time: at, Data: data}
	}
	commit := func(e *store.Event) {
		next := *in
		next.Version++
		if err := st.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: &next, ExpectedVersion: in.Version, Events: []*store.Event{e}}}}); err != nil {
			t.Fatal(err)
		}
		in = &next
	}
	commit(doc(1, tr.Cases[0].Arrived)) // far behind the watermark: not read by the next refresh
	r, err := x.Report(t.Context(), insight.Filter{Body: tr.Body})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range r.Documents {
		if d.Name == "verbale.pdf" {
			t.Fatalf("the late event was seen at once (%+v): the test does not test the gap", d)
		}
	}
	commit(doc(2, tr.End.Add(time.Hour)))
	r, err = x.Report(t.Context(), insight.Filter{Body: tr.Body})
	if err != nil {
		t.Fatal(err)
	}
	var got *insight.DocumentFigures
	for i := range r.Documents {
		if r.Documents[i].Name == "verbale.pdf" {
			got = &r.Documents[i]
		}
	}
	if got == nil || got.Max != 2 || got.Cases != 1 {
		t.Errorf("after the gap: %+v, want verbale.pdf in 1 case at version 2", got)
	}
	fresh, err := newIndex(st, tr.End).Report(t.Context(), insight.Filter{Body: tr.Body})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Cases != r.Cases || len(fresh.Documents) != len(r.Documents) {
		t.Errorf("refreshed %+v, fresh %+v", r.Cases, fresh.Cases)
	}
}
