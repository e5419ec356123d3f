// Builds web/dist/dashboard from web/dashboard/src with esbuild:
// dashboard.js (bpmn-js viewer, Chart.js, our script) and dashboard.css
// (Bootstrap Italia, the bpmn-js styles, our rules; fonts under fonts/).
// The output is committed and embedded with go:embed; `make web` must
// reproduce it byte for byte, so nothing here depends on time, paths or
// the machine.
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const out = "web/dist/dashboard";

for (const name of readdirSync(out, { withFileTypes: true }).map((d) => d.name)) {
  if (name.endsWith(".go")) continue;
  rmSync(join(out, name), { recursive: true, force: true });
}

const common = {
  bundle: true,
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  outdir: out,
  absWorkingDir: process.cwd(),
};

await build({
  ...common,
  entryPoints: { dashboard: "web/dashboard/src/dashboard.js" },
  format: "iife",
  target: ["es2020"],
});

await build({
  ...common,
  entryPoints: { dashboard: "web/dashboard/src/dashboard.css" },
  loader: { ".woff2": "file", ".woff": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".png": "file" },
  assetNames: "fonts/[name]-[hash]",
});

for (const f of readdirSync(out)) {
  const p = join(out, f);
  if (statSync(p).isFile()) console.log(`${p}\t${statSync(p).size} bytes`);
}
