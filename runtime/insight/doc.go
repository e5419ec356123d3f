// Package insight computes the indicators of the dashboard from the
// history of the runtime (ARCHITECTURE.md: "History is append-only and is
// the single source for every indicator").
//
// An Index folds the events of every case into facts (Case: activity
// runs, user tasks, documents, suspensions of the legal term, checklist
// answers) and refreshes them incrementally from a time watermark
// (store.EventScanner), so that a report over a million events aggregates
// facts kept in memory instead of reading the history again. Report
// computes, per procedure, version, period and office:
//
//   - execution time of each activity and of the whole case (mean, p50,
//     p90 by nearest rank), waiting (created → claimed) and working
//     (claimed → completed) time of user tasks;
//   - rework: runs of an activity after the first in the same case;
//   - versions of each document of a case;
//   - legal-term compliance (law 241/1990 art. 2): on time, late, at risk,
//     overdue, days of suspension (art. 2 c. 7); task SLA compliance;
//   - throughput and backlog per ISO week, workload per office and
//     official;
//   - anti-corruption red flags (Rules: RF01…RF07), each with the cases it
//     fired on and why, in Italian from the message catalogue;
//   - checklist compliance per item.
//
// Every figure carries a drill key (Drill*) whose cases are in
// Report.Drill. WriteXES exports the event log in IEEE 1849 XES.
//
// What the history does not say — which tasks instruct and decide, where
// the outcome and the checklist answers are, the legal term — comes from
// a Procedure. Package synth generates a history with known figures
// through a real engine; the tests compare every indicator with an
// independent computation over it, on SQLite, PostgreSQL and in memory.
package insight
