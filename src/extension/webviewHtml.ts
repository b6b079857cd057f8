/**
 * The graph panel's HTML: a fixed shell that loads the webview bundle. Nothing from a snippet
 * is ever put here: the trace travels as a message and the page renders it as text.
 */
import * as vscode from 'vscode';

/** A fresh nonce from Web Crypto (available in Node 20 and in browsers alike). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the panel may load: the built bundles and the media folder, nothing else. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/**
 * The Content-Security-Policy: only our nonce'd script; styles, fonts and images from the
 * extension's own files; the layout worker from the extension's files (or a blob made from
 * them); no eval, no inline event handlers, no network.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `worker-src ${cspSource} blob:`,
    `connect-src ${cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface PageAssets {
  script: vscode.Uri;
  worker: vscode.Uri;
  styles: vscode.Uri[];
}

export function panelHtml(webview: vscode.Webview, assets: PageAssets, nonce = makeNonce()): string {
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  const uri = (u: vscode.Uri) => escapeAttr(webview.asWebviewUri(u).toString());
  const styles = assets.styles.map((s) => `<link rel="stylesheet" href="${uri(s)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>Autograd Lens</title>
  </head>
  <body>
    <div id="al-root"></div>
    <script nonce="${nonce}" src="${uri(assets.script)}" data-worker="${uri(assets.worker)}"></script>
  </body>
</html>`;
}
