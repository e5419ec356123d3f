// Package model resolves a parsed BPMN document (package bpmn) and the
// forms of its bundle into the executable model: the contract between
// design time (lint, the designer) and run time (codegen, the runtime).
//
// # Bundles
//
// A procedure is a folder with process.bpmn and forms/<name>.schema.json
// (plus optional forms/<name>.ui.json); Load also accepts a bare .bpmn
// file, and then reads the forms/ folder next to it when there is one
// (otherwise Model.HasForms is false and form references cannot be
// checked). Load separates what stops everything (an unreadable file, XML
// that is not BPMN: an error wrapping ErrUnreadable) from what a linter
// reports (a []*Problem next to the model).
//
// # The model
//
// Per <process>, Process holds every flow node (Node, sub-process content
// included, with Parent/Children for the nesting) and every sequence flow
// (Flow), in document order. References are pointers: Flow.Source and
// Flow.Target, Node.Incoming/Outgoing, Node.Default, boundary events'
// AttachedTo and their activity's Boundary, lanes, messages and errors of
// event definitions, the called process of a call activity when it is in
// the same document. The procedo extension attributes
// (docs/bpmn-extensions.md) are decoded into typed fields: durations
// (Duration, ISO 8601 with calendar components), offices split at commas,
// booleans, retries, and CEL sources as *Expr, which remember where their
// text starts in the document so that an error inside an expression points
// at its line and column (Expr.PosAt).
//
// Resolve never panics and never stops at the first problem: a value that
// does not decode is left unset and reported as a Problem whose Code is
// the id of the lint rule that shows it (package lint).
//
// # Variables and CEL
//
// CEL expressions see the case variables: the top-level properties of
// every form of the bundle, by their JSON name (Model.Variables). Their CEL
// types follow the JSON Schema types: string → string, integer → int,
// number → double, boolean → bool, array → list(items), object with
// declared properties → an object type whose fields the checker knows,
// other objects → map(string, dyn). Model.CELEnv builds the environment
// and Expr.Check compiles an expression in it, checking its result type.
// Numbers compare across int and double (importo > 10), arithmetic needs
// matching types. Programs of that environment evaluate over plain JSON
// values (maps, slices, strings, bools), which is what the in-memory path
// holds, with one conversion: a property of type integer must be given as
// int64, since JSON decoding yields float64. Model.Env adds
// the variables processes define (script results, call mappings) and
// NodeEnv the element variable inside a multi-instance activity: lint,
// codegen and the in-memory path use the same environments, so an
// expression that lints clean compiles everywhere.
//
// # Using the model
//
// A consumer (codegen, the in-memory path) loads a bundle, lints it, and
// refuses it when lint reports errors; the model is then complete: every
// flow has both ends, every boundary event its activity, every attribute
// its decoded value, every expression compiles when the bundle has forms
// (a bare file gets a syntax check only; Call.Process stays
// nil, when the called process lives in another bundle).
//
//	m, problems, err := model.Load(dir)
//	...
//	if ds := lint.Model(m, problems); hasErrors(ds) { ... }
//	for _, p := range m.Processes { if p.Executable { ... } }
package model
