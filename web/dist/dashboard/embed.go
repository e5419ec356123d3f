// Package dashboarddist embeds the built front-end of the dashboard:
// dashboard.js (filters, charts with Chart.js, the bpmn-js viewer with the
// heatmap overlay, drill-down, live refresh) and dashboard.css, built by
// `make web` from web/dashboard/src with esbuild.
package dashboarddist

import "embed"

// FS holds dashboard.js, dashboard.css and fonts/.
//
//go:embed dashboard.js dashboard.css fonts
var FS embed.FS
