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
