// Package storepg is the scale-out store.Store: PostgreSQL through
// github.com/jackc/pgx/v5 (pgxpool). Several `procedo serve` nodes share
// one database.
//
// # Round trips
//
// A Commit of any number of steps is one pipelined batch run as one
// implicit transaction: one bulk statement per kind of record (instances
// created, instances updated, events, finished jobs, new jobs, tasks,
// subscriptions, documents) over unnest'ed arrays, and a pg_notify when
// jobs were created — a single round trip whatever the batch size.
// Optimistic locking happens in SQL: an update matches only the version the
// step read, inserts never overwrite (ON CONFLICT DO NOTHING), and the
// function procedo_conflict (migration 0001) raises SQLSTATE PD409 with
// the instances that lost the race, which aborts the transaction.
// Concurrent Commit calls beyond Options.Committers are merged into one
// transaction (group commit), falling back to one transaction per call
// when the merged one fails.
//
// # Jobs
//
// AcquireJobs leases due jobs with FOR UPDATE SKIP LOCKED, so nodes never
// wait on each other's rows nor take the same job. A commit that creates
// jobs NOTIFYs the channel procedo_jobs with the schema as payload; every
// store LISTENs on a dedicated connection (reconnecting after a failure)
// and turns a notification for its schema into a WakeUp. GetInstances
// (store.BatchReader) loads the instances of a batch of jobs in one round
// trip; ReleaseJobs (store.JobReleaser) gives back the jobs of a node
// shutting down and NOTIFYs, so another node takes them at once.
//
// # Schemas and migrations
//
// The tables live in the schema of the connection's search_path
// (Options.Schema sets it): tests isolate themselves in a schema each.
// Numbered SQL migrations are embedded and applied by Open or Migrate in
// one transaction under an advisory lock, so nodes starting together
// migrate once.
//
// # Bodies
//
// Every table has the body (tenant) as the first column of its primary
// key, and every statement binds it.
package storepg
