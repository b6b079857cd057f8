/**
 * One self-contained HTML page with the panel's graph, stepper and inspector for a trace (the
 * CLI's `--html out.html`). Everything is inline — the bundle, the CSS and the trace — under a
 * CSP that admits only this page's nonce'd script and style: no eval, no inline handlers, no
 * network. The trace travels as JSON in a non-executed <script type="application/json">, with
 * every `<` escaped so no string in it can close the tag; the page reads it with JSON.parse and
 * draws it with textContent only.
 */
import type { Trace } from '../trace/trace';
import { escapeHtml, inlineScript, inlineStyle, makeNonce, scriptSafeJson, workerSourceElement } from './inline';

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
  const nonce = options.nonce ?? makeNonce();
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('nonce must be base64/hex');
  const title = options.title ?? 'Autograd graph';
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `img-src data:`,
    `font-src data:`,
    ...(options.workerJs ? [`worker-src blob:`] : []),
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>${escapeHtml(`Autograd Lens — ${title}`)}</title>
<style nonce="${nonce}">
${inlineStyle(css)}
</style>
</head>
<body class="al-standalone">
<div id="al-root"></div>
<script type="application/json" id="al-trace" data-title="${escapeHtml(title)}">${scriptSafeJson(trace)}</script>
${options.workerJs ? workerSourceElement(options.workerJs) : ''}
<script nonce="${nonce}">
${inlineScript(webviewJs)}
</script>
</body>
</html>
`;
}
