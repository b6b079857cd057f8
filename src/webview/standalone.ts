/**
 * One self-contained HTML page with the panel's graph, stepper and inspector for a trace (the
 * CLI's `--html out.html`). Everything is inline — the bundle, the CSS and the trace — under a
 * CSP that admits only this page's nonce'd script and style: no eval, no inline handlers, no
 * network. The trace travels as JSON in a non-executed <script type="application/json">, with
 * every `<` escaped so no string in it can close the tag; the page reads it with JSON.parse and
 * draws it with textContent only.
 */
import type { Trace } from '../trace/trace';

export interface StandaloneOptions {
  /** Shown in the toolbar and the page title. */
  title?: string;
  /** Fixed nonce (tests); a random one by default. */
  nonce?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element: no `<`, `>`, `&`, or line separators as raw characters. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function randomNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function renderStandaloneHtml(trace: Trace, webviewJs: string, css: string, options: StandaloneOptions = {}): string {
  const nonce = options.nonce ?? randomNonce();
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('nonce must be base64/hex');
  const title = options.title ?? 'Autograd graph';
  // `\x3C` is `<` in JS strings, templates and regexes alike, so the script cannot end early.
  const js = webviewJs
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<\/script/gi, '\\x3C/script')
    .replace(/<!--/g, '\\x3C!--');
  const style = css.replace(/<\/style/gi, '<\\/style');
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `img-src data:`, `font-src data:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>${escapeHtml(`Autograd Lens — ${title}`)}</title>
<style nonce="${nonce}">
${style}
</style>
</head>
<body class="al-standalone">
<div id="al-root"></div>
<script type="application/json" id="al-trace" data-title="${escapeHtml(title)}">${scriptSafeJson(trace)}</script>
<script nonce="${nonce}">
${js}
</script>
</body>
</html>
`;
}
