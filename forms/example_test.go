package forms_test

import (
	"fmt"
	"net/url"

	"github.com/procedo/procedo/forms"
)

func ExampleCompile() {
	schema := []byte(`{
		"type": "object",
		"properties": {
			"codice_fiscale": {"type": "string", "format": "codice-fiscale"},
			"nascita": {"type": "string", "format": "date", "dateMaximum": "today"}
		},
		"required": ["codice_fiscale"]
	}`)
	ui := []byte(`{"type": "VerticalLayout", "elements": [
		{"type": "Control", "scope": "#/properties/codice_fiscale", "label": "Codice fiscale del richiedente"},
		{"type": "Control", "scope": "#/properties/nascita", "label": "Data di nascita"}
	]}`)
	f, err := forms.Compile(forms.Source{Name: "domanda.schema.json", Data: schema}, forms.Source{Name: "domanda.ui.json", Data: ui}, forms.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range f.Validate(map[string]any{"nascita": "2999-01-01"}) {
		fmt.Printf("%s: %s\n", e.Pointer, e.Message)
	}
	// Output:
	// /codice_fiscale: Il campo «Codice fiscale del richiedente» è obbligatorio.
	// /nascita: Il campo «Data di nascita» non può essere una data futura.
}

func ExampleCompile_brokenSchema() {
	_, err := forms.Compile(forms.Source{Name: "domanda.schema.json", Data: []byte("{\n  \"type\": \"objet\"\n}")}, forms.Source{}, forms.Options{})
	fmt.Println(err)
	// Output:
	// domanda.schema.json:2:11 (at /type): not a valid JSON Schema: value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'
}

func ExampleForm_Decode() {
	f, _ := forms.Compile(forms.Source{Data: []byte(`{"type": "object", "properties": {
		"importo": {"type": "number"},
		"figli": {"type": "array", "items": {"type": "string"}}
	}}`)}, forms.Source{}, forms.Options{})
	post := url.Values{"$/importo": {"12,50"}, "$/figli": {"2"}, "$/figli/0": {"Anna"}, "$/figli/1": {"Luca"}}
	d := f.Decode(nil, post, nil, forms.AllSteps)
	fmt.Println(d.Data)
	// Output:
	// map[figli:[Anna Luca] importo:12.5]
}
