/**
 * The graph panel's HTML: a fixed shell carrying our own bundle, stylesheet and layout worker
 * inline, so a new panel draws without fetching anything (each webview resource is a round trip
 * through VS Code's service worker and the workbench: ~100 ms apiece, one after the other).
 * Nothing from a snippet is ever put here: the trace travels as a message and the page renders
 * it as text.
 */
import * as vscode from 'vscode';
import { inlinePage } from '../webview/inline';

/** The page loads nothing from disk: everything it runs is in its HTML. */
export function localResourceRoots(): vscode.Uri[] {
  return [];
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

export function panelHtml(assets: PageAssets, nonce?: string): string {
  return inlinePage({ nonce, title: 'Autograd Lens', css: assets.css, script: assets.script, workerJs: assets.worker });
}
