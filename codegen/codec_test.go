package codegen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/procedo/procedo/codegen/internal/reference/codectypes"
	"github.com/procedo/procedo/codegen/internal/reference/istruttoria"
	"github.com/procedo/procedo/codegen/internal/reference/suap"
	"github.com/procedo/procedo/codegen/internal/reference/ztlaccess"
	"github.com/procedo/procedo/runtime"
)

// codecCase is a generated package under test: its definition (whose
// Codec is the generated one) and a fresh *Variables.
type codecCase struct {
	name string
	def  func() (*runtime.Definition, error)
	vars func() any
}

var codecCases = []codecCase{
	{name: "ztlaccess", def: ztlaccess.Definition, vars: func() any { return new(ztlaccess.Variables) }},
	{name: "istruttoria", def: istruttoria.Definition, vars: func() any { return new(istruttoria.Variables) }},
	{name: "suap", def: suap.Definition, vars: func() any { return new(suap.Variables) }},
	{name: "codectypes", def: codectypes.Definition, vars: func() any { return new(codectypes.Variables) }},
}

// Strings that exercise every escape encoding/json writes: HTML-unsafe
// characters, control characters, U+2028/U+2029, invalid UTF-8.
var codecStrings = []string{"", "ZTL1234", "Monza", "a\"b\\c", "<script>&amp;</script>", "riga\nnuova\t\r\b\f",
	"\x00\x01\x1f\x7f", "perché è così", "\u2028\u2029", "\xff\xfeinvalido", "emoji 🚗", "\ud7ff\ue000"}

var codecFloats = []float64{0, 1, -1, 0.1, 1e-7, 1.5e-6, 1e20, 1e21, 123456789.125, -2.5e300, 5e-324, math.MaxFloat64, 850.5}

// randomValue fills v (settable) with a random value of its type; depth
// bounds the nesting. Pointers, slices and maps are nil at times, and
// empty at times, because omitzero and null treat them differently.
func randomValue(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		t := time.Date(1900+r.IntN(200), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(3)*r.IntN(1e9), time.FixedZone("", (r.IntN(25)-12)*3600))
		v.Set(reflect.ValueOf(t))
		return
	case reflect.TypeFor[json.RawMessage]():
		if r.IntN(4) == 0 {
			return // nil
		}
		var x any
		switch r.IntN(5) {
		case 0:
			x = codecStrings[r.IntN(len(codecStrings))]
		case 1:
			x = codecFloats[r.IntN(len(codecFloats))]
		case 2:
			x = map[string]any{"a": []any{true, nil, "<&>"}, "b": 1.5}
		case 3:
			x = nil
		default:
			x = []any{"x", 2}
		}
		data, _ := json.MarshalIndent(x, "", "  ") // whitespace the encoder must compact
		v.SetBytes(data)
		return
	}
	if v.Type().Name() == "Date" && v.Kind() == reflect.Struct {
		// The generated Date: a valid day, which its MarshalJSON needs.
		v.FieldByName("Year").SetInt(int64(1900 + r.IntN(200)))
		v.FieldByName("Month").SetInt(int64(1 + r.IntN(12)))
		v.FieldByName("Day").SetInt(int64(1 + r.IntN(28)))
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int64:
		switch r.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(math.MinInt64 + r.Int64N(10))
		default:
			v.SetInt(r.Int64N(2000) - 1000)
		}
	case reflect.Float64:
		if r.IntN(3) == 0 {
			v.SetFloat(r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20)))
		} else {
			v.SetFloat(codecFloats[r.IntN(len(codecFloats))])
		}
	case reflect.String:
		v.SetString(codecStrings[r.IntN(len(codecStrings))])
	case reflect.Pointer:
		if r.IntN(3) == 0 || depth > 4 {
			return
		}
		p := reflect.New(v.Type().Elem())
		randomValue(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		n := r.IntN(4) - 1 // -1: nil
		if n < 0 || depth > 4 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			randomValue(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		n := r.IntN(4) - 1
		if n < 0 || depth > 4 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			randomValue(r, k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			randomValue(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			randomValue(r, v.Field(i), depth+1)
		}
	default:
		panic(fmt.Sprintf("randomValue: %v", v.Type()))
	}
}

// TestGeneratedCodec checks the generated codec of each reference package
// against encoding/json, which the engine used before and which the
// in-memory path and celrt.Canonical still rely on: for random variables
// Encode writes the same bytes as json.Marshal, Decode reads them back to
// what json.Unmarshal reads, and Merge overlays a patch as json.Unmarshal
// does onto an equal value.
func TestGeneratedCodec(t *testing.T) {
	for _, c := range codecCases {
		t.Run(c.name, func(t *testing.T) {
			def, err := c.def()
			if err != nil {
				t.Fatal(err)
			}
			codec := def.Codec
			if reflect.TypeOf(codec).Name() != "variablesCodec" {
				t.Fatalf("Definition uses codec %T, want the generated variablesCodec", codec)
			}
			for seed := range uint64(500) {
				r := rand.New(rand.NewPCG(seed, 1))
				v := c.vars()
				randomValue(r, reflect.ValueOf(v).Elem(), 0)
				want, wantErr := json.Marshal(v)
				got, err := codec.Encode(v)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("seed %d: Encode error %v, json.Marshal error %v", seed, err, wantErr)
				}
				if err != nil {
					continue
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("seed %d: Encode differs from json.Marshal\ngot:  %s\nwant: %s", seed, got, want)
				}
				dec, err := codec.Decode(got)
				if err != nil {
					t.Fatalf("seed %d: Decode(%s): %v", seed, got, err)
				}
				ref := c.vars()
				if err := json.Unmarshal(got, ref); err != nil {
					t.Fatalf("seed %d: json.Unmarshal: %v", seed, err)
				}
				if !reflect.DeepEqual(dec, ref) {
					t.Fatalf("seed %d: Decode differs from json.Unmarshal of %s\ngot:  %+v\nwant: %+v", seed, got, dec, ref)
				}
				// Invalid UTF-8 became U+FFFD: compare with json.Marshal
				// again rather than with the first bytes.
				again, err := codec.Encode(dec)
				wantAgain, _ := json.Marshal(dec)
				if err != nil || !bytes.Equal(again, wantAgain) {
					t.Fatalf("seed %d: round trip: %s, %v\nwant %s", seed, again, err, wantAgain)
				}

				// Merge a second random value into two equal bases.
				patchV := c.vars()
				randomValue(r, reflect.ValueOf(patchV).Elem(), 0)
				patch, err := json.Marshal(patchV)
				if err != nil {
					continue
				}
				base1, base2 := c.vars(), c.vars()
				_ = json.Unmarshal(got, base1)
				_ = json.Unmarshal(got, base2)
				if err := codec.Merge(base1, patch); err != nil {
					t.Fatalf("seed %d: Merge(%s): %v", seed, patch, err)
				}
				if err := json.Unmarshal(patch, base2); err != nil {
					t.Fatalf("seed %d: json.Unmarshal(%s): %v", seed, patch, err)
				}
				if !reflect.DeepEqual(base1, base2) {
					t.Fatalf("seed %d: Merge of %s onto %s differs from json.Unmarshal\ngot:  %+v\nwant: %+v", seed, patch, got, base1, base2)
				}
			}
		})
	}
}

