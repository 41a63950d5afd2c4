// Renders an OpenAPI file to one offline HTML page (make docs, and
// api/docs_test.go on an altered copy of the spec).
//
// `redocly build-docs` (Redocly CLI 1.34.20, pinned in package-lock.json, run
// with telemetry and update notices off) prerenders the reference with Redoc 2
// but loads Redoc's own script, which makes the page interactive, from
// cdn.redocly.com; --disableGoogleFont drops the Google Fonts stylesheet. This
// then replaces that <script src> with the same file from node_modules/redoc
// (checked to be the version the page asks for), inline, its logo URL taken
// out, so the page needs nothing from the network.
//
// Usage: node build.mjs SPEC OUT.html
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function fail(msg) {
  process.stderr.write(`api/docs/build.mjs: ${msg}\n`);
  process.exit(1);
}

// scriptSafe says why text cannot sit between <script> and </script>
// unchanged ('' if it can), following the HTML parser's script data states: a
// "</script" would end the element early, and text that leaves the parser in
// the "double escaped" state (after "<!--" then "<script") would swallow the
// closing tag.
export function scriptSafe(text) {
  const tagEnd = /[\t\n\f\r />]/;
  let state = 'data'; // data, escaped, double
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') {
      const rest = text.slice(i, i + 9).toLowerCase();
      if (rest.startsWith('</script') && tagEnd.test(rest[8] ?? '')) {
        if (state !== 'double') return `"</script" at offset ${i}`;
        state = 'escaped';
      } else if (rest.startsWith('<script') && tagEnd.test(rest[7] ?? '') && state === 'escaped') {
        state = 'double';
      } else if (rest.startsWith('<!--') && state === 'data') {
        state = 'escaped';
      }
    } else if (state !== 'data' && text.startsWith('-->', i)) {
      state = 'data';
    }
  }
  return state === 'double' ? 'it ends inside "<!-- <script"' : '';
}

// inlineRedoc replaces the page's one Redoc <script src> from the CDN with
// node_modules/redoc's redoc.standalone.js.
export function inlineRedoc(html, redocDir) {
  const cdn = /<script src="https:\/\/cdn\.redocly\.com\/redoc\/v([^/"]+)\/bundles\/redoc\.standalone\.js"><\/script>/g;
  const found = [...html.matchAll(cdn)];
  if (found.length !== 1) fail(`expected one Redoc <script src> from cdn.redocly.com in the page, found ${found.length}`);
  const wanted = found[0][1];
  const { version } = JSON.parse(readFileSync(join(redocDir, 'package.json'), 'utf8'));
  if (version !== wanted) fail(`the page asks for Redoc ${wanted}, ${redocDir} has ${version}: run npm ci in ${here}`);
  // The source map is not shipped in the page: drop the comment naming it.
  let bundle = readFileSync(join(redocDir, 'bundles', 'redoc.standalone.js'), 'utf8')
    .replace(/\n\/\/# sourceMappingURL=redoc\.standalone\.js\.map\s*$/, '\n');
  // The one thing Redoc fetches by itself: the logo beside "API docs by
  // Redocly" in the side menu, from cdn.redoc.ly. An image that fails to load
  // is hidden (Redoc's onError), so it is given none.
  const logo = 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"';
  const logos = bundle.split(logo).length - 1;
  if (logos !== 1) fail(`expected Redoc ${version}'s logo URL once in redoc.standalone.js, found it ${logos} times`);
  bundle = bundle.replace(logo, 'src:"data:,"');
  const why = scriptSafe(bundle);
  if (why) fail(`redoc.standalone.js ${version} cannot be inlined as it is: ${why}`);
  return html.slice(0, found[0].index) +
    `<script>/* Redoc ${version}, redoc.standalone.js (MIT), inlined by api/docs/build.mjs */\n${bundle}</script>` +
    html.slice(found[0].index + found[0][0].length);
}

function main() {
  if (process.argv.length !== 4) fail('usage: node build.mjs SPEC OUT.html');
  const spec = resolve(process.argv[2]);
  const out = resolve(process.argv[3]);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;

  const redocly = join(here, 'node_modules', '.bin', 'redocly');
  const run = spawnSync(redocly, ['build-docs', spec, '--output', tmp, '--disableGoogleFont'], {
    cwd: here, // no redocly.yaml here: Redoc's defaults
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (run.error) fail(`${redocly}: ${run.error.message} (run npm ci in ${here})`);
  if (run.status !== 0) fail(`redocly build-docs exited with ${run.status ?? run.signal}`);

  const page = inlineRedoc(readFileSync(tmp, 'utf8'), join(here, 'node_modules', 'redoc'));
  writeFileSync(tmp, page);
  renameSync(tmp, out);
  process.stdout.write(`api/docs/build.mjs: ${out}: ${Buffer.byteLength(page)} bytes, Redoc inlined\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
