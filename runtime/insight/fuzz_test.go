package insight_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// FuzzApply feeds Case.Apply history events with arbitrary types, elements
// and data, seeded with the events of a generated history: folding never
// panics, and a report over the result is computed.
func FuzzApply(f *testing.F) {
	st := storemem.New()
	o := synth.Options{Cases: 3, Seed: 1, Days: 2}
	o.Start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 20)
	tr, err := synth.Generate(f.Context(), st, o)
	if err != nil {
		f.Fatal(err)
	}
	evs, err := st.ListEvents(f.Context(), &store.ListEventsParams{Body: tr.Body})
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range evs {
		f.Add(string(e.Type), e.ElementID, []byte(e.Data), int64(0))
	}
	f.Add("task-completed", "Decisione", []byte(`{"taskId":null}`), int64(-1))
	f.Add("suspension-ended", "", []byte(`{"due":"2026-13-45"}`), int64(1<<40))
	procs := []insight.Procedure{synth.Procedure()}
	f.Fuzz(func(t *testing.T, typ, element string, data []byte, offset int64) {
		c := insight.NewCase("c", "i")
		base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		c.Apply(&store.Event{Seq: 1, Type: "started", Time: base, Data: json.RawMessage(`{"processKey":"contributo"}`)})
		c.Apply(&store.Event{Seq: 2, Type: store.EventType(typ), ElementID: element, Time: base.Add(time.Duration(offset)), Data: data})
		c.Apply(&store.Event{Seq: 3, Type: store.EventType(typ), ElementID: element, Time: base.Add(time.Hour), Data: data})
		r := insight.Compute([]*insight.Case{c}, insight.Filter{Body: "c"}, base.AddDate(0, 0, 40), procs, insight.Thresholds{}, nil)
		if r.Cases.Total != 1 {
			t.Fatalf("report over one case: %+v", r.Cases)
		}
	})
}

// FuzzParseAnswer: any JSON value is an answer, never a panic.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{`"si"`, `"sì"`, `"no"`, `true`, `false`, `null`, `"n/a"`, `1`, `{"a":1}`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		if a := insight.ParseAnswer(v); a != insight.AnswerNA && a != insight.AnswerYes && a != insight.AnswerNo {
			t.Fatalf("ParseAnswer(%s) = %d", s, a)
		}
	})
}
