// Package reliability holds the end-to-end reliability checks and the
// benchmarks of the engine on its durable stores (SQLite and PostgreSQL).
// It has no code of its own: everything is in its tests.
//
//   - TestTwoEngines: two engines (two stores, two pools, like two nodes)
//     share one database and run 1,000 instances with parallel joins;
//     every instance completes exactly once and every service job runs
//     exactly once, counted by idempotency key.
//   - TestCrashRecovery: a child process (the test binary re-executed
//     with PROCEDO_CRASH_CHILD set) runs the engine under load and is
//     killed with SIGKILL while handlers are mid-flight; a new engine on
//     the same store completes every started instance exactly once, and a
//     service task run again after the crash gets the idempotency key of
//     its first run.
//   - BenchmarkReference/{sqlite,postgres}, BenchmarkReferenceUserTask/…
//     and BenchmarkParkedUserTasks/postgres (resident memory with 100,000
//     waiting instances): run by `make bench`.
//
// PostgreSQL tests and benchmarks use PROCEDO_TEST_DATABASE_URL, each in a
// schema of its own dropped at the end.
package reliability
