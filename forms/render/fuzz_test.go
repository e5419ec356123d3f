package render

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/procedo/procedo/forms"
)

// FuzzRender renders every page of the realistic form with arbitrary JSON
// as data (a forged or stale draft): no panic, no error.
func FuzzRender(f *testing.F) {
	form, r, data := ztl(f)
	seed, _ := json.Marshal(data)
	f.Add(string(seed))
	f.Add(`{"veicolo":{"intestatario_diverso":"yes"},"altri_allegati":{"0":1},"titolo":["x"]}`)
	f.Add(`[1,2,3]`)
	f.Add(`{"altri_allegati":[null,7,"x",{"descrizione":{"a":1}}],"documento_identita":"x"}`)
	f.Fuzz(func(t *testing.T, js string) {
		var v any
		if json.Unmarshal([]byte(js), &v) != nil {
			return
		}
		errs := form.Validate(v)
		pages := []Page{{Kind: Privacy}, {Kind: Summary, Data: v}}
		for i := range form.Steps() {
			pages = append(pages, Page{Kind: Data, Step: i, Data: v, Errors: errs})
		}
		for _, p := range pages {
			if err := r.Render(io.Discard, p); err != nil {
				t.Fatalf("%s: %v", PageID(p.Kind, p.Step), err)
			}
		}
		_ = form.Encode(v, forms.AllSteps)
	})
}
