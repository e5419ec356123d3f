// Package forms compiles a JSON Schema (2020-12) and a UI schema into a
// Form: a validator with Italian messages that point at the field, and a
// layout that package forms/render turns into accessible Bootstrap Italia
// pages.
//
// # Pipeline
//
//	Compile(schema, ui) ─► Form ─► Validate(instance) → []FieldError{Pointer, Message}
//	                            ├► Steps(), Controls()   (layout for forms/render)
//	                            └► Encode / Decode       (form posts ↔ JSON instance)
//
// Sub-packages: forms/format (Italian formats: codice fiscale, partita
// IVA, IBAN, CAP, targa, telefono, email, PEC), forms/render (HTML
// pages), forms/submit (CSRF, limits, uploads, drafts, idempotency,
// application numbers), forms/receipt (PDF receipt), forms/flow (the
// whole flow as an http.Handler).
//
// # Validation
//
// Schemas are compiled with github.com/santhosh-tekuri/jsonschema/v6,
// formats asserted, remote references refused (a form schema is
// self-contained and must not make the server fetch URLs or read files).
// Every error becomes a FieldError whose Pointer is the JSON pointer of
// the field (a missing required field is reported at the field, not at
// its parent) and whose Message comes from the message catalogue (Text)
// in the form's language, naming the field by its label: the UI schema's
// label, else the schema's title, else the property name made readable.
//
// Dates relative to today use two keywords, dateMinimum and dateMaximum,
// whose values are "today", "today±<ISO 8601 duration>" or a date (see
// dates.go); today is the calendar day in Europe/Rome of Options.Now.
//
// # UI schema
//
// The JSON Forms vocabulary: VerticalLayout, HorizontalLayout, Group,
// Categorization of Category (the steps), Label, and Control with scope,
// label, help, widget (text, textarea, number, select, radio, checkbox,
// date, email, file) and options.detail for the items of an array. Rules
// SHOW, HIDE, ENABLE and DISABLE take a condition {scope, schema}; a
// condition on absent data does not hold. The data of hidden controls is
// dropped (Prune) and not required. Without a UI schema a vertical layout
// is derived from the schema, a group per nested object, in the order the
// properties are written.
//
// # Form posts
//
// Fields are named after the JSON pointer of their data ("$/a/b"), see
// post.go. Decode applies a post over the draft; Encode writes the fields
// back; the round trip is the identity on every valid instance of the
// schemas the renderer supports (tested on the JSON-Schema-Test-Suite).
package forms
