package render

import (
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/procedo/procedo/forms"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageTemplate = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"text": forms.Text,
}).ParseFS(templateFS, "templates/*.html"))

// CSP is the Content-Security-Policy the pages are written for: no inline
// script or style; images may be data: URIs (Bootstrap Italia's icons).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Options describe where the pages live. The zero value is usable.
type Options struct {
	// AssetsURL is the URL of web/dist/forms (CSS, fonts, script);
	// default "/assets/forms".
	AssetsURL string
	// Action is the URL the form posts to; default "" (the page itself).
	Action string
	// BodyName is the name of the public body shown in the header.
	BodyName string
	// Title overrides the schema's title.
	Title string
	// PrivacyText is the privacy notice, paragraphs separated by blank
	// lines; default the catalogue's generic notice.
	PrivacyText string
}

// Renderer writes the pages of one form. It is safe for concurrent use.
type Renderer struct {
	form *forms.Form
	opts Options
}

// New returns a renderer of f. It fails when the schema has constructs the
// renderer does not support (see forms.UnsupportedError).
func New(f *forms.Form, opts Options) (*Renderer, error) {
	if _, err := f.Layout(); err != nil {
		return nil, err
	}
	if opts.AssetsURL == "" {
		opts.AssetsURL = "/assets/forms"
	}
	opts.AssetsURL = strings.TrimSuffix(opts.AssetsURL, "/")
	if opts.Title == "" {
		opts.Title = f.Title()
	}
	if opts.Title == "" {
		opts.Title = forms.Text(f.Lang(), "root")
	}
	return &Renderer{form: f, opts: opts}, nil
}

// Kind is the kind of a page in the flow.
type Kind int

// The pages of the flow, in order.
const (
	Privacy Kind = iota
	Data
	Summary
	Receipt
)

// Page is what one request shows.
type Page struct {
	Kind Kind
	// Step is the data step (0-based) when Kind is Data.
	Step int
	// Data is the instance so far (the draft).
	Data any
	// Errors are shown inline and in the summary at the top.
	Errors []forms.FieldError
	// Raw is what the citizen typed in fields that could not be decoded.
	Raw map[string]string
	// CSRF is the anti-forgery token of the session (see package submit).
	CSRF string
	// IdempotencyKey identifies the application across retries.
	IdempotencyKey string
	// Draft is the encoded draft carried by the page (see package submit).
	Draft string
	// Receipt is shown on the Receipt page.
	Receipt ReceiptInfo
	// Notice is a message shown above the form (e.g. "draft saved"), with
	// an optional link.
	Notice     string
	NoticeURL  string
	NoticeLink string
}

// ReceiptInfo is the outcome of a submission.
type ReceiptInfo struct {
	Number      string    // application number, e.g. "2026/000123"
	SubmittedAt time.Time // UTC
	PDFURL      string    // link to the PDF receipt ("" for none)
}

// PageID is the value of the "_page" field of a page: "privacy",
// "step-1" … "step-N", "summary", "receipt".
func PageID(kind Kind, step int) string {
	switch kind {
	case Privacy:
		return "privacy"
	case Summary:
		return "summary"
	case Receipt:
		return "receipt"
	}
	return "step-" + strconv.Itoa(step+1)
}

// ParsePageID is the inverse of PageID; ok is false for an unknown id or
// a step the form does not have.
func (r *Renderer) ParsePageID(id string) (kind Kind, step int, ok bool) {
	switch id {
	case "privacy":
		return Privacy, 0, true
	case "summary":
		return Summary, 0, true
	case "receipt":
		return Receipt, 0, true
	}
	if n, found := strings.CutPrefix(id, "step-"); found {
		i, err := strconv.Atoi(n)
		if err == nil && i >= 1 && i <= len(r.form.Steps()) {
			return Data, i - 1, true
		}
	}
	return 0, 0, false
}

