// Package lint checks a BPMN model of Procedo and reports what is wrong or
// risky, each finding with a rule id, a severity, the file position, the
// element id and a message that names the fix. docs/lint.md lists every
// rule.
//
//	res := lint.Path("templates/ztl")     // a bundle folder or a .bpmn file
//	for _, d := range res.Diagnostics {
//		fmt.Println(d)                     // file:line:col: severity: message [rule] (element id)
//	}
//
// Rules come in two families. Structural rules (no start event,
// unreachable nodes, forks without conditions, ...) follow bpmnlint's
// recommended set and apply to every process. Execution rules (CEL that
// type-checks against the forms, user tasks with an office, elements the
// runtime can execute, ...) apply only to processes marked
// isExecutable="true": a descriptive diagram is not held to what the
// engine needs, and a document without any executable process gets one
// warning (no-executable-process) saying that these checks were skipped.
//
// An error blocks deployment; a warning does not. Problems found while
// resolving the model (package model) arrive as diagnostics of the rule
// named by their code; a document that cannot be parsed yields
// bpmn-parse diagnostics and Result.Unreadable.
package lint
