/**
 * Entry of the webview bundle (dist/webview.js, an IIFE). Runs in the VS Code webview and in the
 * standalone HTML page; there the trace is embedded as JSON in <script type="application/json"
 * id="al-trace"> and there is no host.
 *
 * The layout worker's source is carried in the page, in <script type="text/plain"
 * id="al-layout-worker"> (src/webview/inline.ts).
 */
import type { Trace } from '../trace/trace';
import { App } from './app';
import { connectHost } from './host';
import { LAYOUT_WORKER_ELEMENT_ID } from './inline';
import { LayoutClient } from './layoutClient';

/** When this bundle began to run (wall clock, for the host's latency breakdown). */
const scriptStart = Date.now();

/** The layout worker's source, carried in the page (null: none, layouts run on this thread). */
function workerSource(): string | null {
  return document.getElementById(LAYOUT_WORKER_ELEMENT_ID)?.textContent || null;
}

function start(): void {
  const host = connectHost();
  if (host.standalone) {
    const m = /(?:^|[#&])theme=(light|dark)/.exec(location.hash);
    if (m) document.body.dataset.theme = m[1];
  }
  const root = document.getElementById('al-root') ?? document.body;
  const app = new App(root, host, new LayoutClient(workerSource()));
  const embedded = document.getElementById('al-trace');
  if (embedded?.textContent) {
    try {
      performance.mark?.('al:parse-start');
      const trace = JSON.parse(embedded.textContent) as Trace;
      // #pass=2&step=3 opens the page at a step (handy for links and screenshots)
      const num = (k: string) => Number(new RegExp(`(?:^|[#&])${k}=(\\d+)`).exec(location.hash)?.[1] ?? 0);
      app.onHostMessage({ type: 'trace', trace, position: { pass: Math.max(0, num('pass') - 1), step: num('step') }, title: embedded.dataset.title ?? '' });
      const collapse = /(?:^|[#&])collapse=(none|all|auto)/.exec(location.hash)?.[1];
      if (collapse) app.setCollapse(collapse as 'none' | 'all' | 'auto');
      const sel = /(?:^|[#&])select=([^&]+)/.exec(location.hash)?.[1];
      if (sel) app.selectByName(decodeURIComponent(sel));
    } catch (e) {
      app.onHostMessage({ type: 'error', message: `The embedded trace is not valid JSON: ${(e as Error).message}` });
    }
  }
  host.post({ type: 'ready', timing: { origin: performance.timeOrigin, script: scriptStart, ready: Date.now() } });
}

// The script comes after #al-root in both pages, so it can start at once: before VS Code hands
// over the messages it held while the page loaded.
if (document.readyState !== 'loading' || document.getElementById('al-root')) start();
else document.addEventListener('DOMContentLoaded', start);
