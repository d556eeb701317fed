// Builds the console into dist/ (index.html, console.js, console.css), the files the server jar serves at /console.
// `node build.mjs --check` builds into a temporary folder and fails when the committed dist/ differs from it.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(path.join(tmpdir(), 'console-')) : path.join(here, 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  outfile: path.join(out, 'console.js'),
  logLevel: 'warning',
});
copyFileSync(path.join(here, 'src', 'index.html'), path.join(out, 'index.html'));
copyFileSync(path.join(here, 'src', 'console.css'), path.join(out, 'console.css'));
copyFileSync(path.join(here, 'src', 'favicon.svg'), path.join(out, 'favicon.svg'));

if (check) {
  const committed = path.join(here, 'dist');
  const stale = readdirSync(out).filter((f) => {
    try {
      return !readFileSync(path.join(committed, f)).equals(readFileSync(path.join(out, f)));
    } catch {
      return true;
    }
  });
  const extra = readdirSync(committed).filter((f) => !readdirSync(out).includes(f));
  rmSync(out, { recursive: true, force: true });
  if (stale.length || extra.length) {
    console.error(`console/dist is stale (${[...stale, ...extra].join(', ')}): run 'npm run build' in console/ ` +
      'and commit dist/');
    process.exit(1);
  }
}
