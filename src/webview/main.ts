/**
 * Entry of the webview bundle (dist/webview.js, an IIFE). Runs in the VS Code webview and in the
 * standalone HTML page; there the trace is embedded as JSON in <script type="application/json"
 * id="al-trace"> and there is no host.
 *
 * The layout worker's URL comes from the host: `window.__autogradLens.workerUri`, or a
 * `data-worker` attribute on this script's tag.
 */
import type { Trace } from '../trace/trace';
import { App } from './app';
import { connectHost } from './host';
import { LayoutClient } from './layoutClient';

const script = document.currentScript as HTMLScriptElement | null;

function workerUrl(): string | null {
  const g = (window as unknown as { __autogradLens?: { workerUri?: unknown } }).__autogradLens?.workerUri;
  if (typeof g === 'string' && g) return g;
  return script?.dataset.worker || null;
}

function start(): void {
  const host = connectHost();
  if (host.standalone) {
    const m = /(?:^|[#&])theme=(light|dark)/.exec(location.hash);
    if (m) document.body.dataset.theme = m[1];
  }
  const root = document.getElementById('al-root') ?? document.body;
  const app = new App(root, host, new LayoutClient(workerUrl()));
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
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
