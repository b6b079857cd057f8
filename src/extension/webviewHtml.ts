/**
 * The graph panel's HTML: a fixed shell carrying our own bundle, stylesheet and layout worker
 * inline, so a new panel draws without fetching anything (each webview resource is a round trip
 * through VS Code's service worker and the workbench: ~100 ms apiece, one after the other).
 * Nothing from a snippet is ever put here: the trace travels as a message and the page renders
 * it as text.
 */
import * as vscode from 'vscode';
import { inlineScript, inlineStyle, makeNonce, workerSourceElement } from '../webview/inline';

export { makeNonce };

/** The page loads nothing from disk: everything it runs is in its HTML. */
export function localResourceRoots(): vscode.Uri[] {
  return [];
}

/**
 * The Content-Security-Policy: only our nonce'd script and style; the layout worker only from a
 * blob the page makes of the source it carries; no eval, no inline event handlers, no network,
 * no resources from anywhere.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The texts the page is made of (dist/webview.js, dist/layoutWorker.js, media/webview.css). */
export interface PageAssets {
  script: string;
  worker: string;
  css: string;
}

/** Reads the page's assets from the extension's files (node and web hosts alike). */
export async function readPageAssets(extensionUri: vscode.Uri): Promise<PageAssets> {
  const read = async (...parts: string[]) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, ...parts)));
  const [script, worker, css] = await Promise.all([read('dist', 'webview.js'), read('dist', 'layoutWorker.js'), read('media', 'webview.css')]);
  return { script, worker, css };
}

export function panelHtml(assets: PageAssets, nonce = makeNonce()): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('nonce must be base64/hex');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <style nonce="${nonce}">
${inlineStyle(assets.css)}
    </style>
    <title>Autograd Lens</title>
  </head>
  <body>
    <div id="al-root"></div>
    ${workerSourceElement(assets.worker)}
    <script nonce="${nonce}">
${inlineScript(assets.script)}
    </script>
  </body>
</html>`;
}
