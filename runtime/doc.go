// Package runtime is the BPMN execution engine shared by generated code and
// by in-memory definitions (codegen.Load). It imports neither designer nor
// codegen.
//
// # Definitions
//
// A process is a *Definition: nodes (BPMN elements), sequence flows with
// conditions as Go functions, service tasks bound by type name
// (procedo:type) to Handlers, forms validated by a FormValidator, and a
// Codec for the variables. Builder[V] assembles one with variables of type
// V — the Variables struct of generated code, or JSON for the in-memory
// path — so that conditions and handlers are typed:
//
//	b := runtime.NewBuilder[Variables]("ztl-access", "Accesso ZTL").Term("P30D")
//	b.StartEvent("Start").Form("domanda", domandaForm)
//	b.ServiceTask("Verifica", "ztl.verifica-targa")
//	b.FlowIf("F_si", "Esito", "Rilascio", "valida", func(v *Variables) (bool, error) { return v.Valida, nil })
//	def, err := b.Build()
//
// Build refuses what the engine cannot execute and names the element.
//
// # Execution
//
// The Engine executes token-based BPMN 2.0 (OMG, formal/2013-12-09) in
// steps. A step loads one instance from the store, advances its tokens
// until every token waits (a user task, a job, a message, a join), and
// commits the new state, the history events and the new jobs in one
// store.Commit with optimistic locking on the instance version. No
// instance lives in memory between steps, so engines scale out on a shared
// store and 100,000 waiting cases cost nothing but rows.
//
// Side effects are jobs run after the commit (ProcessJobs, RunJobs): at
// least once, with an idempotency key that is the same for every attempt,
// retried with exponential backoff, then an incident (Incidents,
// RetryIncident). Timers are jobs with a due time on the injectable Clock.
// A runner acquires jobs in batches and commits their steps together; the
// service jobs an engine's own commits create while RunJobs runs are
// committed leased to it and handed to its runner in memory (push.go).
//
// Messages correlate by name and key (Correlate); a message no one waits
// for is buffered for its TTL and delivered to the first instance that
// subscribes within it, or starts a process with a matching message start
// event.
//
// The legal term of a procedure (Builder.Term, law 241/1990) runs per
// instance in calendar days in Europe/Rome, moves off Sundays and public
// holidays, stops while a token waits at an element marked Suspends and
// resumes after; Term reports the days left, and a breach is a history
// event.
//
// History events (the Event* constants, with typed data) record everything
// that happens to an instance with its actor and time; they are the only
// source of the dashboard.
//
// Package processtest runs definitions in milliseconds with a fake clock.
package runtime
