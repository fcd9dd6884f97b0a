// Builds the web console into one directory, which tools/build_web.py then
// embeds in the wam binary: index.html, app.js and app.css (esbuild bundles
// src/main.js with preact, htm and uPlot; no other framework), the
// message catalogues i18n/<lang>.json as they are, and the country
// boundaries of the dashboard's map (world-atlas's countries-110m.json, as
// geo/countries-110m.json: the console draws its map from its own files). The list of files read
// goes to OUTDIR/../web-inputs.txt.
//
// usage: node build.mjs OUTDIR
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(join(out, 'i18n'), { recursive: true });
const result = await build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  outdir: out,
  logLevel: 'warning',
  metafile: true,
});
cpSync(join(here, 'index.html'), join(out, 'index.html'));
const read = Object.keys(result.metafile.inputs).map((f) => join(process.cwd(), f));
read.push(join(here, 'index.html'), join(here, 'i18n'));
for (const f of readdirSync(join(here, 'i18n'))) {
  if (!f.endsWith('.json')) continue;
  cpSync(join(here, 'i18n', f), join(out, 'i18n', f));
  read.push(join(here, 'i18n', f));
}
mkdirSync(join(out, 'geo'), { recursive: true });
const countries = join(here, 'node_modules', 'world-atlas', 'countries-110m.json');
cpSync(countries, join(out, 'geo', 'countries-110m.json'));
read.push(countries);
// what the bundle was made from, for the build system's dependency file
writeFileSync(join(out, '..', 'web-inputs.txt'), read.join('\n') + '\n');
