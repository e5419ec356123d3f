// Builds web/dist/designer from web/designer/js with esbuild: designer.js
// (bpmn-js, the properties panel, the designer), designer.css (with
// bpmn-js's fonts under fonts/) and index.html. The output is committed
// and embedded with go:embed; `make web` must reproduce it byte for byte,
// so nothing here depends on time, paths or the machine.
import { build } from "esbuild";
import { copyFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const out = "web/dist/designer";
const src = "web/designer/js";

for (const name of readdirSync(out)) {
  if (name.endsWith(".go")) continue;
  rmSync(join(out, name), { recursive: true, force: true });
}

const common = { bundle: true, minify: true, legalComments: "none", logLevel: "warning", outdir: out, absWorkingDir: process.cwd() };

await build({
  ...common,
  entryPoints: { designer: `${src}/main.js` },
  format: "iife",
  target: ["es2020"],
  define: { "process.env.NODE_ENV": '"production"' },
});

await build({
  ...common,
  entryPoints: { designer: `${src}/designer.css` },
  loader: { ".woff2": "file", ".woff": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".png": "file" },
  assetNames: "fonts/[name]-[hash]",
});

copyFileSync(`${src}/index.html`, join(out, "index.html"));

for (const f of readdirSync(out)) {
  const p = join(out, f);
  if (statSync(p).isFile()) console.log(`${p}\t${statSync(p).size} bytes`);
}
