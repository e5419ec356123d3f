package codegen

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/celgo"
	"github.com/procedo/procedo/codegen/celrt"
	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/ident"
	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/model"
)

// ErrDiagnostics is matched by a *DiagnosticsError: the model has lint
// errors, or expressions that do not type-check against the generated
// types, and nothing was generated or loaded.
var ErrDiagnostics = errors.New("the model has errors")

// DiagnosticsError carries the diagnostics that stopped generation.
type DiagnosticsError struct {
	Path        string
	Diagnostics []lint.Diagnostic
}

func (e *DiagnosticsError) Error() string {
	var b strings.Builder
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity == lint.Error {
			n++
		}
	}
	fmt.Fprintf(&b, "%s: %d error(s)", e.Path, n)
	for _, d := range e.Diagnostics {
		if d.Severity == lint.Error {
			b.WriteString("\n")
			b.WriteString(d.String())
		}
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDiagnostics) true.
func (e *DiagnosticsError) Is(target error) bool { return target == ErrDiagnostics }

// Bundle is a procedure folder (or a bare .bpmn file) loaded, linted and
// prepared for both compilation paths: every expression type-checked
// against the Go types generated from the forms.
type Bundle struct {
	// Path is the bundle as given; Source is the name of the BPMN file in
	// generated headers (relative: "process.bpmn").
	Path, Source string
	Model        *model.Model
	// Hash is the content hash of the files of the bundle (the BPMN
	// document and the forms), "sha256:<hex>".
	Hash string
	// Files are the files the hash covers, by slash path relative to the
	// bundle (process.bpmn, forms/*.json).
	Files map[string][]byte
	// Warnings are the lint warnings of the bundle.
	Warnings  []lint.Diagnostic
	Processes []*Process
	file      string // the BPMN file as diagnostics name it (as lint does)
}

// Process is an executable process of a bundle, ready to compile.
type Process struct {
	b     *Bundle
	Model *model.Process
	// Hash identifies the definition: the bundle's hash and the process id.
	Hash string

	names   *ident.Namer
	gen     *gotype.Generator
	forms   []*form
	vars    []*variable
	varByNm map[string]*variable
	env     *celgo.Env
	miEnv   *celgo.Env // env plus the multi-instance counters (completion conditions)
	celVars map[string]*celrt.Type
	exprs   []*expr
	byExpr  map[*model.Expr]*expr
	outputs []*expr // call-activity outputs: cel-go programs only
}

type form struct {
	Name       string
	SchemaPath string // relative to the bundle, slash-separated
	UIPath     string
	Schema, UI []byte
	Type       *gotype.Type // the root type generated from the schema
	GoVar      string       // unexported name of its compiled form in generated code
}

type variable struct {
	Name   string // JSON name, the CEL variable
	GoName string // field of Variables
	Type   *gotype.Type
	Forms  []string // forms that declare it
	Source string   // file#/pointer of its schema, or the element that sets it
	Field  *gotype.Field
}

// expr is a CEL expression of the process with its compiled forms.
type expr struct {
	m      *model.Expr
	ast    *cel.Ast
	name   string // Go function name
	inner  string // name of the translated function when name wraps it
	prgNm  string // name of the cel-go program of a fallback
	fn     *celgo.Func
	why    string // why it is a fallback, "" when translated
	prg    *celrt.Program
	prgErr error
	vars   map[string]*celrt.Type // the variables the program converts
	once   sync.Once
	mi     bool // evaluated with the multi-instance counters
	role   string
	label  string
}

func (e *expr) fallback() bool { return e.fn == nil }

