// Package codegen compiles a procedure bundle (designer/model) in two
// ways with the same semantics: into typed, reviewable Go source, a
// package per executable process (Generate, `procedo gen`), and into an
// in-memory runtime definition evaluated with cel-go (Load, LoadZip,
// Resolver), used for simulation, for hot deployment of procedures without
// custom Go code, and to resume versions whose generated code a binary no
// longer carries.
//
// # Pipeline
//
//	Open(path) ─► Bundle: model loaded and linted (designer/lint), form types
//	              generated (codegen/gotype), every expression checked against
//	              them (codegen/celgo); errors → *DiagnosticsError
//	   ├► Generate(bundles...) → files "pkg/variables.go" … (jennifer, gofmt'ed)
//	   │     └► Write(dir, files) / Diff(dir, files): stale files deleted / unified diff
//	   └► Bundle.Definitions() → []*runtime.Definition over *runtime.JSON
//
// Both paths walk the process the same way (one runtime.Builder call per
// element in document order, the same hash), so an instance started on
// one can be resumed on the other; the differential test in
// TestGeneratedCode holds them to identical histories on every scenario of
// every bundle.
//
// # The generated package
//
// variables.go declares the form types and Variables (one optional field
// per case variable); services.go the Services interface, one method per
// procedo:type, and Handlers, its adapter into the runtime's registry;
// process.go Definition, the expressions as Go functions (or cel-go
// fallbacks, listed with their reason); forms.go the embedded schemas and
// the form validator; cel.go the CEL helpers. Generated code imports only
// the standard library, runtime, forms and, for fallbacks and call
// mappings, codegen/celrt.
//
// docs/codegen.md has the details, the checks and the figures.
package codegen
