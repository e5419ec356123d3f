package insight_test

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
)

type xesLog struct {
	XMLName xml.Name   `xml:"log"`
	Version string     `xml:"xes.version,attr"`
	Exts    []xesAttr  `xml:"extension"`
	Traces  []xesTrace `xml:"trace"`
}

type xesTrace struct {
	Strings []xesAttr  `xml:"string"`
	Events  []xesEvent `xml:"event"`
}

type xesEvent struct {
	Strings []xesAttr `xml:"string"`
	Dates   []xesAttr `xml:"date"`
}

type xesAttr struct {
	Key   string `xml:"key,attr"`
	Value string `xml:"value,attr"`
	Name  string `xml:"name,attr"`
}

func value(as []xesAttr, key string) string {
	for _, a := range as {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// wantXESEvents counts, from the truth, the events of a case's trace.
func wantXESEvents(c *synth.CaseTruth) int {
	n := 1 // the start event
	for _, r := range c.Runs {
		n++ // start
		if !r.Left.IsZero() {
			n++ // complete
		}
	}
	for _, t := range c.Tasks {
		n++ // schedule
		if !t.Claimed.IsZero() {
			n++ // assign
		}
		n += t.Reassigned
	}
	for _, p := range c.Suspensions {
		n++
		if !p.End.IsZero() {
			n++
		}
	}
	if !c.Ended.IsZero() {
		n++ // the end event
	}
	return n
}

func TestWriteXES(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			st := s.open(t)
			o := seeded()
			o.Cases = 40
			tr, err := synth.Generate(t.Context(), st, o)
			if err != nil {
				t.Fatal(err)
			}
			x := newIndex(st, tr.End)
			var buf bytes.Buffer
			if err := x.WriteXES(t.Context(), &buf, insight.Filter{Body: tr.Body, Procedure: synth.ProcessKey}); err != nil {
				t.Fatal(err)
			}
			var log xesLog
			if err := xml.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatalf("the XES is not well-formed: %v\n%s", err, buf.Bytes()[:min(buf.Len(), 2000)])
			}
			if log.Version != "1849-2016" || len(log.Exts) != 4 {
				t.Errorf("log header: version %q, %d extensions", log.Version, len(log.Exts))
			}
			if len(log.Traces) != len(tr.Cases) {
				t.Fatalf("got %d traces, want %d", len(log.Traces), len(tr.Cases))
			}
			byID := map[string]*synth.CaseTruth{}
			for _, c := range tr.Cases {
				byID[c.ID] = c
			}
			for _, trace := range log.Traces {
				id := value(trace.Strings, "concept:name")
				c := byID[id]
				if c == nil {
					t.Fatalf("trace of unknown case %q", id)
				}
				if got, want := len(trace.Events), wantXESEvents(c); got != want {
					t.Errorf("case %s: %d events, want %d", id, got, want)
				}
				first := trace.Events[0]
				ts, err := time.Parse(time.RFC3339Nano, value(first.Dates, "time:timestamp"))
				if err != nil || !ts.Equal(c.Arrived.Truncate(time.Millisecond)) || value(first.Strings, "concept:name") != synth.Start {
					t.Errorf("case %s: first event %+v, want Start at %s", id, first, c.Arrived)
				}
				for _, ev := range trace.Events {
					if value(ev.Strings, "concept:name") == synth.Decisione && value(ev.Strings, "lifecycle:transition") == "complete" &&
						value(ev.Strings, "org:resource") != c.Tasks[len(c.Tasks)-1].By {
						t.Errorf("case %s: decision by %q, want %q", id, value(ev.Strings, "org:resource"), c.Tasks[len(c.Tasks)-1].By)
					}
				}
			}
			// A period with no case gives an empty, valid log.
			buf.Reset()
			if err := x.WriteXES(t.Context(), &buf, insight.Filter{Body: tr.Body, From: tr.End}); err != nil {
				t.Fatal(err)
			}
			log = xesLog{}
			if err := xml.Unmarshal(buf.Bytes(), &log); err != nil || len(log.Traces) != 0 {
				t.Errorf("empty period: %v, %d traces", err, len(log.Traces))
			}
		})
	}
}