// Render writes the page.
func (r *Renderer) Render(w io.Writer, p Page) error {
	v, err := r.view(p)
	if err != nil {
		return err
	}
	return pageTemplate.ExecuteTemplate(w, "page.html", v)
}

// RenderProblem writes the page shown when a request cannot go on (an
// expired session, a request too large, a server error), in the form's
// language: status selects the message ("problem.<status>" in the
// catalogue); back is the link to start again.
func (r *Renderer) RenderProblem(w io.Writer, status int, back string) error {
	lang := r.form.Lang()
	key := "problem." + strconv.Itoa(status)
	if forms.Text(lang, key) == key {
		key = "problem.500"
		if status < 500 {
			key = "problem.400"
		}
	}
	return pageTemplate.ExecuteTemplate(w, "problem.html", map[string]any{
		"Lang": lang, "Title": r.opts.Title, "BodyName": r.opts.BodyName, "Assets": r.opts.AssetsURL,
		"Heading": forms.Text(lang, "problem.title"), "Message": forms.Text(lang, key),
		"Back": back, "BackLabel": forms.Text(lang, "problem.back"),
	})
}

// --- view model: everything the templates print, already decided ---

type view struct {
	Lang        forms.Lang
	Title       string
	PageTitle   string
	BodyName    string
	Assets      string
	Action      string
	PageID      string
	CSRF        string
	Idem        string
	Draft       string
	Steps       []stepView
	StepOf      string
	Errors      []errorView
	ErrorsTitle string
	ErrorsOne   string
	ErrorsMany  string
	Kind        string
	Elements    []*elementView
	Privacy     []string
	PrivacyErr  string
	PrivacyOK   bool
	Summary     []summaryStep
	Receipt     ReceiptInfo
	ReceiptDate string
	Multipart   bool
	Notice      string
	NoticeURL   string
	NoticeLink  string
	First       bool
	Last        bool
}

type stepView struct {
	Label   string
	Current bool
	Done    bool
}

type errorView struct {
	Href    string
	Message string
}

type elementView struct {
	Kind string // group, row, vertical, label, control
	// One of these is true: booleans are much cheaper for the template
	// engine than calls of eq.
	IsGroup, IsRow, IsVertical, IsLabel, IsControl bool
	Label                                          string
	ID                                             string
	Hidden                                         bool
	Disabled                                       bool
	Rule                                           string // JSON for the script
	Children                                       []*elementView
	Field                                          *fieldView
}

type fieldView struct {
	IsInput, IsTextarea, IsSelect, IsRadio, IsCheckbox, IsFile, IsArray bool
	// Attrs and InputAttrs are attributes written by fieldAttrs, every
	// value escaped there (see attr): one template action instead of a
	// dozen conditionals per field.
	Attrs      template.HTMLAttr
	InputAttrs template.HTMLAttr
	// LabelHTML (label text and required mark) and HelpHTML (the help
	// element) are written once in Go, escaped there, for the same reason.
	LabelHTML  template.HTML
	HelpHTML   template.HTML
	ErrorBoxID string
	// HTML is the markup of the field (not lists), see field.go.
	HTML         template.HTML
	ID           string
	Name         string
	Label        string
	Help         string
	HelpID       string
	ErrorID      string
	Error        string
	Value        string
	Widget       string
	InputType    string
	InputMode    string
	Required     bool
	Checked      bool
	Disabled     bool
	Describedby  string
	Options      []optionView
	MinLength    int
	MaxLength    int
	Min          string
	Max          string
	Step         string
	Pattern      string
	Format       string
	Autocomplete string
	Choose       string
	Msg          map[string]string
	FileName     string
	Accept       string
	// array
	Items      []itemView
	LengthName string
	Length     int
	AddValue   string
	CanAdd     bool
	AddLabel   string
}

type optionView struct {
	ID       string
	Value    string
	Label    string
	Selected bool
}

