// Package forms compiles JSON Schema 2020-12 plus a UI schema into a
// validator with Italian messages and into accessible, server-rendered
// Bootstrap Italia pages for the citizen portal and the officials' desk.
//
// It is built by a later issue.
package forms
