// Package ident turns model text — BPMN element names, JSON Schema property
// names and titles, documentation written by analysts — into Go identifiers
// and comment text that are always valid, readable and safe.
//
// Names: Italian text with accents and spaces becomes a camel-case
// identifier ("Verifica identità" → VerificaIdentita, "città di nascita" →
// cittaDiNascita). Accents are removed by Unicode decomposition (NFD) and
// dropping the combining marks; other letters that Go accepts in identifiers
// (Greek, Cyrillic, CJK, …) are kept, so no information is thrown away. Go
// keywords and predeclared identifiers get a trailing underscore, a leading
// digit gets an "X"/"x" prefix, and text with no letter or digit at all
// becomes the caller's fallback. A [Namer] hands out unique names inside
// one scope: the first claimant keeps the name, the next ones get the
// suffixes 2, 3, … in the order of the calls, so callers that visit their
// input in a sorted order get byte-for-byte deterministic output.
//
// Comments: [CommentLines] turns any text into lines that can follow "// "
// without ending the comment, opening a block comment, forming a compiler
// directive or a build constraint, or hiding code behind bidirectional
// control characters (CVE-2021-42574). [Comment] renders them with
// jennifer. String literals need nothing from this package: jennifer's Lit
// quotes strings with strconv.Quote semantics, which is proven by this
// package's tests.
package ident