type itemView struct {
	Label       string
	ID          string
	Children    []*elementView
	RemoveValue string
	RemoveLabel string
}

type summaryStep struct {
	Title string
	Step  int
	Edit  string
	Rows  []summaryRow
}

type summaryRow struct {
	Label string
	Value string
}

func (r *Renderer) view(p Page) (*view, error) {
	f := r.form
	lang := f.Lang()
	steps := f.Steps()
	v := &view{
		Lang: lang, Title: r.opts.Title, BodyName: r.opts.BodyName, Assets: r.opts.AssetsURL,
		Action: r.opts.Action, PageID: PageID(p.Kind, p.Step), CSRF: p.CSRF, Idem: p.IdempotencyKey, Draft: p.Draft,
		Notice: p.Notice, NoticeURL: p.NoticeURL, NoticeLink: p.NoticeLink,
	}
	// The flow: privacy, each data step, summary.
	labels := []string{forms.Text(lang, "step.privacy")}
	for i, s := range steps {
		l := s.Label
		if l == "" {
			l = fmt.Sprintf("%s %d", forms.Text(lang, "step.of", i+1, len(steps)), i+1)
			if len(steps) == 1 {
				l = r.opts.Title
			}
		}
		labels = append(labels, l)
	}
	labels = append(labels, forms.Text(lang, "step.summary"))
	current := 0
	switch p.Kind {
	case Data:
		if p.Step < 0 || p.Step >= len(steps) {
			return nil, fmt.Errorf("render: step %d out of range (the form has %d)", p.Step, len(steps))
		}
		current = p.Step + 1
	case Summary:
		current = len(labels) - 1
	case Receipt:
		current = len(labels)
	}
	for i, l := range labels {
		v.Steps = append(v.Steps, stepView{Label: l, Current: i == current, Done: i < current})
	}
	if current < len(labels) {
		v.PageTitle = labels[current]
		v.StepOf = forms.Text(lang, "step.of", current+1, len(labels))
	} else {
		v.PageTitle = forms.Text(lang, "receipt.title")
	}
	v.First = current == 0
	errByPtr := map[string]string{}
	for _, e := range p.Errors {
		if _, dup := errByPtr[e.Pointer]; !dup {
			errByPtr[e.Pointer] = e.Message
		}
		href := "#" + forms.FieldID(e.Pointer)
		if e.Pointer == "" && p.Kind == Privacy {
			href = "#privacy-accept"
		}
		v.Errors = append(v.Errors, errorView{Href: href, Message: e.Message})
	}
	// The script writes its own error summary with the same titles.
	v.ErrorsOne = forms.Text(lang, "errors.title.one")
	v.ErrorsMany = strings.Replace(forms.Text(lang, "errors.title", 987654321), "987654321", "%d", 1)
	if n := len(v.Errors); n == 1 {
		v.ErrorsTitle = forms.Text(lang, "errors.title.one")
	} else if n > 1 {
		v.ErrorsTitle = forms.Text(lang, "errors.title", n)
	}
	switch p.Kind {
	case Privacy:
		v.Kind = "privacy"
		text := r.opts.PrivacyText
		if text == "" {
			text = forms.Text(lang, "privacy.text")
		}
		for _, para := range strings.Split(text, "\n\n") {
			if s := strings.TrimSpace(para); s != "" {
				v.Privacy = append(v.Privacy, s)
			}
		}
		if m, ok := errByPtr[""]; ok {
			v.PrivacyErr = m
		}
	case Data:
		v.Kind = "data"
		b := &builder{r: r, data: p.Data, errs: errByPtr, raw: p.Raw, lang: lang}
		root := steps[p.Step]
		st := root.StateOf(p.Data, forms.State{Visible: true, Enabled: true})
		for _, e := range root.Elements {
			v.Elements = append(v.Elements, b.element(e, "", st))
		}
		v.Multipart = b.multipart
	case Summary:
		v.Kind = "summary"
		v.Summary = r.summary(p.Data)
		v.Last = true
	case Receipt:
		v.Kind = "receipt"
		v.Receipt = p.Receipt
		v.ReceiptDate = p.Receipt.SubmittedAt.In(rome).Format("02/01/2006 15:04")
	}
	return v, nil
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

type builder struct {
	r         *Renderer
	data      any
	errs      map[string]string
	raw       map[string]string
	lang      forms.Lang
	multipart bool
	seq       int
}

func (b *builder) element(e *forms.Element, prefix string, parent forms.State) *elementView {
	st := e.StateOf(b.data, parent)
	// Only the element whose own rule hides or disables it carries the
	// attribute: the browser applies it to the descendants, and the
	// script, toggling that one element, restores them all.
	ev := &elementView{Label: e.Label, Hidden: parent.Visible && !st.Visible, Disabled: parent.Enabled && !st.Enabled}
	if e.Rule != nil {
		js, _ := json.Marshal(map[string]any{"effect": e.Rule.Effect, "pointer": e.Rule.Pointer, "schema": e.Rule.SchemaJSON})
		ev.Rule = string(js)
		b.seq++
		ev.ID = "el" + strconv.Itoa(b.seq)
	}
	switch e.Type {
	case forms.TypeGroup, forms.TypeCategory:
		ev.Kind, ev.IsGroup = "group", true
	case forms.TypeHorizontalLayout:
		ev.Kind, ev.IsRow = "row", true
	case forms.TypeLabel:
		ev.Kind, ev.IsLabel = "label", true
		return ev
	case forms.TypeControl:
		ev.Kind, ev.IsControl = "control", true
		ev.Field = b.field(e, prefix+e.Pointer, st, ev.Disabled)
		return ev
	default:
		ev.Kind, ev.IsVertical = "vertical", true
	}
	for _, c := range e.Elements {
		ev.Children = append(ev.Children, b.element(c, prefix, st))
	}
	return ev
}

// inputTypes maps widgets to <input type>.
var inputTypes = map[string]string{
	forms.WidgetText: "text", forms.WidgetEmail: "email", forms.WidgetDate: "date",
	forms.WidgetNumber: "text", forms.WidgetFile: "file",
}

// autocomplete hints for common Italian field names (WCAG 2.1 SC 1.3.5,
// Identify Input Purpose).
var autocomplete = map[string]string{
	"nome": "given-name", "cognome": "family-name", "email": "email", "telefono": "tel",
	"data_nascita": "bday", "cap": "postal-code", "comune": "address-level2",
	"provincia": "address-level1", "indirizzo": "street-address",
}

func (b *builder) field(e *forms.Element, ptr string, st forms.State, disabled bool) *fieldView {
	lang := b.lang
	id := forms.FieldID(ptr)
	c := e.Constraints()
	label := e.Label
	fv := &fieldView{
		ID: id, Name: forms.FieldName(ptr), Label: label, Help: e.Help, Widget: e.Widget,
		InputType: inputTypes[e.Widget], Required: e.Required, Disabled: disabled || c.ReadOnly,
		MinLength: c.MinLength, MaxLength: c.MaxLength, Pattern: c.Pattern, Format: c.Format,
		Msg: map[string]string{}, Choose: forms.Text(lang, "choose"),
	}
	if toks := strings.Split(ptr, "/"); len(toks) > 0 {
		fv.Autocomplete = autocomplete[toks[len(toks)-1]]
	}
	if fv.Help != "" {
		fv.HelpID = id + "-help"
	}
	if msg, ok := b.errs[ptr]; ok {
		fv.Error = msg
		fv.ErrorID = id + "-error"
	}
	fv.Describedby = strings.TrimSpace(fv.HelpID + " " + fv.ErrorID)
	val, has := forms.Lookup(b.data, ptr)
	if raw, ok := b.raw[ptr]; ok {
		fv.Value = raw
	} else if has {
		fv.Value, _ = forms.FieldValue(e, val)
	}
	if fv.Required {
		fv.Msg["required"] = forms.Text(lang, "required", label)
	}
	if c.MinLength > 0 {
		fv.Msg["minlength"] = forms.Text(lang, "minLength", label, c.MinLength)
	}
	if c.MaxLength > 0 {
		fv.Msg["maxlength"] = forms.Text(lang, "maxLength", label, c.MaxLength)
	}
	if c.Pattern != "" {
		fv.Msg["pattern"] = forms.Text(lang, "pattern", label)
	}
	if c.Format != "" {
		key := "format." + c.Format
		if forms.Text(lang, key) != key {
			fv.Msg["format"] = forms.Text(lang, key, label)
		} else {
			fv.Msg["format"] = forms.Text(lang, "format", label, c.Format)
		}
	}
	switch e.Widget {
	case forms.WidgetNumber:
		fv.InputMode = "decimal"
		if c.Type == "integer" {
			fv.InputMode = "numeric"
			fv.Msg["number"] = forms.Text(lang, "integer.parse", label)
		} else {
			fv.Msg["number"] = forms.Text(lang, "number.parse", label)
		}
		if c.Minimum != nil {
			fv.Min = strconv.FormatFloat(*c.Minimum, 'f', -1, 64)
			fv.Msg["min"] = forms.Text(lang, "minimum", label, strings.Replace(fv.Min, ".", ",", 1))
		}
		if c.Maximum != nil {
			fv.Max = strconv.FormatFloat(*c.Maximum, 'f', -1, 64)
			fv.Msg["max"] = forms.Text(lang, "maximum", label, strings.Replace(fv.Max, ".", ",", 1))
		}
		fv.Value = strings.Replace(fv.Value, ".", ",", 1)
	case forms.WidgetDate:
		if c.DateMin != "" {
			if d, err := b.r.form.ResolveDate(c.DateMin); err == nil {
				fv.Min = d
				key := "dateMinimum"
				if c.DateMin == "today" {
					key += ".today"
				}
				fv.Msg["min"] = forms.Text(lang, key, label, forms.ItalianDate(d))
			}
		}
		if c.DateMax != "" {
			if d, err := b.r.form.ResolveDate(c.DateMax); err == nil {
				fv.Max = d
				key := "dateMaximum"
				if c.DateMax == "today" {
					key += ".today"
				}
				fv.Msg["max"] = forms.Text(lang, key, label, forms.ItalianDate(d))
			}
		}
	case forms.WidgetCheckbox:
		fv.Checked = fv.Value == "true"
		fv.Value = "true"
		if fv.Required {
			fv.Msg["required"] = forms.Text(lang, "const", label)
		}
	case forms.WidgetSelect, forms.WidgetRadio:
		for i, o := range e.Options {
			fv.Options = append(fv.Options, optionView{
				ID: id + "-" + strconv.Itoa(i), Value: o.Value, Label: o.Label, Selected: has && o.Value == fv.Value,
			})
		}
	case forms.WidgetFile:
		b.multipart = true
		fv.Accept = strings.Join(e.Accept, ",")
		if m, ok := val.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				fv.FileName = forms.Text(lang, "file.current", n)
			}
		}
		if fv.FileName != "" {
			// A file already uploaded satisfies the requirement.
			delete(fv.Msg, "required")
		}
	case forms.WidgetArray:
		arr, _ := val.([]any)
		fv.LengthName = fv.Name
		fv.Length = len(arr)
		fv.AddValue = "add:" + ptr
		fv.AddLabel = forms.Text(lang, "button.add") + " — " + label
		fv.CanAdd = st.Enabled && (c.MaxItems == 0 || len(arr) < c.MaxItems)
		for i := range arr {
			ip := ptr + "/" + strconv.Itoa(i)
			item := itemView{
				Label:       fmt.Sprintf("%s — %s", label, forms.Text(lang, "item", i+1)),
				ID:          forms.FieldID(ip),
				RemoveValue: "remove:" + ip,
				RemoveLabel: fmt.Sprintf("%s %s", forms.Text(lang, "button.remove"), strings.ToLower(forms.Text(lang, "item", i+1))),
			}
			for _, d := range e.Detail {
				item.Children = append(item.Children, b.element(d, ip, st))
			}
			fv.Items = append(fv.Items, item)
		}
	}
	switch e.Widget {
	case forms.WidgetText, forms.WidgetEmail, forms.WidgetDate, forms.WidgetNumber:
		fv.IsInput = true
	case forms.WidgetTextarea:
		fv.IsTextarea = true
	case forms.WidgetSelect:
		fv.IsSelect = true
	case forms.WidgetRadio:
		fv.IsRadio = true
	case forms.WidgetCheckbox:
		fv.IsCheckbox = true
	case forms.WidgetFile:
		fv.IsFile = true
	case forms.WidgetArray:
		fv.IsArray = true
	}
	fv.Attrs, fv.InputAttrs = fieldAttrs(fv)
	fv.LabelHTML, fv.HelpHTML = labelHelp(fv)
	fv.ErrorBoxID = fv.ID + "-error"
	if !fv.IsArray {
		fv.HTML = fieldHTML(fv)
	}
	return fv
}

