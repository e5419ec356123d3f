package forms

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeRealisticPost(t *testing.T) {
	f := ztlForm(t)
	// Step 2 (Veicolo) as a browser posts it, urlencoded.
	body := "_page=step-2&%24%2Fveicolo%2Ftarga=ab123cd&%24%2Fveicolo%2Ftipo=%22autovettura%22" +
		"&%24%2Fveicolo%2Falimentazione=%22elettrica%22&%24%2Fveicolo%2Feuro=6" +
		"&%24%2Fveicolo%2Fintestatario_diverso=true&%24%2Fveicolo%2Fintestatario_nome=Anna+Bianchi" +
		"&%24%2Fveicolo%2Fintestatario_cf=&%24%2Fextra=ignored"
	vals, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]any{"titolo": "residente", "veicolo": map[string]any{"targa": "OLD"}}
	got := f.Decode(base, vals, nil, 1)
	if len(got.Errors) != 0 {
		t.Fatalf("errors: %v", got.Errors)
	}
	want := map[string]any{
		"titolo": "residente",
		"veicolo": map[string]any{
			"targa": "ab123cd", "tipo": "autovettura", "alimentazione": "elettrica", "euro": 6.0,
			"intestatario_diverso": true, "intestatario_nome": "Anna Bianchi",
		},
	}
	if !reflect.DeepEqual(canonical(t, got.Data), canonical(t, want)) {
		t.Fatalf("got %s\nwant %s", mustJSON(got.Data), mustJSON(want))
	}
	if base["veicolo"].(map[string]any)["targa"] != "OLD" {
		t.Fatal("Decode modified base")
	}
}

