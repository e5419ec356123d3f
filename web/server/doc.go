// Package server is the HTTP side of procedo serve: the citizen portal
// (/portal), the officials' desk (/desk), the REST API (/api/v1, with its
// OpenAPI 3.1 document) and the desk's live feed (/ws).
//
// A Server is built from a Config: the engine and the web database, the
// identity directory, the procedures it offers (definition, forms,
// checklists, citizen-facing phases, the service page of art. 35 d.lgs.
// 33/2013) and a key that signs sessions, CSRF tokens and drafts.
//
// Every request passes one middleware: a request id, security headers (a
// strict Content-Security-Policy without inline script or style), the
// identity (a bearer API token or the session cookie) and one structured
// log line with body, user and case. Every route checks the role on the
// server; every query is scoped by the user's body, and an id of another
// body is not found. Every form checks its CSRF token before anything
// else, every body is size-limited, and every action on a case is
// appended to the audit trail (package webdb).
//
// Pages are html/template with Bootstrap Italia, work without JavaScript,
// and take their texts from package i18n. The application form is the
// Designers Italia flow of package forms/flow; filing starts the instance,
// idempotently. The process diagram of a case is drawn here as SVG from
// the BPMN DI.
//
// Package site assembles a Server with its stores and engine; see
// docs/serve.md and docs/api.md.
package server