// attr appends ` name="value"`, the value escaped for a double-quoted
// attribute (html.EscapeString escapes < > & ' "). Names are constants.
func attr(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	b.WriteString(html.EscapeString(value))
	b.WriteByte('"')
}

// fieldAttrs writes the attributes of a field: Attrs (state, ARIA and
// the messages of the client-side checks) and InputAttrs (the
// constraints of text-like inputs).
func fieldAttrs(fv *fieldView) (template.HTMLAttr, template.HTMLAttr) {
	var b strings.Builder
	b.WriteString(" data-field")
	if fv.Required && !fv.IsRadio {
		b.WriteString(` data-required aria-required="true"`)
	} else if fv.Required {
		b.WriteString(" data-required")
	}
	if fv.Error != "" {
		b.WriteString(` aria-invalid="true"`)
	}
	if fv.Describedby != "" {
		attr(&b, "aria-describedby", fv.Describedby)
	}
	if fv.Disabled && !fv.IsRadio {
		b.WriteString(" disabled")
	}
	for _, k := range msgKeys {
		if fv.IsRadio && k != "required" {
			continue
		}
		if m := fv.Msg[k]; m != "" {
			attr(&b, "data-msg-"+k, m)
		}
	}
	attrs := template.HTMLAttr(b.String())
	b.Reset()
	if fv.InputMode != "" {
		attr(&b, "inputmode", fv.InputMode)
		b.WriteString(" data-number")
	}
	if fv.MaxLength > 0 {
		attr(&b, "maxlength", strconv.Itoa(fv.MaxLength))
	}
	if fv.MinLength > 0 {
		attr(&b, "data-minlength", strconv.Itoa(fv.MinLength))
	}
	if fv.Pattern != "" {
		attr(&b, "data-pattern", fv.Pattern)
	}
	if fv.Format != "" && fv.IsInput {
		attr(&b, "data-format", fv.Format)
	}
	if fv.Min != "" {
		attr(&b, "data-min", fv.Min)
		if fv.Widget == forms.WidgetDate {
			attr(&b, "min", fv.Min)
		}
	}
	if fv.Max != "" {
		attr(&b, "data-max", fv.Max)
		if fv.Widget == forms.WidgetDate {
			attr(&b, "max", fv.Max)
		}
	}
	if fv.Autocomplete != "" {
		attr(&b, "autocomplete", fv.Autocomplete)
	}
	return attrs, template.HTMLAttr(b.String())
}

