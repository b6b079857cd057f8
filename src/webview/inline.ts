/**
 * Putting our own bundles and data inside an HTML page safely: the panel's page and the
 * standalone `--html` page both carry their script, style and layout worker inline (no resource
 * fetches), so neither text may be able to end its element early.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element: no `<`, `>`, `&`, or line separators as raw characters. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A JavaScript bundle as the content of a <script> element. `</script` and `<!--` can only occur
 * in a bundle inside strings, templates, regexes or comments, where `\x3C` means `<` as well, so
 * the code is unchanged and the element cannot end early. The source map comment is dropped.
 */
export function inlineScript(js: string): string {
  return js
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<(\/script)/gi, '\\x3C$1')
    .replace(/<!--/g, '\\x3C!--');
}

/** A stylesheet as the content of a <style> element. */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/**
 * The Content-Security-Policy of both pages: only this page's nonce'd script and style, images
 * as data: URLs, the layout worker only from a blob the page makes of the source it carries; no
 * eval, no inline event handlers, no network, no resources from anywhere.
 */
export function pageCsp(nonce: string, worker: boolean): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    ...(worker ? ['worker-src blob:'] : []),
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface InlinePage {
  /** base64/hex; a random one by default. */
  nonce?: string;
  title: string;
  css: string;
  /** The webview bundle (dist/webview.js). */
  script: string;
  /** The layout worker's bundle, carried as inert text (dist/layoutWorker.js). */
  workerJs?: string;
  /** Our own markup placed before the scripts (e.g. an escaped data block); never snippet text as HTML. */
  data?: string;
  bodyClass?: string;
  /** Declare both colour schemes (the standalone page; VS Code themes its webviews itself). */
  colorScheme?: boolean;
}

/** A page with everything inline: the panel's page and the standalone `--html` page. */
export function inlinePage(p: InlinePage): string {
  const nonce = p.nonce ?? makeNonce();
  // the CSP is constant text but for the nonce, so a checked nonce keeps the attribute intact
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('nonce must be base64/hex');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${pageCsp(nonce, p.workerJs !== undefined)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.colorScheme ? '<meta name="color-scheme" content="dark light">\n' : ''}<title>${escapeHtml(p.title)}</title>
<style nonce="${nonce}">
${inlineStyle(p.css)}
</style>
</head>
<body${p.bodyClass ? ` class="${escapeHtml(p.bodyClass)}"` : ''}>
<div id="al-root"></div>
${p.data ?? ''}${p.workerJs !== undefined ? workerSourceElement(p.workerJs) + '\n' : ''}<script nonce="${nonce}">
${inlineScript(p.script)}
</script>
</body>
</html>
`;
}

/** The id of the non-executed <script type="text/plain"> that carries the layout worker's source. */
export const LAYOUT_WORKER_ELEMENT_ID = 'al-layout-worker';

/** The layout worker's source, carried in the page (a worker is then made from a Blob of it). */
export function workerSourceElement(workerJs: string): string {
  return `<script type="text/plain" id="${LAYOUT_WORKER_ELEMENT_ID}">${inlineScript(workerJs)}</script>`;
}

/** A random nonce from Web Crypto (Node 20 and browsers alike). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
