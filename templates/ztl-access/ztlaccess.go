package ztlaccess

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/format"
	"github.com/procedo/procedo/forms/receipt"
	"github.com/procedo/procedo/runtime"
)

// Bundle is the model folder: process.bpmn, forms/, scenarios/.
//
//go:embed process.bpmn forms scenarios
var Bundle embed.FS

// ProcessKey is the BPMN process id.
const ProcessKey = "ztl-access"

// Service types (procedo:type) of the process.
const (
	TypeVerificaTarga    = "ztl.verifica-targa"
	TypeRilascioPermesso = "ztl.rilascio-permesso"
)

// Hash is the content hash of the bundle: SHA-256 over the sorted file
// paths and contents. It identifies the version.
func Hash() string {
	h := sha256.New()
	var paths []string
	_ = fs.WalkDir(Bundle, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	for _, p := range paths {
		data, _ := Bundle.ReadFile(p)
		fmt.Fprintf(h, "%d:%s;%d:", len(p), p, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Form compiles the form name of the bundle (with its UI schema when
// present).
func Form(name string, opts forms.Options) (*forms.Form, error) {
	schema, err := Bundle.ReadFile("forms/" + name + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("ztl-access: form %s: %w", name, err)
	}
	var ui forms.Source
	if data, err := Bundle.ReadFile("forms/" + name + ".ui.json"); err == nil {
		ui = forms.Source{Name: "forms/" + name + ".ui.json", Data: data}
	}
	return forms.Compile(forms.Source{Name: "forms/" + name + ".schema.json", Data: schema}, ui, opts)
}

// FormNames are the forms of the bundle.
var FormNames = []string{"domanda", "esito", "checklist", "integrazione"}

// Phases are the citizen-facing labels of the elements (procedo:phase).
var Phases = map[string]string{
	"Domanda":       "Domanda ricevuta",
	"VerificaTarga": "Verifica del veicolo",
	"Istruttoria":   "In istruttoria presso la Polizia Locale",
	"Integrazione":  "In attesa della tua integrazione",
	"Rilascio":      "Rilascio del permesso",
	"Rilasciato":    "Conclusa: permesso rilasciato",
	"Respinta":      "Conclusa: domanda respinta",
}

// Checklists maps a user task to its checklist form (procedo:checklist).
var Checklists = map[string]string{"Istruttoria": "checklist"}

// Vehicle is a record of the vehicle registry.
type Vehicle struct {
	Plate    string
	Fuel     string
	Euro     int
	Stolen   bool
	Reported string // free text of the registry
}

// Registry is a simulated vehicle registry (the Motorizzazione's
// archive): a map of plates, safe for concurrent use. Unknown plates are
// not registered.
type Registry struct {
	mu       sync.RWMutex
	vehicles map[string]Vehicle
}

// DemoRegistry returns a registry where every well-formed plate is
// registered (Euro 6, petrol) except those starting with "ZZ", which are
// unknown, and "XX", which are reported stolen.
func DemoRegistry() *Registry { return &Registry{vehicles: map[string]Vehicle{}} }

// Put adds or replaces a vehicle.
func (r *Registry) Put(v Vehicle) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.vehicles[normPlate(v.Plate)] = v
}

func normPlate(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }

// Lookup returns the record of a plate.
func (r *Registry) Lookup(plate string) (Vehicle, bool) {
	p := normPlate(plate)
	r.mu.RLock()
	v, ok := r.vehicles[p]
	r.mu.RUnlock()
	if ok {
		return v, true
	}
	switch {
	case format.Targa(p) != nil || strings.HasPrefix(p, "ZZ"):
		return Vehicle{}, false
	case strings.HasPrefix(p, "XX"):
		return Vehicle{Plate: p, Fuel: "benzina", Euro: 6, Stolen: true, Reported: "veicolo segnalato come rubato"}, true
	}
	return Vehicle{Plate: p, Fuel: "benzina", Euro: 6}, true
}

// DocumentAdder stores a document of a case (the server passes the
// engine's AddDocument).
type DocumentAdder func(ctx context.Context, body, instanceID, name, mediaType string, content []byte) error

// Services implements the service tasks of the procedure.
type Services struct {
	Registry *Registry
	AddDoc   DocumentAdder
	BodyName func(body string) string
	Now      func() time.Time
}

// VerificaTarga (ztl.verifica-targa) looks the plate up and records the
// outcome in the variable "verifica": the official reads it in the
// review, it does not decide the case.
func (s *Services) VerificaTarga(_ context.Context, call *runtime.ServiceCall, v *runtime.JSON) error {
	plate := str(*v, "veicolo", "targa")
	rec, ok := s.Registry.Lookup(plate)
	out := map[string]any{"targa": normPlate(plate)}
	switch {
	case !ok:
		out["esito"], out["messaggio"] = "non_trovata", "Targa non presente nell'archivio veicoli"
	case rec.Stolen:
		out["esito"], out["messaggio"] = "segnalata", "Targa segnalata: "+rec.Reported
	default:
		out["esito"], out["messaggio"] = "regolare", fmt.Sprintf("Veicolo registrato, alimentazione %s, Euro %d", rec.Fuel, rec.Euro)
	}
	(*v)["verifica"] = out
	return nil
}

// RilascioPermesso (ztl.rilascio-permesso) issues the permit: a number,
// a validity of one year, and the PDF added to the case as document
// "permesso". A repeated attempt (same idempotency key) issues the same
// permit.
func (s *Services) RilascioPermesso(ctx context.Context, call *runtime.ServiceCall, v *runtime.JSON) error {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	number := "ZTL-" + call.BusinessKey
	from := now.In(rome).Format("2006-01-02")
	to := now.In(rome).AddDate(1, 0, 0).Format("2006-01-02")
	permesso := map[string]any{"numero": number, "valido_dal": from, "valido_al": to, "targa": normPlate(str(*v, "veicolo", "targa"))}
	(*v)["permesso"] = permesso
	if s.AddDoc == nil {
		return nil
	}
	bodyName := call.Body
	if s.BodyName != nil {
		bodyName = s.BodyName(call.Body)
	}
	rc := &receipt.Receipt{Lang: forms.Italian, BodyName: bodyName, Title: "Permesso di accesso alla ZTL", Number: number, SubmittedAt: now,
		Sections: []receipt.Section{{Title: "Permesso", Rows: []receipt.Row{
			{Label: "Titolare", Value: str(*v, "richiedente", "nome") + " " + str(*v, "richiedente", "cognome")},
			{Label: "Codice fiscale", Value: str(*v, "richiedente", "codice_fiscale")},
			{Label: "Targa", Value: normPlate(str(*v, "veicolo", "targa"))},
			{Label: "Valido dal", Value: forms.ItalianDate(from)},
			{Label: "Valido al", Value: forms.ItalianDate(to)},
			{Label: "Domanda", Value: call.BusinessKey},
		}}}}
	var buf bytes.Buffer
	if err := receipt.Write(&buf, rc); err != nil {
		return fmt.Errorf("permit PDF: %w", err)
	}
	return s.AddDoc(ctx, call.Body, call.InstanceID, "permesso", "application/pdf", buf.Bytes())
}

// Handlers binds the service types to s.
func (s *Services) Handlers() map[string]runtime.Handler {
	return map[string]runtime.Handler{
		TypeVerificaTarga:    runtime.Service(s.VerificaTarga),
		TypeRilascioPermesso: runtime.Service(s.RilascioPermesso),
	}
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// str reads a string at a path of a JSON object.
func str(v map[string]any, path ...string) string {
	var cur any = v
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	s, _ := cur.(string)
	return s
}

// validator adapts forms to runtime.FormValidator. A task with a
// checklist accepts one payload holding the fields of both forms: each
// top-level field is validated by the form that declares it.
type validator struct{ forms []*forms.Form }

func (v validator) Validate(payload json.RawMessage) []runtime.FieldError {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil {
		return []runtime.FieldError{{Pointer: "", Message: "Il contenuto non è un oggetto JSON valido"}}
	}
	var out []runtime.FieldError
	claimed := map[string]bool{}
	for _, f := range v.forms {
		part := map[string]json.RawMessage{}
		for _, c := range f.Controls() {
			top := strings.SplitN(strings.TrimPrefix(c.Pointer, "/"), "/", 2)[0]
			if raw, ok := obj[top]; ok {
				part[top] = raw
			}
			claimed[top] = true
		}
		data, _ := json.Marshal(part)
		errs, err := f.ValidateJSON(data)
		if err != nil {
			out = append(out, runtime.FieldError{Pointer: "", Message: err.Error()})
			continue
		}
		for _, e := range errs {
			out = append(out, runtime.FieldError{Pointer: e.Pointer, Message: e.Message})
		}
	}
	for k := range obj {
		if !claimed[k] {
			out = append(out, runtime.FieldError{Pointer: "/" + k, Message: "Campo non previsto dal modulo"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

// Definition builds the runtime definition of process.bpmn.
//
// TEMPORARY (see the package doc): hand-written until procedo gen
// generates it. Every element id, flow id and attribute mirrors the BPMN.
func Definition(opts forms.Options) (*runtime.Definition, error) {
	compiled := map[string]*forms.Form{}
	for _, n := range FormNames {
		f, err := Form(n, opts)
		if err != nil {
			return nil, err
		}
		compiled[n] = f
	}
	decisione := func(want string) func(v *runtime.JSON) (bool, error) {
		return func(v *runtime.JSON) (bool, error) { return str(*v, "esito", "decisione") == want, nil }
	}
	b := runtime.NewBuilder[runtime.JSON](ProcessKey, "Permesso di accesso alla ZTL").Hash(Hash()).Term("P30D")
	b.StartEvent("Domanda").Named("Domanda presentata").Form("domanda", validator{[]*forms.Form{compiled["domanda"]}})
	b.ServiceTask("VerificaTarga", TypeVerificaTarga).Named("Verifica targa")
	b.ExclusiveGateway("Riesame").Named("Prima istruttoria o riesame")
	b.UserTask("Istruttoria").Named("Istruttoria").Offices("Polizia Locale").SLA("P10D").
		Form("esito", validator{[]*forms.Form{compiled["esito"], compiled["checklist"]}})
	b.ExclusiveGateway("Esito").Named("Esito dell'istruttoria").Default("F_Rigetto")
	b.UserTask("Integrazione").Named("Integrazione documentale").Suspends().
		Assignee(func(v *runtime.JSON) (string, error) { return str(*v, "richiedente", "codice_fiscale"), nil }).
		Form("integrazione", validator{[]*forms.Form{compiled["integrazione"]}})
	b.ServiceTask("Rilascio", TypeRilascioPermesso).Named("Rilascio del permesso")
	b.EndEvent("Rilasciato").Named("Permesso rilasciato")
	b.EndEvent("Respinta").Named("Domanda respinta")
	b.Flow("F_Domanda_Verifica", "Domanda", "VerificaTarga")
	b.Flow("F_Verifica_Istruttoria", "VerificaTarga", "Riesame")
	b.Flow("F_Riesame_Istruttoria", "Riesame", "Istruttoria")
	b.Flow("F_Istruttoria_Esito", "Istruttoria", "Esito")
	b.FlowIf("F_Accolta", "Esito", "Rilascio", `esito.decisione == "accolta"`, decisione("accolta"))
	b.FlowIf("F_Integrazione", "Esito", "Integrazione", `esito.decisione == "integrazione"`, decisione("integrazione"))
	b.Flow("F_Rigetto", "Esito", "Respinta")
	b.Flow("F_Integrazione_Istruttoria", "Integrazione", "Riesame")
	b.Flow("F_Rilascio_Fine", "Rilascio", "Rilasciato")
	return b.Build()
}