// labelHTML writes the label text with the required mark, and the help
// element.
func labelHelp(fv *fieldView) (template.HTML, template.HTML) {
	label := html.EscapeString(fv.Label)
	if fv.Required {
		label += `<span class="procedo-required" aria-hidden="true"> *</span>`
	}
	help := ""
	if fv.Help != "" {
		help = `<small id="` + html.EscapeString(fv.HelpID) + `" class="form-text procedo-help">` + html.EscapeString(fv.Help) + `</small>`
	}
	return template.HTML(label), template.HTML(help)
}

// msgKeys are the data-msg-* attributes, in a fixed order.
var msgKeys = []string{"required", "format", "minlength", "maxlength", "pattern", "min", "max", "number"}

// summary lists every visible answered field, by step.
func (r *Renderer) summary(data any) []summaryStep {
	f := r.form
	lang := f.Lang()
	hidden := f.Hidden(data)
	var out []summaryStep
	for i, s := range f.Steps() {
		ss := summaryStep{Title: s.Label, Step: i, Edit: "goto:" + PageID(Data, i)}
		if ss.Title == "" {
			ss.Title = r.opts.Title
		}
		var walk func(e *forms.Element, prefix string)
		walk = func(e *forms.Element, prefix string) {
			if e.Type != forms.TypeControl {
				for _, c := range e.Elements {
					walk(c, prefix)
				}
				return
			}
			ptr := prefix + e.Pointer
			for _, h := range hidden {
				if ptr == h || strings.HasPrefix(ptr, h+"/") {
					return
				}
			}
			v, ok := forms.Lookup(data, ptr)
			if e.Widget == forms.WidgetArray {
				arr, _ := v.([]any)
				for j := range arr {
					for _, d := range e.Detail {
						walk(d, ptr+"/"+strconv.Itoa(j))
					}
				}
				return
			}
			row := summaryRow{Label: e.Label, Value: forms.Text(lang, "summary.empty")}
			if ok {
				row.Value = DisplayValue(e, v, lang)
			}
			ss.Rows = append(ss.Rows, row)
		}
		walk(s, "")
		out = append(out, ss)
	}
	return out
}

