package runtime

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The instance state is written at every step, so it has a compact
// binary encoding of its own instead of encoding/json (whose reflection
// was a quarter of the engine's time per step). The first byte is the
// format version; a state that starts with '{' is the JSON of earlier
// versions and is still read.
const stateFormat1 = 0x01

// errState reports a state blob that cannot be decoded.
var errState = errors.New("corrupt instance state")

type stateWriter struct{ b []byte }

func (w *stateWriter) uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *stateWriter) varint(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *stateWriter) str(s string)     { w.uvarint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *stateWriter) bytes(p []byte)   { w.uvarint(uint64(len(p))); w.b = append(w.b, p...) }
func (w *stateWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}
func (w *stateWriter) time(t time.Time) {
	if t.IsZero() {
		w.varint(math.MinInt64)
		return
	}
	w.varint(t.UnixNano())
}

type stateReader struct {
	b   []byte
	err error
}

func (r *stateReader) fail() {
	if r.err == nil {
		r.err = errState
	}
	r.b = nil
}

func (r *stateReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) int() int {
	v := r.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *stateReader) raw() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *stateReader) str() string { return string(r.raw()) }

func (r *stateReader) bool() bool {
	if len(r.b) == 0 {
		r.fail()
		return false
	}
	v := r.b[0]
	r.b = r.b[1:]
	if v > 1 {
		r.fail()
	}
	return v == 1
}

func (r *stateReader) time() time.Time {
	v := r.varint()
	if v == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// count reads a length and checks it against what is left (each element
// takes at least min bytes), so that a corrupt blob cannot make us
// allocate a huge slice.
func (r *stateReader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.b)/min) {
		r.fail()
		return 0
	}
	return int(n)
}

// encodeState writes st in format 1.
func encodeState(st *instanceState) []byte {
	w := stateWriter{b: make([]byte, 0, 128+len(st.Vars)+48*len(st.Tokens))}
	w.b = append(w.b, stateFormat1)
	w.bytes(st.Vars)
	w.varint(int64(st.Next))
	w.varint(st.Seq)
	w.bool(st.Suspended)
	w.str(st.ParentToken)
	w.str(st.StartEvent)
	w.uvarint(uint64(len(st.Visits))) // sorted by element id: deterministic bytes
	for _, v := range st.Visits {
		w.str(v.Node)
		w.varint(int64(v.N))
	}
	w.bool(st.Term != nil)
	if tm := st.Term; tm != nil {
		w.varint(int64(tm.Days))
		w.time(tm.Nominal)
		w.time(tm.Due)
		w.varint(int64(tm.Remaining))
		w.str(tm.Job)
		w.bool(tm.Breached)
		w.time(tm.Suspended)
	}
	w.uvarint(uint64(len(st.Tokens)))
	for _, t := range st.Tokens {
		for _, s := range [...]string{t.ID, t.Node, t.Scope, t.Wait, t.Via, t.Task, t.Job, t.Sub, t.Child} {
			w.str(s)
		}
		w.bool(t.Inner)
		w.varint(int64(t.Loop))
		w.bool(t.MI != nil)
		if t.MI != nil {
			w.varint(int64(t.MI.Total))
			w.varint(int64(t.MI.Done))
			w.varint(int64(t.MI.Next))
		}
		w.uvarint(uint64(len(t.Listeners)))
		for _, l := range t.Listeners {
			w.str(l.Node)
			w.str(l.Job)
			w.str(l.Sub)
		}
	}
	return w.b
}

// decodeState reads a state in format 1, or the JSON of earlier versions.
func decodeState(data []byte, st *instanceState) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", errState)
	}
	if data[0] == '{' {
		return json.Unmarshal(data, st)
	}
	if data[0] != stateFormat1 {
		return fmt.Errorf("%w: unknown format %d", errState, data[0])
	}
	r := &stateReader{b: data[1:]}
	if v := r.raw(); len(v) > 0 {
		st.Vars = v
	}
	st.Next = r.int()
	st.Seq = r.varint()
	st.Suspended = r.bool()
	st.ParentToken = r.str()
	st.StartEvent = r.str()
	if n := r.count(2); n > 0 {
		st.Visits = make(visits, n)
		for i := range n {
			st.Visits[i] = visit{Node: r.str(), N: r.int()}
		}
		if !slices.IsSortedFunc(st.Visits, func(a, b visit) int { return strings.Compare(a.Node, b.Node) }) {
			r.fail()
		}
	}
	if r.bool() {
		tm := &termState{}
		tm.Days = r.int()
		tm.Nominal = r.time()
		tm.Due = r.time()
		tm.Remaining = r.int()
		tm.Job = r.str()
		tm.Breached = r.bool()
		tm.Suspended = r.time()
		st.Term = tm
	}
	if n := r.count(13); n > 0 {
		st.Tokens = make([]*token, n)
		for i := range n {
			t := &token{}
			for _, p := range [...]*string{&t.ID, &t.Node, &t.Scope, &t.Wait, &t.Via, &t.Task, &t.Job, &t.Sub, &t.Child} {
				*p = r.str()
			}
			t.Inner = r.bool()
			t.Loop = r.int()
			if r.bool() {
				t.MI = &miState{Total: r.int(), Done: r.int(), Next: r.int()}
			}
			if m := r.count(3); m > 0 {
				t.Listeners = make([]*listener, m)
				for j := range m {
					t.Listeners[j] = &listener{Node: r.str(), Job: r.str(), Sub: r.str()}
				}
			}
			st.Tokens[i] = t
		}
	}
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errState, len(r.b))
	}
	return nil
}
