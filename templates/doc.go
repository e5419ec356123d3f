// Package templates is the catalogue of ready-made procedures (the "kit del
// riuso"): one folder per bundle with its BPMN model, its forms and its
// scenario tests, which a municipality adopts and adapts.
//
// The first bundle arrives with `procedo serve`.
package templates