// DisplayValue is how a value reads on the summary and the receipt.
func DisplayValue(e *forms.Element, v any, lang forms.Lang) string {
	switch e.Widget {
	case forms.WidgetSelect, forms.WidgetRadio:
		for _, o := range e.Options {
			if s, _ := forms.FieldValue(e, v); s == o.Value {
				return o.Label
			}
		}
	case forms.WidgetCheckbox:
		if b, _ := v.(bool); b {
			return forms.Text(lang, "yes")
		}
		return forms.Text(lang, "no")
	case forms.WidgetDate:
		if s, ok := v.(string); ok {
			return forms.ItalianDate(s)
		}
	case forms.WidgetFile:
		if m, ok := v.(map[string]any); ok {
			name, _ := m["name"].(string)
			return name
		}
	case forms.WidgetNumber:
		s, _ := forms.FieldValue(e, v)
		if lang == forms.Italian {
			return strings.Replace(s, ".", ",", 1)
		}
		return s
	}
	if s, ok := v.(string); ok {
		return s
	}
	js, _ := json.Marshal(v)
	return string(js)
}

// Section is the answers of one step, as the summary page and the
// receipt show them.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one answer.
type Row struct {
	Label string
	Value string
}

// Summary returns the visible answers of data, step by step.
func (r *Renderer) Summary(data any) []Section {
	var out []Section
	for _, s := range r.summary(data) {
		sec := Section{Title: s.Title}
		for _, row := range s.Rows {
			sec.Rows = append(sec.Rows, Row(row))
		}
		out = append(out, sec)
	}
	return out
}

// Form is the form the renderer writes.
func (r *Renderer) Form() *forms.Form { return r.form }

// Options are the renderer's options, defaults applied.
func (r *Renderer) Options() Options { return r.opts }
