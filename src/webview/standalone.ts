/**
 * One self-contained HTML page with the panel's graph, stepper and inspector for a trace (the
 * CLI's `--html out.html`). Everything is inline — the bundle, the CSS and the trace — under a
 * CSP that admits only this page's nonce'd script and style: no eval, no inline handlers, no
 * network. The trace travels as JSON in a non-executed <script type="application/json">, with
 * every `<` escaped so no string in it can close the tag; the page reads it with JSON.parse and
 * draws it with textContent only.
 */
import type { Trace } from '../trace/trace';
import { escapeHtml, inlinePage, scriptSafeJson } from './inline';

export interface StandaloneOptions {
  /** Shown in the toolbar and the page title. */
  title?: string;
  /** Fixed nonce (tests); a random one by default. */
  nonce?: string;
  /** The layout worker's bundle: when given, layouts run in a worker made from it (blob:). */
  workerJs?: string;
}

export { escapeHtml, scriptSafeJson };

export function renderStandaloneHtml(trace: Trace, webviewJs: string, css: string, options: StandaloneOptions = {}): string {
  const title = options.title ?? 'Autograd graph';
  return inlinePage({
    nonce: options.nonce,
    title: `Autograd Lens — ${title}`,
    css,
    script: webviewJs,
    workerJs: options.workerJs,
    data: `<script type="application/json" id="al-trace" data-title="${escapeHtml(title)}">${scriptSafeJson(trace)}</script>\n`,
    bodyClass: 'al-standalone',
    colorScheme: true,
  });
}