// Open loads the bundle at path, lints it and prepares every executable
// process. A model with lint errors, or with expressions that do not
// type-check against the generated types, returns a *DiagnosticsError.
// Other errors (a file that cannot be read) wrap model.ErrUnreadable.
func Open(path string) (*Bundle, error) {
	m, problems, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	diags := lint.Model(m, problems)
	b := &Bundle{Path: path, Model: m, Files: map[string][]byte{}}
	var errs []lint.Diagnostic
	for _, d := range diags {
		if d.Severity == lint.Error {
			errs = append(errs, d)
		} else {
			b.Warnings = append(b.Warnings, d)
		}
	}
	if len(errs) > 0 {
		return nil, &DiagnosticsError{Path: path, Diagnostics: errs}
	}
	if err := b.readFiles(); err != nil {
		return nil, err
	}
	for _, p := range m.Processes {
		if !p.Executable {
			continue
		}
		cp, ds := b.prepare(p)
		errs = append(errs, ds...)
		if cp != nil {
			b.Processes = append(b.Processes, cp)
		}
	}
	if len(errs) > 0 {
		return nil, &DiagnosticsError{Path: path, Diagnostics: errs}
	}
	if len(b.Processes) == 0 {
		return nil, &DiagnosticsError{Path: path, Diagnostics: []lint.Diagnostic{{
			Rule: "no-executable-process", Severity: lint.Error, File: b.file, Line: 1, Col: 1,
			Message: "the document has no executable process: nothing to generate; mark the process isExecutable=\"true\"",
		}}}
	}
	return b, nil
}

// readFiles reads what the hash covers and names the source.
func (b *Bundle) readFiles() error {
	bpmnPath := b.Path
	dir := b.Path
	if st, err := os.Stat(b.Path); err == nil && st.IsDir() {
		bpmnPath = filepath.Join(b.Path, model.BundleFile)
	} else {
		dir = filepath.Dir(b.Path)
	}
	b.Source = filepath.Base(bpmnPath)
	b.file = bpmnPath
	if b.Model.Source != nil && b.Model.Source.Name != "" {
		b.file = b.Model.Source.Name
	}
	data, err := os.ReadFile(bpmnPath)
	if err != nil {
		return fmt.Errorf("%w: %v", model.ErrUnreadable, err)
	}
	b.Files[b.Source] = data
	for _, f := range b.Model.Forms {
		for _, p := range []string{f.SchemaPath, f.UIPath} {
			if p == "" {
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("%w: %v", model.ErrUnreadable, err)
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil || strings.HasPrefix(rel, "..") {
				rel = "forms/" + filepath.Base(p)
			}
			b.Files[filepath.ToSlash(rel)] = data
		}
	}
	h := sha256.New()
	keys := make([]string, 0, len(b.Files))
	for k := range b.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s\x00%d\x00", k, len(b.Files[k]))
		h.Write(b.Files[k])
	}
	b.Hash = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return nil
}

func (b *Bundle) rel(path string) string {
	for k := range b.Files {
		if strings.HasSuffix(filepath.ToSlash(path), "/"+k) || filepath.ToSlash(path) == k {
			return k
		}
	}
	return filepath.Base(path)
}

// reserved are the package-level names of the files the assembly writes.
var reserved = []string{
	"Variables", "Services", "Handlers", "Definition", "MustDefinition", "Hash", "ProcessKey", "fieldErrors", "adaptService",
	"ServiceTypes", "Forms", "formValidator", "compileForms", "compiledForms", "celVars",
	"setVariable", "schemas", "json", "runtime", "forms", "celrt", "context", "fmt", "sync", "time",
	"bytes", "sort", "strings", "errors", "math", "regexp", "strconv", "utf8",
}