func TestDecodeValues(t *testing.T) {
	schema := `{"type":"object","properties":{
		"n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},
		"d":{"type":"string","format":"date"},"s":{"type":"string"},
		"c":{"enum":[1,"uno",null,true]},
		"tags":{"type":"array","items":{"type":"string"}},
		"people":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}}}},
		"doc":{"type":"object","x-procedo-file":{},"properties":{"name":{"type":"string"}}}
	}}`
	f, err := Compile(Source{Data: []byte(schema)}, Source{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		fields   string
		files    map[string]FileRef
		want     string // JSON of the data
		wantErrs []string
	}{
		{name: "decimal comma", fields: "$/n=12,5", want: `{"b":false,"n":12.5}`},
		{name: "decimal dot", fields: "$/n=-0.25", want: `{"b":false,"n":-0.25}`},
		{name: "empty number is no answer", fields: "$/n=", want: `{"b":false}`},
		{name: "letters in a number", fields: "$/n=dodici", want: `{"b":false}`, wantErrs: []string{"/n: Il campo «N» deve essere un numero, per esempio 12 o 12,5."}},
		{name: "decimal in an integer", fields: "$/i=1,5", want: `{"b":false}`, wantErrs: []string{"/i: Il campo «I» deve essere un numero intero."}},
		{name: "checkbox ticked", fields: "$/b=true", want: `{"b":true}`},
		{name: "date and text", fields: "$/d=2026-01-31&$/s=ciao", want: `{"b":false,"d":"2026-01-31","s":"ciao"}`},
		{name: "choice of a number", fields: "$/c=1", want: `{"b":false,"c":1}`},
		{name: "choice of null", fields: "$/c=null", want: `{"b":false,"c":null}`},
		{name: "forged choice", fields: "$/c=2", want: `{"b":false}`, wantErrs: []string{"/c: Il campo «C» deve essere una delle scelte proposte."}},
		{name: "list with an empty item", fields: "$/tags=3&$/tags/0=a&$/tags/1=&$/tags/2=c", want: `{"b":false,"tags":["a","","c"]}`},
		{name: "list of objects", fields: "$/people=2&$/people/0/name=Ada&$/people/0/age=36&$/people/1/name=Bruno", want: `{"b":false,"people":[{"name":"Ada","age":36},{"name":"Bruno"}]}`},
		{name: "bad list length", fields: "$/tags=-1", want: `{"b":false}`, wantErrs: []string{"/tags: Il campo «Tags» non è valido."}},
		{name: "huge list length", fields: "$/tags=99999999", want: `{"b":false}`, wantErrs: []string{"/tags: Il campo «Tags» non è valido."}},
		{name: "item error has the item pointer", fields: "$/people=1&$/people/0/age=x", want: `{"b":false,"people":[{}]}`, wantErrs: []string{"/people/0/age: Il campo «Age» deve essere un numero intero."}},
		{name: "file", files: map[string]FileRef{"$/doc": {Name: "a.pdf", ContentType: "application/pdf", Size: 3, SHA256: "ab"}}, want: `{"b":false,"doc":{"name":"a.pdf","contentType":"application/pdf","size":3,"sha256":"ab"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals, err := url.ParseQuery(tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Decode(nil, vals, tc.files, AllSteps)
			if mustJSON(canonical(t, got.Data)) != mustJSON(canonical(t, jsonValue(t, tc.want))) {
				t.Fatalf("got %s, want %s", mustJSON(got.Data), tc.want)
			}
			var errs []string
			for _, e := range got.Errors {
				errs = append(errs, e.Pointer+": "+e.Message)
			}
			if strings.Join(errs, "\n") != strings.Join(tc.wantErrs, "\n") {
				t.Fatalf("errors %q, want %q", errs, tc.wantErrs)
			}
			for _, e := range got.Errors {
				if _, ok := got.Raw[e.Pointer]; !ok {
					t.Fatalf("the raw text of %s is not kept", e.Pointer)
				}
			}
		})
	}
}

func jsonValue(t testing.TB, s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAddRemoveItems(t *testing.T) {
	f := ztlForm(t)
	var data any = map[string]any{}
	data = f.AddItem(data, "/altri_allegati")
	data = f.AddItem(data, "/altri_allegati")
	data.(map[string]any)["altri_allegati"].([]any)[1] = map[string]any{"descrizione": "seconda"}
	if mustJSON(data) != `{"altri_allegati":[{},{"descrizione":"seconda"}]}` {
		t.Fatalf("after add: %s", mustJSON(data))
	}
	data = f.RemoveItem(data, "/altri_allegati/0")
	if mustJSON(data) != `{"altri_allegati":[{"descrizione":"seconda"}]}` {
		t.Fatalf("after remove: %s", mustJSON(data))
	}
	for i := 0; i < 10; i++ {
		data = f.AddItem(data, "/altri_allegati")
	}
	if n := len(data.(map[string]any)["altri_allegati"].([]any)); n != 5 {
		t.Fatalf("maxItems 5 not respected: %d items", n)
	}
	// Pointers that are not arrays change nothing.
	if got := f.RemoveItem(data, "/richiedente/nome"); !reflect.DeepEqual(got, data) {
		t.Fatal("RemoveItem of a non-item changed the data")
	}
}

func TestRealisticRoundTrip(t *testing.T) {
	f := ztlForm(t)
	inst := canonical(t, ztlData(t))
	for step := range f.Steps() {
		fields := f.Encode(inst, step)
		base := stripStep(f, inst, step)
		got := f.Decode(base, fields, nil, step)
		if len(got.Errors) != 0 {
			t.Fatalf("step %d: %v", step, got.Errors)
		}
		if !reflect.DeepEqual(canonical(t, got.Data), inst) {
			t.Fatalf("step %d:\n got %s\nwant %s", step, mustJSON(got.Data), mustJSON(inst))
		}
	}
}

func stripStep(f *Form, inst any, step int) any {
	var ptrs []string
	for _, c := range f.controlsOf(step) {
		if c.Widget != WidgetFile {
			ptrs = append(ptrs, c.Pointer)
		}
	}
	return prune(inst, ptrs)
}

// FuzzDecode feeds arbitrary posts to the decoder of the realistic form:
// it must never panic, and whatever it returns must be JSON.
func FuzzDecode(f *testing.F) {
	form := ztlForm(f)
	inst := ztlData(f)
	for step := range form.Steps() {
		f.Add(form.Encode(inst, step).Encode(), step)
	}
	f.Add("$/altri_allegati=3&$/altri_allegati/2/descrizione=x", 3)
	f.Add("$/veicolo/euro=1e400&$/veicolo/tipo=%7B%7D", 1)
	f.Add("$=1&$/=2&$//=3&$/richiedente~1x=4", -1)
	f.Fuzz(func(t *testing.T, body string, step int) {
		vals, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		if step < -1 || step > 3 {
			step = -1
		}
		got := form.Decode(inst, vals, nil, step)
		if _, err := json.Marshal(got.Data); err != nil {
			t.Fatalf("decoded data is not JSON: %v", err)
		}
		_ = form.Validate(got.Data)
	})
}
