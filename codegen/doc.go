// Package codegen compiles a resolved model (designer/model) in two ways
// with the same semantics: into typed, reviewable Go source (a package per
// process, generated with github.com/dave/jennifer) and into an in-memory
// runtime definition evaluated with cel-go (codegen.Load), used for
// simulation and for hot deployment of procedures without custom Go code.
//
// It is built by a later issue; this file reserves the place in the
// pipeline designer → model → codegen → runtime.
package codegen
