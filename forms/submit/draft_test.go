package submit

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDraftDecode feeds Decode forged and truncated drafts: it must refuse
// them with ErrDraft, never panic, and a draft it accepts must be one
// Encode wrote (it re-encodes to data that decodes alike).
func FuzzDraftDecode(f *testing.F) {
	d, err := NewDrafts(bytes.Repeat([]byte("k"), 32), 4096)
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []any{nil, map[string]any{"richiedente": map[string]any{"nome": "Mario"}, "veridicita": true}, []any{1.0, "a"}} {
		s, err := d.Encode("ztl@1", v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	f.Add("")
	f.Add("not base64!")
	f.Fuzz(func(t *testing.T, draft string) {
		v, err := d.Decode("ztl@1", draft)
		if err != nil {
			if err != ErrDraft {
				t.Fatalf("error %v is not ErrDraft", err)
			}
			return
		}
		again, err := d.Encode("ztl@1", v)
		if err != nil {
			t.Fatal(err)
		}
		w, err := d.Decode("ztl@1", again)
		if err != nil || !reflect.DeepEqual(v, w) {
			t.Fatalf("re-encoded draft: %v %v", w, err)
		}
	})
}

// BenchmarkDraft is one page of a form flow: the draft posted decoded,
// the next page's draft encoded.
func BenchmarkDraft(b *testing.B) {
	d, err := NewDrafts(bytes.Repeat([]byte("k"), 32), 0)
	if err != nil {
		b.Fatal(err)
	}
	data := map[string]any{"richiedente": map[string]any{"nome": "Mario", "cognome": "Rossi", "codice_fiscale": "RSSMRA85T10A562S"},
		"veicolo": map[string]any{"targa": "AB123CD", "alimentazione": "benzina"}, "motivo": "residente", "veridicita": true}
	s, err := d.Encode("ztl@1", data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := d.Decode("ztl@1", s)
		if err != nil {
			b.Fatal(err)
		}
		if s, err = d.Encode("ztl@1", v); err != nil {
			b.Fatal(err)
		}
	}
}
