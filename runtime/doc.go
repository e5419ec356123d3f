// Package runtime is the BPMN execution engine shared by generated code and
// by in-memory definitions: token-based execution, user tasks, jobs and
// timers, messages, legal terms, history, and the store seam
// (runtime/store, with an embedded SQLite and a PostgreSQL implementation).
//
// It imports neither designer nor codegen. It is built by a later issue.
package runtime
