package ztlaccess

import (
	"archive/zip"
	"bytes"
	"context"
	"embed"
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
	generated "github.com/procedo/procedo/templates/ztl-access/gen/ztlaccess"
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
	TypeNotificaDiniego  = "ztl.notifica-diniego"
)

// Definition returns the runtime definition generated from process.bpmn
// (package gen/ztlaccess, by procedo gen).
func Definition() (*runtime.Definition, error) { return generated.Definition() }

// Forms returns the compiled forms of the bundle by name.
func Forms() (map[string]*forms.Form, error) { return generated.Forms() }

// BundleZip is the bundle as a zip archive, as it is stored with a
// deployment: deterministic (sorted paths, zero times), so that the same
// bundle always gives the same bytes.
func BundleZip() ([]byte, error) {
	var paths []string
	err := fs.WalkDir(Bundle, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range paths {
		data, err := Bundle.ReadFile(p)
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Phases are the citizen-facing labels of the elements (procedo:phase).
var Phases = map[string]string{
	"Domanda":       "Domanda ricevuta",
	"VerificaTarga": "Verifica del veicolo",
	"Istruttoria":   "In istruttoria presso la Polizia Locale",
	"Integrazione":  "In attesa della tua integrazione",
	"Rilascio":      "Rilascio del permesso",
	"Rilasciato":    "Conclusa: permesso rilasciato",
	"Diniego":       "Notifica del diniego",
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

// Compile-time guard: Services implements the generated interface.
var _ generated.Services = (*Services)(nil)

// VerificaTarga (ztl.verifica-targa) looks the plate up and records the
// outcome in the variable "verifica": the official reads it in the
// review, it does not decide the case.
func (s *Services) VerificaTarga(_ context.Context, _ *runtime.ServiceCall, v *generated.Variables) error {
	var plate string
	if v.Veicolo != nil {
		plate = v.Veicolo.Targa
	}
	rec, ok := s.Registry.Lookup(plate)
	out := &generated.ServiziFormVerifica{Targa: normPlate(plate)}
	switch {
	case !ok:
		out.Esito, out.Messaggio = "non_trovata", "Targa non presente nell'archivio veicoli"
	case rec.Stolen:
		out.Esito, out.Messaggio = "segnalata", "Targa segnalata: "+rec.Reported
	default:
		out.Esito, out.Messaggio = "regolare", fmt.Sprintf("Veicolo registrato, alimentazione %s, Euro %d", rec.Fuel, rec.Euro)
	}
	v.Verifica = out
	return nil
}

// RilascioPermesso (ztl.rilascio-permesso) issues the permit: a number,
// a validity of one year, and the PDF added to the case as document
// "permesso". A repeated attempt (same idempotency key) issues the same
// permit.
func (s *Services) RilascioDelPermesso(ctx context.Context, call *runtime.ServiceCall, v *generated.Variables) error {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	var r generated.DomandaFormRichiedente
	if v.Richiedente != nil {
		r = *v.Richiedente
	}
	var plate string
	if v.Veicolo != nil {
		plate = normPlate(v.Veicolo.Targa)
	}
	number := "ZTL-" + call.BusinessKey
	day := func(t time.Time) generated.Date {
		return generated.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	fromT := now.In(rome)
	toT := fromT.AddDate(1, 0, 0)
	from, to := fromT.Format("2006-01-02"), toT.Format("2006-01-02")
	v.Permesso = &generated.ServiziFormPermesso{Numero: number, Targa: plate, ValidoDal: day(fromT), ValidoAl: day(toT)}
	if s.AddDoc == nil {
		return nil
	}
	bodyName := call.Body
	if s.BodyName != nil {
		bodyName = s.BodyName(call.Body)
	}
	rc := &receipt.Receipt{Lang: forms.Italian, BodyName: bodyName, Title: "Permesso di accesso alla ZTL", Number: number, SubmittedAt: now,
		Sections: []receipt.Section{{Title: "Permesso", Rows: []receipt.Row{
			{Label: "Titolare", Value: r.Nome + " " + r.Cognome},
			{Label: "Codice fiscale", Value: r.CodiceFiscale},
			{Label: "Targa", Value: plate},
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

// ProvvedimentoDiDiniego (ztl.notifica-diniego) writes the notice of
// rejection with the official's reasons (art. 3 L. 241/1990: every
// decision states its reasons) as the PDF document "diniego" of the case.
// A repeated attempt adds nothing new (AddDoc keeps the first).
func (s *Services) ProvvedimentoDiDiniego(ctx context.Context, call *runtime.ServiceCall, v *generated.Variables) error {
	if s.AddDoc == nil {
		return nil
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	var r generated.DomandaFormRichiedente
	if v.Richiedente != nil {
		r = *v.Richiedente
	}
	var plate, reasons string
	if v.Veicolo != nil {
		plate = normPlate(v.Veicolo.Targa)
	}
	if v.Esito != nil {
		reasons = v.Esito.Motivazione
	}
	bodyName := call.Body
	if s.BodyName != nil {
		bodyName = s.BodyName(call.Body)
	}
	rc := &receipt.Receipt{Lang: forms.Italian, BodyName: bodyName, Title: "Diniego del permesso di accesso alla ZTL", Number: call.BusinessKey, SubmittedAt: now,
		Sections: []receipt.Section{{Title: "Provvedimento", Rows: []receipt.Row{
			{Label: "Richiedente", Value: r.Nome + " " + r.Cognome},
			{Label: "Codice fiscale", Value: r.CodiceFiscale},
			{Label: "Targa", Value: plate},
			{Label: "Esito", Value: "Domanda respinta"},
			{Label: "Motivazione", Value: reasons},
			{Label: "Ricorso", Value: "Entro 60 giorni al TAR competente o entro 120 giorni al Presidente della Repubblica."},
		}}}}
	var buf bytes.Buffer
	if err := receipt.Write(&buf, rc); err != nil {
		return fmt.Errorf("notice PDF: %w", err)
	}
	return s.AddDoc(ctx, call.Body, call.InstanceID, "diniego", "application/pdf", buf.Bytes())
}

// Handlers binds the service types to s, through the generated adapter.
func (s *Services) Handlers() map[string]runtime.Handler { return generated.Handlers(s) }

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()
