// Package jsonrt is the small run-time the generated variables codecs call:
// append-style writers that produce exactly the bytes encoding/json writes
// for the same Go values (HTML-safe strings, ES6 float formatting, compacted
// raw messages), and a decoder over a byte slice that reads values with
// encoding/json's semantics (null clears pointers, slices and maps and
// leaves scalars alone; object keys match fields exactly, then
// case-insensitively; unknown keys are skipped).
//
// Generated code calls it instead of encoding/json's reflection because the
// engine encodes the variables after every step (the history's "variables
// changed" events compare the bytes), which made reflection the main cost
// of the generated path. The byte-for-byte equality is what lets the
// differential test compare history traces of both paths.
package jsonrt