// prepare builds the types and checks the expressions of one process.
func (b *Bundle) prepare(p *model.Process) (*Process, []lint.Diagnostic) {
	h := sha256.Sum256([]byte(b.Hash + "\x00" + p.ID))
	cp := &Process{b: b, Model: p, Hash: "sha256:" + hex.EncodeToString(h[:]), varByNm: map[string]*variable{}, byExpr: map[*model.Expr]*expr{}}
	cp.names = ident.NewNamer(append(append([]string{}, reserved...), celgo.HelperNames()...)...)
	cp.gen = gotype.NewGenerator(cp.names)
	var diags []lint.Diagnostic
	diag := func(file string, line, col int, elem, format string, args ...any) {
		diags = append(diags, lint.Diagnostic{Rule: "codegen", Severity: lint.Error, File: file, Line: line, Col: col,
			ElementID: elem, Process: p.ID, Message: fmt.Sprintf(format, args...)})
	}
	// Forms, sorted by name (model.Forms is).
	for _, f := range b.Model.Forms {
		rel := b.rel(f.SchemaPath)
		fm := &form{Name: f.Name, SchemaPath: rel, Schema: b.Files[rel]}
		if f.UIPath != "" {
			fm.UIPath = b.rel(f.UIPath)
			fm.UI = b.Files[fm.UIPath]
		}
		t, err := cp.gen.Schema(rel, fm.Schema, ident.Exported(f.Name)+"Form")
		if err != nil {
			diag(f.SchemaPath, 1, 1, "", "cannot generate Go types from form %q: %v", f.Name, err)
			continue
		}
		fm.Type = t
		cp.forms = append(cp.forms, fm)
	}
	// Variables: the top-level properties of every form, then the
	// variables processes set (script results, call mappings), as dyn.
	fields := ident.NewNamer()
	formByName := map[string]*form{}
	for _, f := range cp.forms {
		formByName[f.Name] = f
	}
	for _, v := range b.Model.Variables {
		nv := &variable{Name: v.Name, Forms: v.Forms}
		if v.Type != nil && len(v.Forms) > 0 {
			if f := formByName[v.Forms[0]]; f != nil {
				for _, fd := range f.Type.Base().Fields {
					if fd.JSONName == v.Name {
						nv.Type, nv.Source = fd.Type, fd.Source
					}
				}
			}
		}
		if nv.Type == nil {
			nv.Type = &gotype.Type{Kind: gotype.Raw, Reason: "declared by several forms with different types, or without a type"}
			nv.Source = "forms " + strings.Join(v.Forms, ", ")
		}
		cp.addVar(fields, nv)
	}
	setters := map[string][]string{}
	for _, mp := range b.Model.Processes {
		for _, n := range mp.Nodes {
			if n.ResultVariable != "" {
				setters[n.ResultVariable] = append(setters[n.ResultVariable], fmt.Sprintf("the script task %s of process %s", n.ID, mp.ID))
			}
			if n.Call != nil {
				for _, o := range n.Call.Outputs {
					setters[o.Target] = append(setters[o.Target], fmt.Sprintf("the output of call activity %s of process %s", n.ID, mp.ID))
				}
				for _, in := range n.Call.Inputs {
					setters[in.Target] = append(setters[in.Target], fmt.Sprintf("the input of call activity %s of process %s (in the called process)", n.ID, mp.ID))
				}
			}
		}
	}
	for _, name := range b.Model.ProcessVariables() {
		if cp.varByNm[name] != nil {
			continue
		}
		src := strings.Join(setters[name], ", ")
		if src == "" {
			src = "the process"
		}
		cp.addVar(fields, &variable{Name: name, Type: &gotype.Type{Kind: gotype.Raw, Reason: "set by the process: its type is only known at run time"},
			Source: src})
	}
	var cvs []celgo.Var
	cp.celVars = map[string]*celrt.Type{}
	for _, v := range cp.vars {
		cvs = append(cvs, celgo.Var{Name: v.Name, Type: v.Type, Go: jen.Id("vars").Dot(v.GoName), Optional: true})
		cp.celVars[v.Name] = celrtType(v.Type)
	}
	// Dates are strings, as in the model's environment that lint checks
	// with: an expression that lints clean generates.
	envOpts := celgo.Options{DatesAsStrings: true}
	env, err := celgo.NewEnvWith(envOpts, cvs...)
	if err != nil {
		diag(b.file, p.Pos.Line, p.Pos.Col, p.ID, "cannot declare the variables to CEL: %v", err)
		return nil, diags
	}
	cp.env = env
	intT := &gotype.Type{Kind: gotype.Int}
	mi := append(append([]celgo.Var{}, cvs...),
		celgo.Var{Name: "nrOfInstances", Type: intT, Go: jen.Int64().Call(jen.Id("s").Dot("NrOfInstances"))},
		celgo.Var{Name: "nrOfActiveInstances", Type: intT, Go: jen.Int64().Call(jen.Id("s").Dot("NrOfActiveInstances"))},
		celgo.Var{Name: "nrOfCompletedInstances", Type: intT, Go: jen.Int64().Call(jen.Id("s").Dot("NrOfCompletedInstances"))})
	if cp.miEnv, err = celgo.NewEnvWith(envOpts, mi...); err != nil {
		diag(b.file, p.Pos.Line, p.Pos.Col, p.ID, "cannot declare the variables to CEL: %v", err)
		return nil, diags
	}
	// Expressions, in document order.
	add := func(e *model.Expr, want *cel.Type, label string, role string) {
		if e == nil {
			return
		}
		x, ds := cp.compileExpr(e, want, label, role == "completion")
		diags = append(diags, ds...)
		if x != nil {
			x.role = role
			cp.exprs = append(cp.exprs, x)
			cp.byExpr[e] = x
		}
	}
	for _, f := range p.Flows {
		if f.Condition != nil && !f.IsDefault {
			add(f.Condition, cel.BoolType, "cond "+f.ID, "cond")
		}
	}
	for _, n := range p.Nodes {
		add(n.Assignee, cel.StringType, "assignee "+n.ID, "assignee")
		add(n.CorrelationKey, nil, "key "+n.ID, "key")
		add(n.Script, nil, "script "+n.ID, "script")
		if n.Loop != nil {
			add(n.Loop.Collection, nil, "collection "+n.ID, "collection")
			add(n.Loop.Cardinality, cel.IntType, "cardinality "+n.ID, "cardinality")
			add(n.Loop.Completion, cel.BoolType, "completion "+n.ID, "completion")
		}
		if n.Call != nil {
			for _, in := range n.Call.Inputs {
				add(in.Source, nil, "input "+in.Target+" "+n.ID, "input")
			}
			for _, out := range n.Call.Outputs {
				// Evaluated over the variables of the called process,
				// which this model may not know: cel-go only.
				prg, err := celrt.Compile(out.Source.Text, nil)
				if err != nil {
					pos := out.Source.Pos
					diag(b.file, pos.Line, pos.Col, n.ID, "output %s of %s: %v", out.Target, n.ID, err)
					continue
				}
				x := &expr{m: out.Source, prg: prg, why: "evaluated over the variables of the called process", label: "output " + out.Target + " of " + n.ID}
				cp.byExpr[out.Source] = x
				cp.outputs = append(cp.outputs, x)
			}
		}
		if n.Kind == "callActivity" && n.Loop != nil {
			diag(b.file, n.Pos.Line, n.Pos.Col, n.ID, "multi-instance call activity %q is not supported by the generator: put the call activity in a multi-instance sub-process", n.ID)
		}
	}
	// Go names of the expression functions, after the form types so that
	// types keep the natural names.
	for _, x := range cp.exprs {
		x.name = cp.names.Unexported(x.label, "expr")
		x.inner = cp.names.Unexported(x.label+" value", "expr")
		x.prgNm = cp.names.Unexported(x.label+" program", "expr")
	}
	for _, x := range cp.outputs {
		x.prgNm = cp.names.Unexported(x.label+" program", "expr")
	}
	return cp, diags
}

