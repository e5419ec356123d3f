package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// RunEventScanner checks a store's store.EventScanner: order by instance
// then seq, the Since filter on Time, the body scope, and that an error of
// the callback stops the scan.
func RunEventScanner(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	sc, ok := s.(store.EventScanner)
	if !ok {
		t.Fatalf("%T is not a store.EventScanner", s)
	}
	for _, body := range []string{"c_a", "c_b"} {
		for _, id := range []string{"i2", "i1"} {
			in := NewInstance(body, id)
			var evs []*store.Event
			for seq := int64(1); seq <= 3; seq++ {
				evs = append(evs, &store.Event{Body: body, InstanceID: id, Seq: seq, Type: "element-entered",
					ElementID: "E", Actor: "system", Time: T0.Add(time.Duration(seq) * time.Hour), Data: []byte(`{"visit":1}`)})
			}
			commit(t, s, &store.Step{Instance: in, Events: evs})
		}
	}
	scan := func(p *store.ScanEventsParams) []string {
		t.Helper()
		var got []string
		must(t, sc.ScanEvents(ctx(t), p, func(e *store.Event) error {
			if e.Body != p.Body {
				t.Fatalf("ScanEvents(%s) returned an event of %s", p.Body, e.Body)
			}
			got = append(got, fmt.Sprintf("%s/%d", e.InstanceID, e.Seq))
			return nil
		}))
		return got
	}
	if got, want := fmt.Sprint(scan(&store.ScanEventsParams{Body: "c_a"})), "[i1/1 i1/2 i1/3 i2/1 i2/2 i2/3]"; got != want {
		t.Errorf("ScanEvents: got %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(scan(&store.ScanEventsParams{Body: "c_b", Since: T0.Add(2 * time.Hour)})), "[i1/2 i1/3 i2/2 i2/3]"; got != want {
		t.Errorf("ScanEvents since +2h: got %s, want %s", got, want)
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := sc.ScanEvents(ctx(t), &store.ScanEventsParams{Body: "c_a"}, func(*store.Event) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("ScanEvents with a failing callback: err %v after %d events, want stop after 1", err, n)
	}
	wantErr(t, sc.ScanEvents(ctx(t), &store.ScanEventsParams{}, func(*store.Event) error { return nil }), store.ErrInvalid, "ScanEvents without body")
}

// RunInstanceScanner checks a store's store.InstanceScanner: every
// instance of the body with its State, ordered by id, filtered by process.
func RunInstanceScanner(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	sc, ok := s.(store.InstanceScanner)
	if !ok {
		t.Fatalf("%T is not a store.InstanceScanner", s)
	}
	for _, id := range []string{"i3", "i1", "i2"} {
		in := NewInstance("c_a", id)
		in.State = []byte("state-" + id)
		if id == "i2" {
			in.ProcessKey = "other"
		}
		commit(t, s, &store.Step{Instance: in})
	}
	commit(t, s, &store.Step{Instance: NewInstance("c_b", "i9")})
	scan := func(p *store.ScanInstancesParams) string {
		t.Helper()
		var got []string
		must(t, sc.ScanInstances(ctx(t), p, func(in *store.Instance) error {
			got = append(got, in.Body+"/"+in.ID+"="+string(in.State))
			return nil
		}))
		return fmt.Sprint(got)
	}
	if got, want := scan(&store.ScanInstancesParams{Body: "c_a"}), "[c_a/i1=state-i1 c_a/i2=state-i2 c_a/i3=state-i3]"; got != want {
		t.Errorf("ScanInstances: got %s, want %s", got, want)
	}
	if got, want := scan(&store.ScanInstancesParams{Body: "c_a", ProcessKey: "other"}), "[c_a/i2=state-i2]"; got != want {
		t.Errorf("ScanInstances by process: got %s, want %s", got, want)
	}
	wantErr(t, sc.ScanInstances(ctx(t), &store.ScanInstancesParams{}, func(*store.Instance) error { return nil }), store.ErrInvalid, "ScanInstances without body")
}