// TestGeneratedCodecInput checks the decoder on input encoding/json
// accepts or refuses: other spellings of the same variables (escapes,
// white space, keys in another case, unknown keys, null) decode alike,
// and malformed input is an error that leaves Merge's target untouched.
func TestGeneratedCodecInput(t *testing.T) {
	def, err := codectypes.Definition()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		bad   bool // json.Unmarshal refuses it too
	}{
		{name: "empty object", input: `{}`},
		{name: "null", input: `null`},
		{name: "white space", input: " \n{ \"note\" :\t\"a\" , \"livello\": 2 }\r\n"},
		{name: "escapes", input: `{"note":"\u003c\ud83d\ude97\/\n\ud800x\u00e8"}`},
		{name: "invalid utf-8", input: "{\"note\":\"a\xffb\"}"},
		{name: "keys in another case", input: `{"NOTE":"x","Richiedente":{"NOME":"y"}}`},
		{name: "unknown keys", input: `{"altro":{"a":[1,{"b":null}]},"note":"x"}`},
		{name: "nulls", input: `{"note":null,"familiari":null,"punteggi":null,"libero":null,"nascita":null,"richiedente":null}`},
		{name: "duplicate keys", input: `{"note":"a","note":"b"}`},
		{name: "empty containers", input: `{"familiari":[],"punteggi":{},"matrice":[[]],"tabelle":{"a":[]}}`},
		{name: "numbers", input: `{"richiedente":{"nome":"x","eta":-0,"reddito":1E+2},"punteggi":{"a":9223372036854775807}}`},
		{name: "raw", input: `{"libero":  [ 1, "<" ] }`},
		{name: "truncated", input: `{"note":"a"`, bad: true},
		{name: "trailing", input: `{} {}`, bad: true},
		{name: "bad literal", input: `{"note":nul}`, bad: true},
		{name: "leading zero", input: `{"livello":01}`, bad: true},
		{name: "float into int", input: `{"livello":1.5}`, bad: true},
		{name: "int overflow", input: `{"livello":9223372036854775808}`, bad: true},
		{name: "string into bool", input: `{"richiedente":{"nome":"x","residente":"sì"}}`, bad: true},
		{name: "bad date", input: `{"nascita":"2026-02-30"}`, bad: true},
		{name: "control character", input: "{\"note\":\"a\x01\"}", bad: true},
		{name: "bad escape", input: `{"note":"\x"}`, bad: true},
		{name: "array", input: `[]`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := new(codectypes.Variables)
			refErr := json.Unmarshal([]byte(tt.input), ref)
			if (refErr != nil) != tt.bad {
				t.Fatalf("json.Unmarshal error = %v, want bad = %v", refErr, tt.bad)
			}
			got, err := def.Codec.Decode([]byte(tt.input))
			if tt.bad {
				if err == nil {
					t.Fatalf("Decode(%s) = %+v, want an error", tt.input, got)
				}
				base := &codectypes.Variables{Note: new("prima")}
				if err := def.Codec.Merge(base, json.RawMessage(tt.input)); err == nil {
					t.Fatalf("Merge(%s) succeeded", tt.input)
				}
				// Malformed JSON is refused before anything is written (a
				// type mismatch may leave earlier keys merged, as with
				// json.Unmarshal).
				if !json.Valid([]byte(tt.input)) && !reflect.DeepEqual(base, &codectypes.Variables{Note: new("prima")}) {
					t.Errorf("Merge(%s) changed the variables: %+v", tt.input, base)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%s): %v", tt.input, err)
			}
			if !reflect.DeepEqual(got, ref) {
				t.Errorf("Decode(%s)\ngot:  %+v\nwant: %+v", tt.input, got, ref)
			}
		})
	}
}