func (cp *Process) addVar(fields *ident.Namer, v *variable) {
	v.GoName = fields.Exported(v.Name, "Var")
	v.Field = &gotype.Field{JSONName: v.Name, GoName: v.GoName, Type: v.Type, Source: v.Source}
	cp.vars = append(cp.vars, v)
	cp.varByNm[v.Name] = v
}

// compileExpr checks e against the generated types and translates it, or
// prepares its cel-go fallback.
func (cp *Process) compileExpr(e *model.Expr, want *cel.Type, label string, mi bool) (*expr, []lint.Diagnostic) {
	env := cp.env
	if mi {
		env = cp.miEnv
	}
	x := &expr{m: e, label: label, mi: mi}
	ast, err := env.Compile(e.Text)
	if err != nil {
		var ce *celgo.CheckError
		var ds []lint.Diagnostic
		if errors.As(err, &ce) {
			for _, is := range ce.Issues {
				pos := e.PosAt(offsetOf(e.Text, is.Line, is.Column))
				if mi := cp.elementVariable(e, is.Message); mi != nil {
					ds = append(ds, lint.Diagnostic{Rule: "codegen", Severity: lint.Error, File: cp.b.file, Line: pos.Line, Col: pos.Col,
						ElementID: e.ElementID, Process: cp.Model.ID,
						Message: fmt.Sprintf("%s of %q, column %d: the element variable %q of multi-instance %q cannot be read by expressions of generated code yet: services receive the index as ServiceCall.LoopCounter; read the collection there", e.Field, e.ElementID, is.Column, mi.Loop.ElementVariable, mi.ID)})
					continue
				}
				ds = append(ds, lint.Diagnostic{Rule: "cel", Severity: lint.Error, File: cp.b.file, Line: pos.Line, Col: pos.Col,
					ElementID: e.ElementID, Process: cp.Model.ID,
					Message: fmt.Sprintf("%s of %q, column %d: %s (checked against the Go types generated from the forms)", e.Field, e.ElementID, is.Column, is.Message)})
			}
		}
		if len(ds) == 0 {
			ds = append(ds, lint.Diagnostic{Rule: "cel", Severity: lint.Error, File: cp.b.file, Line: e.Pos.Line, Col: e.Pos.Col,
				ElementID: e.ElementID, Process: cp.Model.ID, Message: fmt.Sprintf("%s of %q: %v", e.Field, e.ElementID, err)})
		}
		return nil, ds
	}
	if want != nil && !ast.OutputType().IsExactType(cel.DynType) && !ast.OutputType().IsExactType(want) {
		return nil, []lint.Diagnostic{{Rule: "cel", Severity: lint.Error, File: cp.b.file, Line: e.Pos.Line, Col: e.Pos.Col,
			ElementID: e.ElementID, Process: cp.Model.ID,
			Message: fmt.Sprintf("%s of %q gives %s, want %s", e.Field, e.ElementID, ast.OutputType(), want)}}
	}
	x.ast = ast
	if want != nil && ast.OutputType().IsExactType(cel.DynType) {
		x.why = "its result is dyn: its type is only known at run time"
	}
	vars := cp.celVars
	if mi {
		vars = map[string]*celrt.Type{}
		for k, v := range cp.celVars {
			vars[k] = v
		}
		for _, n := range []string{"nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances"} {
			vars[n] = &celrt.Type{Kind: celrt.Int}
		}
	}
	// The cel-go program is compiled when the in-memory path needs it
	// (generation only embeds the source): the expression has compiled
	// above, so it parses.
	x.vars = vars
	return x, nil
}

