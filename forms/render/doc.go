// Package render writes the pages of a form as Bootstrap Italia 2.x HTML
// with html/template, following the Designers Italia flow for municipal
// services: privacy notice → data (one page per step) → summary → submit →
// receipt with the application number.
//
// Pages work with JavaScript off: every action (next, back, add or remove
// an item of a list, edit a step from the summary) is a submit button
// handled on the server. The enhancement script of web/dist/forms applies
// the rules live and checks the same constraints in the browser, with the
// same messages, which the page carries in data-msg-* attributes taken
// from the message catalogue.
//
// Accessibility (WCAG 2.1 AA): every field has a <label>, groups are
// fieldsets with a legend, errors are inline (aria-invalid,
// aria-describedby) and listed in a summary at the top that links to each
// field and takes the focus. The markup has no inline script or style, so
// a strict Content-Security-Policy (see CSP) applies. Every label and
// value goes through html/template escaping.
package render
