// Build the apps' page script and its stylesheet into the dgt Voila template (see README.md).
//
//   npm ci && npm run build
//
// Writes, in ../jupyter/voila/templates/dgt/static:
//   dgt-apps.js            the bundle, minified; its first line names the sources it came from
//   dgt-apps.css           the widgets' stylesheet
//   dgt-apps.LICENSES.txt  the licence of every package inside the bundle
// The first line's hash covers src/, package.json, package-lock.json and this file, so a
// test (tests/test_apps_frontend.py) notices a source changed without a rebuild.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'jupyter', 'voila', 'templates', 'dgt', 'static');
const SOURCES = ['build.mjs', 'package.json', 'package-lock.json'];

/** The hash of the sources: every file in src/ and SOURCES, by name and content, in order. */
function sourceHash() {
  const names = [...SOURCES, ...readdirSync(join(here, 'src')).map((name) => `src/${name}`)].sort();
  const hash = createHash('sha256');
  for (const name of names) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(here, name)));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** The package folder (under node_modules) that holds `path`, or null for our own files. */
function packageOf(path) {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const length = parts[at + 1].startsWith('@') ? 2 : 1;
  return join(here, ...parts.slice(0, at + 1 + length));
}

/** One section per bundled package: name, version, licence and the licence file's text. */
function licences(inputs) {
  const folders = [...new Set(inputs.map(packageOf).filter(Boolean))].sort();
  const sections = folders.map((folder) => {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).find((name) => /^(licen[cs]e|copying)/i.test(name));
    const repository = manifest.repository && (manifest.repository.url || manifest.repository);
    const text = file
      ? readFileSync(join(folder, file), 'utf8').trim()
      : `The package ships no licence file; its licence is ${manifest.license}, as given by ${repository || manifest.homepage}.`;
    return `${manifest.name} ${manifest.version} (${manifest.license || 'see text'})\n\n${text}\n`;
  });
  return `Packages inside dgt-apps.js and dgt-apps.css, with their licences.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

/** Write `text` to `path` through a temporary file, so that no half-written file is left. */
function writeWhole(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const stamp = `/* dgt-apps ${sourceHash()} (built from course/serve/voila/frontend; licences in dgt-apps.LICENSES.txt) */`;
const result = await build({
  entryPoints: [join(here, 'src', 'index.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'dgtApps', // what src/index.js exports, for the browser tests
  target: ['es2020'],
  write: false,
  outfile: join(out, 'dgt-apps.js'),
  metafile: true,
  legalComments: 'none',
  banner: { js: stamp, css: stamp },
  logLevel: 'warning',
  // ipywidgets' description sanitizer, answered by DOMPurify (src/sanitize.js), and
  // the little of jQuery that ipywidgets 8 still calls (src/jquery.js).
  alias: { 'sanitize-html': join(here, 'src', 'sanitize.js'), jquery: join(here, 'src', 'jquery.js') },
  // The widgets' stylesheets name Font Awesome, which the template loads from its own copy.
  loader: { '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'empty' },
});
for (const file of result.outputFiles) {
  writeWhole(file.path, file.text);
}
writeWhole(join(out, 'dgt-apps.LICENSES.txt'), licences(Object.keys(result.metafile.inputs)));
for (const file of result.outputFiles) {
  console.log(`${relative(here, file.path)}: ${(file.contents.length / 1024).toFixed(0)} KB`);
}
if (!existsSync(join(out, 'dgt-apps.css'))) {
  throw new Error('no stylesheet was written');
}
