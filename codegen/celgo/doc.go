// Package celgo translates type-checked CEL expressions (conditions of
// sequence flows, script tasks, assignee expressions) into plain Go
// functions, so that the generated package of a process evaluates them at
// the speed of compiled code, with CEL's semantics, and without cel-go.
//
// # Variables
//
// An [Env] declares each variable with its CEL name, the Go type that
// codegen/gotype generated for it, and the Go expression that reads it in
// the generated function ([Var]). Generated structs become CEL object
// types named after the Go type, so cel-go's checker knows their fields
// (by JSON property name) and the field types; enums are strings (or
// ints), dates and date-times are timestamps (a date is midnight UTC),
// json.RawMessage fallbacks are dyn.
//
// # Translation
//
// [Env.Translate] emits func Name(params) (res T, err error) with
// jennifer, where T is bool, int64, float64, string, time.Time,
// time.Duration, a slice, a map or a generated struct. The translated
// subset and how each part keeps CEL's semantics (CEL language definition,
// https://github.com/google/cel-spec/blob/master/doc/langdef.md):
//
//   - comparisons of bool (==, !=), int, double, string, timestamp,
//     duration; mixed int/double comparisons are not translated;
//   - int arithmetic through helpers that report overflow, division and
//     modulus by zero as errors; double arithmetic is IEEE 754 as in CEL;
//   - && and || are commutative over errors: false && error is false,
//     true || error is true, on either side; an operand that cannot fail
//     is inlined, one that can is evaluated in a closure whose error is
//     combined afterwards; ! and ?: propagate errors, ?: evaluates only
//     the chosen branch;
//   - reading an absent optional field (a nil pointer, slice or map) or an
//     absent map key is the error "no such key: name", as in CEL; has()
//     tests presence;
//   - size (code points for strings), contains, startsWith, endsWith,
//     matches (RE2, search semantics, compiled once per pattern), string
//     concatenation, list concatenation, indexing with range checks,
//     in on lists and map keys;
//   - the macros all and exists (a decisive element wins over errors,
//     like && and ||), exists_one, filter and map (two and three
//     arguments), over lists; all, exists and exists_one over map keys;
//   - timestamp() and duration() from strings, timestamp ± duration,
//     timestamp − timestamp, duration ± duration, with CEL's range
//     (years 1 to 9999) and overflow errors; the getters getFullYear …
//     getMilliseconds, in UTC or in a time zone (IANA name or ±HH:MM);
//   - int(), double(), string() between the scalar types;
//   - list and map literals (string keys).
//
// Anything else — unsigned integers, bytes, null, dyn values, equality of
// lists, maps or structs, map/filter over maps (their order would follow
// Go's random map order), optional syntax, two-variable comprehensions,
// extension functions — makes Translate return an error matching
// [ErrNotTranslatable], with the line and column of the construct. The
// assembly then embeds a cel-go program for that expression instead, and
// lists the fallback in a comment of the generated file.
//
// # Helpers
//
// The translated functions call small helpers (celAddInt, celMapGet, …)
// that [HelperFile] writes into the generated package: generated code may
// import only the standard library, runtime and forms. Their source is the
// ordinary, tested Go package codegen/celgo/helpers. Reserve
// [HelperNames] in the package's ident.Namer.
//
// # Checks
//
// A differential test translates the corpus in internal/celtest (160
// expressions), builds it once with the go tool, runs it over 100 random
// inputs with edge values, and requires the result of cel-go or an error
// on both sides. internal/golden holds the committed translation of the
// corpus, compared with cel-go in process and benchmarked against it.
package celgo