// program returns the cel-go program of the expression, compiled once.
func (x *expr) program() (*celrt.Program, error) {
	x.once.Do(func() {
		if x.prg == nil {
			x.prg, x.prgErr = celrt.Compile(x.m.Text, x.vars)
		}
	})
	return x.prg, x.prgErr
}

// elementVariable returns the multi-instance activity, at or around the
// element of e, whose element variable the CEL message says is undeclared.
func (cp *Process) elementVariable(e *model.Expr, msg string) *model.Node {
	for n := cp.Model.Node(e.ElementID); n != nil; n = n.Parent {
		if n.Loop != nil && n.Loop.ElementVariable != "" && strings.Contains(msg, "undeclared reference to '"+n.Loop.ElementVariable+"'") {
			return n
		}
	}
	return nil
}

// translate turns the checked expressions into Go functions, once names
// are known (generation only: Load evaluates with cel-go).
func (cp *Process) translate() {
	for _, x := range cp.exprs {
		if x.ast == nil || x.why != "" {
			continue
		}
		params := []jen.Code{jen.Id("vars").Op("*").Id("Variables")}
		env := cp.env
		if x.mi {
			params = append(params, jen.Id("s").Qual(runtimePkg, "MIStatus"))
			env = cp.miEnv
		}
		out := x.ast.OutputType()
		switch {
		case x.role == "key" && !out.IsExactType(cel.StringType):
			x.why = "a correlation key of type " + out.String() + " is turned into text by cel-go"
			continue
		case x.role == "collection" && out.Kind() != types.ListKind:
			x.why = "the collection is not a list of a known type"
			continue
		}
		name := x.name
		switch x.role {
		case "script", "collection", "cardinality", "input":
			name = x.inner
		}
		fn, err := env.Translate(x.ast, name, params...)
		if err != nil {
			x.why = err.Error()
			if !errors.Is(err, celgo.ErrNotTranslatable) {
				x.why = "not translated: " + err.Error()
			}
			continue
		}
		x.fn = fn
	}
}

// offsetOf converts a 1-based line and column (code points) of text into
// a 0-based character offset.
func offsetOf(text string, line, col int) int {
	off, l, c := 0, 1, 1
	for _, r := range text {
		if l == line && c == col {
			return off
		}
		off++
		if r == '\n' {
			l++
			c = 1
		} else {
			c++
		}
	}
	return off
}

// celrtType describes a generated type to the evaluator.
func celrtType(t *gotype.Type) *celrt.Type { return celrtTypeIn(t, map[*gotype.Type]bool{}) }

func celrtTypeIn(t *gotype.Type, seen map[*gotype.Type]bool) *celrt.Type {
	if t == nil || seen[t] {
		// A recursive type is described down to its first repetition;
		// deeper values keep their JSON types.
		return &celrt.Type{Kind: celrt.Dyn}
	}
	t = t.Base()
	if t.IsEnum() {
		if t.Kind == gotype.Int {
			return &celrt.Type{Kind: celrt.Int}
		}
		return &celrt.Type{Kind: celrt.String}
	}
	switch t.Kind {
	case gotype.Bool:
		return &celrt.Type{Kind: celrt.Bool}
	case gotype.Int:
		return &celrt.Type{Kind: celrt.Int}
	case gotype.Float:
		return &celrt.Type{Kind: celrt.Double}
	case gotype.String:
		return &celrt.Type{Kind: celrt.String}
	case gotype.Date:
		// "YYYY-MM-DD", the text Date.String() gives.
		return &celrt.Type{Kind: celrt.String}
	case gotype.DateTime:
		return &celrt.Type{Kind: celrt.TimestampText}
	case gotype.Slice:
		return &celrt.Type{Kind: celrt.List, Elem: celrtTypeIn(t.Elem, seen)}
	case gotype.Map:
		return &celrt.Type{Kind: celrt.Map, Elem: celrtTypeIn(t.Elem, seen)}
	case gotype.Struct:
		seen[t] = true
		defer delete(seen, t)
		ft := map[string]*celrt.Type{}
		for _, f := range t.Fields {
			ft[f.JSONName] = celrtTypeIn(f.Type, seen)
		}
		return &celrt.Type{Kind: celrt.Object, Fields: ft}
	}
	return &celrt.Type{Kind: celrt.Dyn}
}

const (
	runtimePkg = "github.com/procedo/procedo/runtime"
	formsPkg   = "github.com/procedo/procedo/forms"
	celrtPkg   = "github.com/procedo/procedo/codegen/celrt"
)
