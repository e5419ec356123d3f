// Package storesqlite is the embedded default store.Store: SQLite through
// modernc.org/sqlite (pure Go, no cgo), in a data folder, in WAL mode.
//
// # Layout
//
// [Open] creates the folder if needed and opens <dir>/procedo.db with two
// connection pools: one writer connection and a pool of read-only
// connections. WAL lets readers run while the writer writes. The numbered
// migrations in migrations/ are embedded and applied at Open (or by
// `procedo migrate --data DIR`, through [Migrate]).
//
// # Group commit
//
// SQLite has one writer at a time, and a commit is the expensive part of a
// write (with synchronous=FULL, an fsync of the WAL). So every write —
// Commit, AcquireJobs, FailJob, NextNumber, … — is a request to one writer
// goroutine, which takes every request waiting in its queue, runs each in a
// SAVEPOINT of one shared transaction and commits once. A request that
// fails (a version conflict, say) is rolled back to its savepoint alone and
// gets its error; the others commit together. Concurrent engine workers thus
// share commits without knowing it, and each Commit call stays all or
// nothing. busy_timeout only matters for another process on the same file
// (`procedo migrate` while a server runs): in process, writes never contend.
// The engine's job runner keeps several batches in flight so that their
// writes arrive together.
//
// # Optional interfaces
//
// GetInstances (store.BatchReader) reads the instances of a batch of jobs
// with one cached statement, the keys as a JSON array (json_each);
// ReleaseJobs (store.JobReleaser) gives back the jobs of a runner that
// shuts down.
//
// # Bodies
//
// Every table has the body (tenant) as the first column of its primary
// key, and every statement binds it: a record of another body is simply
// not there.
package storesqlite
