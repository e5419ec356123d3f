// Package designerdist embeds the built front end of the designer:
// index.html, designer.js and designer.css (bpmn-js, the properties panel
// and the designer's own code, with bpmn-js's fonts), built by `make web`
// from web/designer/js with esbuild.
package designerdist

import "embed"

// FS holds index.html, designer.js, designer.css and fonts/.
//
//go:embed index.html designer.js designer.css fonts
var FS embed.FS
