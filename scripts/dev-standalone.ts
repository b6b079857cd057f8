/**
 * Writes a standalone page for a trace, to look at the webview UI in a browser:
 *   npm run build && npx tsx scripts/dev-standalone.ts TRACE.json OUT.html [title]
 * then e.g. chromium --headless --screenshot=/tmp/s.png --window-size=1400,900 file:///…/OUT.html#theme=light
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderStandaloneHtml } from '../src/webview/standalone';

const [traceFile, out, title] = process.argv.slice(2);
if (!traceFile || !out) {
  process.stderr.write('usage: npx tsx scripts/dev-standalone.ts TRACE.json OUT.html [title]\n');
  process.exit(2);
}
const root = path.join(__dirname, '..');
const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8'));
const js = fs.readFileSync(path.join(root, 'dist/webview.js'), 'utf8');
const css = fs.readFileSync(path.join(root, 'media/webview.css'), 'utf8');
fs.writeFileSync(out, renderStandaloneHtml(trace, js, css, { title: title ?? path.basename(traceFile) }));
process.stdout.write(`wrote ${out}\n`);
