// Package store is the persistence seam of the Procedo runtime: the Store
// interface, the records it keeps, and the errors it returns.
//
// Implementations live in sibling packages (storemem for tests and engine
// benchmarks, storesqlite for the embedded default, storepg for scale-out)
// and all pass the exported conformance suite in storetest.
//
// # Design
//
// The engine executes a process instance in steps. A step loads the
// instance, advances its tokens until every token waits, and hands the
// store a [Step]: the new instance row (tokens and variables serialised in
// one opaque State blob), history events to append, jobs to create and to
// finish, user-task rows to upsert, message subscriptions to add and drop,
// and document versions to add. [Store.Commit] writes a batch of steps —
// possibly of many instances — in one transaction, so a SQL store pays one
// commit and a few bulk statements for many instances. Every instance row
// carries a version used for optimistic locking: a step states the version
// it read, and a concurrent writer makes the whole batch fail with a
// [*ConflictError] naming the instances, after which the engine retries
// them one by one.
//
// Waiting instances live only in the store: the engine keeps nothing in
// memory between steps.
//
// # Bodies (tenants)
//
// Many public bodies ("enti") share one deployment. Every record carries
// its Body and every method takes it in its params and is scoped by it: a
// record of another body is reported as [ErrNotFound], never read nor
// changed. The single exception is [Store.AcquireJobs] with an empty Body,
// used by the engine's job runner that serves every body of the
// deployment; the jobs it returns carry their Body and everything the
// runner then does is scoped by it.
//
// # Jobs
//
// Side effects (service tasks, timers, legal-term deadlines, returns from
// call activities) are jobs, run after the step that created them is
// committed, at least once. A runner acquires due jobs with a lease (owner
// and expiry): a job whose lease expired — its node died — is acquired
// again by another runner with the same ID and IdempotencyKey. A job may
// also be committed already leased, by the engine that will run it. Finishing a
// job is part of the step its handler produces (Step.DoneJobs), so the
// effect on the instance and the removal of the job are atomic. A failed
// attempt is recorded with [Store.FailJob]: with a retry time the job
// waits until then, without one it becomes an incident, listed by
// [Store.ListJobs] with JobIncident and put back to work by
// [Store.RetryJob].
//
// # Messages
//
// Message subscriptions (an instance waiting for a message name and
// correlation key) are written by steps. A message that arrives while no
// one waits is buffered with [Store.PutMessage] until its expiry time; the
// engine takes it with [Store.TakeMessage] when an instance subscribes.
package store
