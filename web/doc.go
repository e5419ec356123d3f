// Package web serves every user interface from the single binary: the
// designer, the citizen portal, the officials' desk, the dashboard, the
// JSON API, the websocket feed and the Prometheus metrics.
//
// Front-end sources live here and are bundled by esbuild into web/dist,
// embedded with go:embed. It is built by later issues.
package web
