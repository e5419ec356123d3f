// Builds web/dist/forms from web/forms with esbuild: forms.css (Bootstrap
// Italia + fonts + our rules, fonts copied under fonts/) and forms.js (the
// enhancement script). The output is committed and embedded with
// go:embed; `make web` must reproduce it byte for byte, so nothing here
// depends on time, paths or the machine.
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const out = "web/dist/forms";

// Remove what a previous build produced, keeping the Go file that embeds it.
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
  entryPoints: { "forms": "web/forms/enhance.js" },
  format: "iife",
  target: ["es2020"],
});

await build({
  ...common,
  entryPoints: { "forms": "web/forms/forms.css" },
  loader: { ".woff2": "file", ".woff": "file", ".ttf": "file", ".svg": "file", ".png": "file" },
  assetNames: "fonts/[name]-[hash]",
});

for (const f of readdirSync(out)) {
  const p = join(out, f);
  if (statSync(p).isFile()) console.log(`${p}\t${statSync(p).size} bytes`);
}
