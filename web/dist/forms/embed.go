// Package formsdist embeds the built front-end assets of the citizen
// forms: forms.css (Bootstrap Italia 2.x with its fonts and the forms'
// own rules) and forms.js (the enhancement script), built by `make web`
// from web/forms with esbuild. Serve FS under the URL given to
// render.Options.AssetsURL.
package formsdist

import "embed"

// FS holds forms.css, forms.js and fonts/.
//
//go:embed forms.css forms.js fonts
var FS embed.FS
