package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/flow"
	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/forms/submit"
	formsdist "github.com/procedo/procedo/web/dist/forms"
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
	case "serve":
		return runFormsServe(args[1:], stdout, stderr)
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
	fmt.Fprintln(w, "  procedo forms serve --schema S [--ui U] [--addr 127.0.0.1:8089] [--body NAME]")
	fmt.Fprintln(w, "      serve the whole flow with an in-memory store, to try a form in a browser")
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

// runFormsServe serves the whole flow of one form on a local address, with
// the store in memory: a preview for analysts and reviewers, not the
// portal (which is procedo serve).
func runFormsServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("procedo forms serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schema := fs.String("schema", "", "JSON Schema file (2020-12)")
	ui := fs.String("ui", "", "UI schema file (optional)")
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on")
	body := fs.String("body", "Comune di prova", "name of the public body in the header")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f, code := compileForm(*schema, *ui, "it", stderr)
	if f == nil {
		return code
	}
	h, err := previewHandler(f, *body)
	if err != nil {
		fmt.Fprintf(stderr, "procedo forms serve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "procedo forms serve: http://%s/ (in-memory store, Ctrl-C to stop)\n", *addr)
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintf(stderr, "procedo forms serve: %v\n", err)
		return 1
	}
	return 0
}

// previewHandler is the preview site: the flow at /, the assets at
// /assets/forms/, a session cookie per browser.
func previewHandler(f *forms.Form, bodyName string) (http.Handler, error) {
	r, err := render.New(f, render.Options{BodyName: bodyName, AssetsURL: "/assets/forms"})
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	csrf, err := submit.NewCSRF(key, 0)
	if err != nil {
		return nil, err
	}
	drafts, err := submit.NewDrafts(key, 0)
	if err != nil {
		return nil, err
	}
	store := submit.NewMemoryStore()
	h, err := flow.New(flow.Config{
		Renderer: r, FormID: "preview", Body: "preview", CSRF: csrf, Drafts: drafts,
		Filer: store, Documents: store, DraftStore: store,
		Session: func(r *http.Request) string {
			if c, err := r.Cookie("procedo_preview"); err == nil {
				return c.Value
			}
			return ""
		},
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/assets/forms/", http.StripPrefix("/assets/forms/", http.FileServerFS(formsdist.FS)))
	mux.Handle("/{$}", h)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if _, err := req.Cookie("procedo_preview"); err != nil {
			sid := submit.NewIdempotencyKey()
			http.SetCookie(w, &http.Cookie{Name: "procedo_preview", Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
			req.AddCookie(&http.Cookie{Name: "procedo_preview", Value: sid})
		}
		mux.ServeHTTP(w, req)
	}), nil
}
