package insight

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// XES lifecycle transitions (IEEE 1849-2016, Lifecycle extension,
// "standard" model) of the history events an event log carries. Events
// not listed (gateways, variables, term bookkeeping) are left out: process
// mining tools discover activities, not engine internals.
func xesTransition(e *store.Event, kind string) (string, bool) {
	switch e.Type {
	case runtime.EventTaskCreated:
		return "schedule", true
	case runtime.EventTaskClaimed:
		return "assign", true
	case runtime.EventTaskReassigned:
		return "reassign", true
	case runtime.EventElementEntered:
		if isActivity(kind) {
			return "start", true
		}
		if kind == "startEvent" || kind == "endEvent" {
			return "complete", true
		}
	case runtime.EventElementLeft:
		if isActivity(kind) {
			return "complete", true
		}
	case runtime.EventTaskCancelled:
		return "ate_abort", true
	case runtime.EventSuspended:
		return "suspend", true
	case runtime.EventResumed:
		return "resume", true
	}
	return "", false
}

// WriteXES writes the event log of the cases of f as XES (IEEE 1849-2016):
// one trace per case (concept:name = instance id), one event per activity
// transition with concept:name (the BPMN element id, or the history event
// for suspensions), lifecycle:transition, time:timestamp and org:resource
// (the actor, unless the engine). It reads the history as it writes, so
// the log of a million events never sits in memory.
func (x *Index) WriteXES(ctx context.Context, w io.Writer, f Filter) error {
	r, err := x.Report(ctx, f)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range r.Drill[DrillAll] {
		want[id] = true
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	name := f.Procedure
	if name == "" {
		name = f.Body
	}
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="%s"/>
`, attr(name))
	current := ""
	err = store.ScanEvents(ctx, x.st, &store.ScanEventsParams{Body: f.Body}, func(e *store.Event) error {
		if !want[e.InstanceID] {
			return nil
		}
		if e.InstanceID != current {
			if current != "" {
				bw.WriteString("  </trace>\n")
			}
			current = e.InstanceID
			fmt.Fprintf(bw, "  <trace>\n    <string key=\"concept:name\" value=\"%s\"/>\n", attr(current))
		}
		var kind string
		if e.Type == runtime.EventElementEntered || e.Type == runtime.EventElementLeft {
			var d struct {
				Kind string `json:"kind"`
			}
			_ = json.Unmarshal(e.Data, &d)
			kind = d.Kind
		}
		tr, ok := xesTransition(e, kind)
		if !ok {
			return nil
		}
		activity := e.ElementID
		if activity == "" {
			activity = string(e.Type)
		}
		fmt.Fprintf(bw, "    <event>\n      <string key=\"concept:name\" value=\"%s\"/>\n      <string key=\"lifecycle:transition\" value=\"%s\"/>\n      <date key=\"time:timestamp\" value=\"%s\"/>\n",
			attr(activity), tr, e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		if e.Actor != "" && e.Actor != "system" {
			fmt.Fprintf(bw, "      <string key=\"org:resource\" value=\"%s\"/>\n", attr(e.Actor))
		}
		bw.WriteString("    </event>\n")
		return nil
	})
	if err != nil {
		return err
	}
	if current != "" {
		bw.WriteString("  </trace>\n")
	}
	bw.WriteString("</log>\n")
	return bw.Flush()
}

// attr escapes s for an XML attribute value.
func attr(s string) string {
	var b []byte
	w := bytesWriter{&b}
	_ = xml.EscapeText(w, []byte(s))
	return string(b)
}

type bytesWriter struct{ b *[]byte }

func (w bytesWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }
