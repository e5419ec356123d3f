package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/render"
)

// runForms implements "procedo forms": validate data against a form, or
// render a page of it.
func runForms(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		formsUsage(stderr)
		return 2
	}
	switch args[0] {
	case "validate":
		return runFormsValidate(args[1:], stdout, stderr)
	case "render":
		return runFormsRender(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		formsUsage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "procedo forms: unknown subcommand %q\n", args[0])
	formsUsage(stderr)
	return 2
}

func formsUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  procedo forms validate --schema S [--ui U] [--lang it|en] DATA.json")
	fmt.Fprintln(w, "      exit 0: valid; 1: invalid, errors as JSON on stdout; 2: broken schema or usage")
	fmt.Fprintln(w, "  procedo forms render --schema S [--ui U] [--data D] [--step N] [--page privacy|data|summary|receipt] [--css URL]")
	fmt.Fprintln(w, "      print the HTML page of a step (1-based) for review")
}

// compileFormFlags reads --schema and --ui and compiles the form. It
// returns exit code 2 with the message on stderr when that fails.
func compileForm(schemaPath, uiPath string, lang string, stderr io.Writer) (*forms.Form, int) {
	if schemaPath == "" {
		fmt.Fprintln(stderr, "procedo forms: --schema is required")
		return nil, 2
	}
	sdata, err := os.ReadFile(schemaPath)
	if err != nil {
		fmt.Fprintf(stderr, "procedo forms: %v\n", err)
		return nil, 2
	}
	ui := forms.Source{Name: uiPath}
	if uiPath != "" {
		if ui.Data, err = os.ReadFile(uiPath); err != nil {
			fmt.Fprintf(stderr, "procedo forms: %v\n", err)
			return nil, 2
		}
	}
	f, err := forms.Compile(forms.Source{Name: schemaPath, Data: sdata}, ui, forms.Options{Lang: forms.Lang(lang)})
	if err != nil {
		fmt.Fprintf(stderr, "procedo forms: %v\n", err)
		return nil, 2
	}
	return f, 0
}

func runFormsValidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("procedo forms validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schema := fs.String("schema", "", "JSON Schema file (2020-12)")
	ui := fs.String("ui", "", "UI schema file (optional)")
	lang := fs.String("lang", "it", "language of the messages (it, en)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "procedo forms validate: give exactly one DATA.json")
		return 2
	}
	f, code := compileForm(*schema, *ui, *lang, stderr)
	if f == nil {
		return code
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "procedo forms validate: %v\n", err)
		return 2
	}
	errs, err := f.ValidateJSON(data)
	if err != nil {
		// The data file is not JSON: report it as one error on the whole
		// document, so callers always get the same JSON shape.
		errs = []forms.FieldError{{Pointer: "", Message: fs.Arg(0) + ":" + err.Error(), Keyword: "json"}}
	}
	if len(errs) == 0 {
		return 0
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(errs); err != nil {
		fmt.Fprintf(stderr, "procedo forms validate: %v\n", err)
		return 2
	}
	return 1
}

func runFormsRender(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("procedo forms render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schema := fs.String("schema", "", "JSON Schema file (2020-12)")
	ui := fs.String("ui", "", "UI schema file (optional)")
	dataPath := fs.String("data", "", "JSON data to fill the form with (optional)")
	step := fs.Int("step", 1, "data step to render, 1-based")
	page := fs.String("page", "data", "page of the flow: privacy, data, summary, receipt")
	assets := fs.String("css", "/assets/forms", "URL of the form assets (forms.css, forms.js)")
	lang := fs.String("lang", "it", "language (it, en)")
	validate := fs.Bool("errors", false, "validate the data and show its errors on the page")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "procedo forms render: unexpected arguments")
		return 2
	}
	f, code := compileForm(*schema, *ui, *lang, stderr)
	if f == nil {
		return code
	}
	r, err := render.New(f, render.Options{AssetsURL: *assets})
	if err != nil {
		fmt.Fprintf(stderr, "procedo forms render: %v\n", err)
		return 2
	}
	p := render.Page{Kind: render.Data, Step: *step - 1}
	switch *page {
	case "privacy":
		p.Kind = render.Privacy
	case "data":
		if *step < 1 || *step > len(f.Steps()) {
			fmt.Fprintf(stderr, "procedo forms render: --step %d: the form has %d steps\n", *step, len(f.Steps()))
			return 2
		}
	case "summary":
		p.Kind = render.Summary
	case "receipt":
		p.Kind = render.Receipt
		p.Receipt = render.ReceiptInfo{Number: "0000/000000"}
	default:
		fmt.Fprintf(stderr, "procedo forms render: unknown --page %q\n", *page)
		return 2
	}
	if *dataPath != "" {
		raw, err := os.ReadFile(*dataPath)
		if err != nil {
			fmt.Fprintf(stderr, "procedo forms render: %v\n", err)
			return 2
		}
		if err := json.Unmarshal(raw, &p.Data); err != nil {
			fmt.Fprintf(stderr, "procedo forms render: %s: %v\n", *dataPath, err)
			return 2
		}
		if *validate {
			p.Errors = f.Validate(p.Data)
		}
	}
	if err := r.Render(stdout, p); err != nil {
		fmt.Fprintf(stderr, "procedo forms render: %v\n", err)
		return 2
	}
	return 0
}