// FuzzGeneratedCodec feeds the generated decoder what the fuzzer makes of
// the variables the codec test writes: whenever encoding/json accepts the
// input the generated codec must accept it and agree, and whatever it
// decodes must encode to json.Marshal's bytes.
func FuzzGeneratedCodec(f *testing.F) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 2))
		v := new(codectypes.Variables)
		randomValue(r, reflect.ValueOf(v).Elem(), 0)
		if data, err := json.Marshal(v); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"NOTE":"\ud800","punteggi":{"a":1,"a":2},"familiari":[{"nome":"x"},{"quote":[1e400]}]}`))
	def, err := codectypes.Definition()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ref := new(codectypes.Variables)
		refErr := json.Unmarshal(data, ref)
		got, err := def.Codec.Decode(data)
		if refErr == nil && len(data) > 0 {
			if err != nil {
				t.Fatalf("Decode(%q): %v; json.Unmarshal accepts it", data, err)
			}
			if !reflect.DeepEqual(got, ref) {
				t.Fatalf("Decode(%q)\ngot:  %+v\nwant: %+v", data, got, ref)
			}
		}
		if refErr != nil && err == nil && len(data) > 0 {
			t.Fatalf("Decode(%q) accepted what json.Unmarshal refuses: %v", data, refErr)
		}
		if err != nil {
			return
		}
		enc, encErr := def.Codec.Encode(got)
		want, wantErr := json.Marshal(got)
		if (encErr != nil) != (wantErr != nil) || !bytes.Equal(enc, want) {
			t.Fatalf("Encode = %s, %v; json.Marshal = %s, %v", enc, encErr, want, wantErr)
		}
	})
}

// BenchmarkVariablesCodec encodes and decodes the same variables with the
// generated codec and with encoding/json (the runtime's default codec), in
// the same run: the reference process's variables, and variables of the
// codec bundle with every kind of type.
func BenchmarkVariablesCodec(b *testing.B) {
	ztl := &ztlaccess.Variables{Targa: new("AB123CD"), Valida: new(true)}
	all := new(codectypes.Variables)
	if err := json.Unmarshal([]byte(`{"canale":"portale","familiari":[{"nome":"Anna","carico":true,"quote":[0.5,0.25]},{"nome":"Luca"}],`+
		`"inviata":"2026-11-23T07:30:00.123+01:00","libero":{"nota":"<b>"},"livello":2,"matrice":[[1,2],[3]],"nascita":"1980-02-29",`+
		`"note":"perché \"urgente\"","punteggi":{"isee":12,"reddito":7},"richiedente":{"nome":"Mario Rossi","eta":45,"reddito":28500.75,`+
		`"residente":true,"indirizzo":{"via":"via Roma","civico":1}},"tabelle":{"allegati":["a.pdf","b.pdf"]}}`), all); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		def  func() (*runtime.Definition, error)
		v    any
		zero func() any
	}{
		{name: "ztlaccess", def: ztlaccess.Definition, v: ztl, zero: func() any { return new(ztlaccess.Variables) }},
		{name: "codectypes", def: codectypes.Definition, v: all, zero: func() any { return new(codectypes.Variables) }},
	}
	for _, c := range cases {
		def, err := c.def()
		if err != nil {
			b.Fatal(err)
		}
		data, err := json.Marshal(c.v)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/encode/generated", func(b *testing.B) {
			for b.Loop() {
				if _, err := def.Codec.Encode(c.v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/value")
		})
		b.Run(c.name+"/encode/encoding-json", func(b *testing.B) {
			for b.Loop() {
				if _, err := json.Marshal(c.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/decode/generated", func(b *testing.B) {
			for b.Loop() {
				if _, err := def.Codec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/decode/encoding-json", func(b *testing.B) {
			for b.Loop() {
				if err := json.Unmarshal(data, c.zero()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
