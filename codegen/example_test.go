package codegen_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// Load builds the in-memory definition of a bundle and runs a case on it:
// no Go is compiled, the condition valida && size(targa) == 7 runs on
// cel-go over the JSON variables.
func ExampleLoad() {
	defs, err := codegen.Load("testdata/reference/bundle")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	e, _ := runtime.New(runtime.Options{Store: storemem.New(), Handlers: map[string]runtime.Handler{
		"ztl.verifica-targa": runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *runtime.JSON) error {
			(*v)["valida"] = true
			return nil
		}),
	}})
	if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_f704", Definition: defs[0]}); err != nil {
		fmt.Println(err)
		return
	}
	in, _ := e.Start(ctx, &runtime.StartParams{Body: "c_f704", ProcessKey: "ztl-access", Vars: []byte(`{"targa":"AB123CD"}`)})
	_, _ = e.ProcessJobs(ctx)
	view, _ := e.Inspect(ctx, "c_f704", in.ID)
	fmt.Println(defs[0].Key, view.Status, string(view.Vars))
	// Output: ztl-access completed {"targa":"AB123CD","valida":true}
}

// Generate returns the files of one package per executable process; a
// model with errors returns the diagnostics instead.
func ExampleGenerate() {
	b, err := codegen.Open("testdata/reference/bundle")
	if err != nil {
		fmt.Println(err)
		return
	}
	files, _ := codegen.Generate(b)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Println(strings.Join(names, "\n"))

	_, err = codegen.Open("testdata/err-lint/bundle")
	var de *codegen.DiagnosticsError
	if errors.As(err, &de) {
		fmt.Println(de.Diagnostics[0].Rule, de.Diagnostics[0].ElementID)
	}
	// Output:
	// ztlaccess/cel.go
	// ztlaccess/codec.go
	// ztlaccess/forms.go
	// ztlaccess/process.go
	// ztlaccess/services.go
	// ztlaccess/variables.go
	// user-task-assignment Lavoro
}
