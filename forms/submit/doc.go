// Package submit holds the building blocks of a form submission on the
// server: the anti-forgery token (CSRF), the body and field limits, the
// multipart upload of attachments with content sniffing and SHA-256, the
// idempotency key that makes a double click file one application, the
// signed draft carried between the pages of a form, and the application
// number "YYYY/NNNNNN".
//
// Storage is not here: the runtime store keeps the counter of application
// numbers (per body and year), the documents of a case (versioned) and the
// applications by idempotency key. This package names the small interfaces
// it needs from it: NumberSource, DocumentSink and Filer.
package submit
