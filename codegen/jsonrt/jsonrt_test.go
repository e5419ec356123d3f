package jsonrt_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/procedo/procedo/codegen/jsonrt"
	"github.com/procedo/procedo/internal/testenv"
)

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "plain", in: "Accesso ZTL"},
		{name: "quotes and backslash", in: `a"b\c`},
		{name: "html", in: "<a href='x'>&</a>"},
		{name: "short escapes", in: "\b\f\n\r\t"},
		{name: "other controls", in: "\x00\x01\x1f\x7f"},
		{name: "line separators", in: "a\u2028b\u2029c"},
		{name: "invalid utf-8", in: "a\xffb\xc3"},
		{name: "multibyte", in: "perché 🚗 \ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jsonrt.AppendString([]byte("x"), tt.in)
			want := append([]byte("x"), marshal(t, tt.in)...)
			if !bytes.Equal(got, want) {
				t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, want)
			}
		})
	}
	r := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		if got, want := jsonrt.AppendString(nil, string(b)), marshal(t, string(b)); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", b, got, want)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123e300, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64}
	r := rand.New(rand.NewPCG(2, 2))
	for range 5000 {
		f := math.Float64frombits(r.Uint64())
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			floats = append(floats, f)
		}
	}
	for _, f := range floats {
		got, err := jsonrt.AppendFloat(nil, f)
		if err != nil {
			t.Fatalf("AppendFloat(%v): %v", f, err)
		}
		if want := marshal(t, f); !bytes.Equal(got, want) {
			t.Fatalf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := jsonrt.AppendFloat(nil, f); err == nil {
			t.Errorf("AppendFloat(%v): no error", f)
		}
	}
}

func TestAppendRawAndTime(t *testing.T) {
	for _, raw := range []string{`1`, ` { "a" : [ 1 , "<&>\u2028" , null ] } `, "\"\u2028\u2029\"", `"\"<"`, `[ ]`} {
		got, err := jsonrt.AppendRaw(nil, []byte(raw))
		if err != nil {
			t.Fatalf("AppendRaw(%s): %v", raw, err)
		}
		if want := marshal(t, json.RawMessage(raw)); !bytes.Equal(got, want) {
			t.Errorf("AppendRaw(%s) = %s, want %s", raw, got, want)
		}
	}
	if got, _ := jsonrt.AppendRaw(nil, nil); string(got) != "null" {
		t.Errorf("AppendRaw(nil) = %s, want null", got)
	}
	for _, raw := range []string{``, `{`, `01`, `"a`} {
		if _, err := jsonrt.AppendRaw(nil, []byte(raw)); err == nil {
			t.Errorf("AppendRaw(%q): no error", raw)
		}
	}
	ts := time.Date(2026, 11, 23, 7, 30, 0, 120, time.FixedZone("", 3600))
	if got, _ := jsonrt.AppendTime(nil, ts); !bytes.Equal(got, marshal(t, ts)) {
		t.Errorf("AppendTime = %s, want %s", got, marshal(t, ts))
	}
	if _, err := jsonrt.AppendTime(nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("AppendTime of year 10000: no error")
	}
}

// TestFold holds Fold to the key matching of encoding/json: a struct with
// field name n decodes {key: 1} into it exactly when Fold(key, n).
func TestFold(t *testing.T) {
	tests := []struct{ key, name string }{
		{key: "targa", name: "targa"}, {key: "TARGA", name: "targa"}, {key: "Targa", name: "tArga"},
		{key: "k", name: "\u212a"}, {key: "\u212a", name: "k"}, {key: "s", name: "\u017f"}, {key: "\u017f", name: "s"},
		{key: "città", name: "CITTÀ"}, {key: "targa1", name: "targa"},
	}
	for _, tt := range tests {
		data := marshal(t, map[string]int{tt.key: 1})
		want := decodeInto(t, tt.name, data)
		if got := jsonrt.Fold([]byte(tt.key), tt.name); got != want {
			t.Errorf("Fold(%q, %q) = %v, encoding/json matches: %v", tt.key, tt.name, got, want)
		}
	}
}

// decodeInto reports whether encoding/json decodes data into the field
// of a struct whose json name is name.
func decodeInto(t *testing.T, name string, data []byte) bool {
	t.Helper()
	typ := reflect.StructOf([]reflect.StructField{{Name: "V", Type: reflect.TypeFor[int](), Tag: reflect.StructTag(`json:"` + name + `"`)}})
	v := reflect.New(typ)
	if err := json.Unmarshal(data, v.Interface()); err != nil {
		t.Fatal(err)
	}
	return v.Elem().Field(0).Int() == 1
}

func TestDecoderErrorsNameTheOffset(t *testing.T) {
	d := jsonrt.NewDecoder([]byte(`{"a": tru}`))
	err := d.Skip()
	if err == nil || err.Error() != "offset 6: invalid literal" {
		t.Errorf("Skip error = %v, want offset 6: invalid literal", err)
	}
	d = jsonrt.NewDecoder([]byte(`{"a": 1}`))
	err = d.Object(func([]byte) error { _, err := d.String(); return err })
	if err == nil || err.Error() != "offset 6: cannot unmarshal number into a Go value of type string" {
		t.Errorf("Object error = %v", err)
	}
}

// FuzzDecoder checks the scanner against encoding/json on the JSON files of
// the JSON Schema test suite and what the fuzzer makes of them: Skip reads
// exactly the documents json.Valid accepts, and a string decodes as
// json.Unmarshal decodes it.
func FuzzDecoder(f *testing.F) {
	dir := testenv.CorpusDir(f, "jsonschema")
	files, _ := filepath.Glob(filepath.Join(dir, "draft2020-12", "*.json"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`"\ud83d\ude97\ud800\u00e8\/\xff"`))
	f.Add([]byte(`[-0.5e+10, 1E3, true, false, null, {}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := jsonrt.NewDecoder(data)
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("json.Valid = %v, Skip+End error = %v", valid, err)
		}
		var want string
		if json.Unmarshal(data, &want) == nil {
			got, err := jsonrt.NewDecoder(data).String()
			if err != nil || got != want {
				t.Fatalf("String() = %q, %v; json.Unmarshal = %q", got, err, want)
			}
		}
		if json.Valid(data) {
			raw, err := jsonrt.NewDecoder(data).Raw()
			if err != nil || !bytes.Equal(raw, bytes.TrimSpace(data)) {
				t.Fatalf("Raw() = %q, %v", raw, err)
			}
		}
	})
}

func ExampleAppendString() {
	b := jsonrt.AppendString(nil, "<ZTL> & centro\n")
	b, _ = jsonrt.AppendFloat(append(b, ' '), 1e21)
	fmt.Println(string(b))
	// Output: "\u003cZTL\u003e \u0026 centro\n" 1e+21
}

func ExampleDecoder() {
	d := jsonrt.NewDecoder([]byte(`{"targa": "AB123CD", "valida": true, "altro": [1]}`))
	err := d.Object(func(key []byte) error {
		switch string(key) {
		case "targa":
			s, err := d.String()
			fmt.Println("targa", s)
			return err
		case "valida":
			v, err := d.Bool()
			fmt.Println("valida", v)
			return err
		}
		return d.Skip()
	})
	fmt.Println(err, d.End())
	// Output:
	// targa AB123CD
	// valida true
	// <nil> <nil>
}
