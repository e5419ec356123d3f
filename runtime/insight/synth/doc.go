// Package synth generates synthetic history with known figures: a grant
// procedure (contributo: protocol, instruction with integrations that
// suspend the legal term, an anti-corruption checklist, a decision) played
// by a real runtime.Engine with a fake clock, case after case interleaved
// in time, with seeded loops, suspensions, reassignments, late and
// last-day decisions, checklist answers "no" and same-person decisions.
//
// Generate returns a Truth: what the generator did, recorded as it did
// it, so that tests can compute the indicators without the history.
package synth
