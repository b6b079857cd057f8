// Helpers shared by the integration tests (they run in the extension host; see ./index.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AutogradLensApi, AutogradLensState } from '../../src/extension/extension';

export const EXTENSION_ID = 'autograd-lens.autograd-lens';

/** The extension's API (activating it if needed). */
export async function api(): Promise<AutogradLensApi> {
  const ext = vscode.extensions.getExtension<AutogradLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** A file of the test workspace folder. */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Polls until probe returns something truthy (no fixed sleeps in the tests). */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Opens a workspace file in the first column with the cursor on `line` (default: the last line). */
export async function open(name: string, line?: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const at = line ?? doc.lineCount - 1;
  editor.selection = new vscode.Selection(at, 0, at, 0);
  return editor;
}

/** Runs one of the extension's commands (`autogradLens.<command>`). */
export const run = <T = AutogradLensState>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(`autogradLens.${command}`, ...args);

/** Waits for the page to report a drawing newer than `since` (performance.now() of this host). */
export async function rendered(lens: AutogradLensApi, since: number): Promise<NonNullable<AutogradLensState['render']>> {
  return waitFor(() => {
    const r = lens.getState().render;
    return r && r.at > since ? r : undefined;
  }, 'the panel to draw the graph');
}

/**
 * Asks scripts/vscode/run-tests.js to photograph the window now, while the extension is active
 * (after the tests end its decorations are gone), and waits until it has. Elsewhere (the
 * test-electron runner) there is no one to ask: it returns at once.
 */
export async function screenshotNow(): Promise<void> {
  const ack = process.env.AUTOGRAD_LENS_SCREENSHOT_ACK;
  if (!ack) return;
  const fs = await import('fs');
  console.log('AUTOGRAD_LENS_SCREENSHOT {}');
  await waitFor(() => fs.existsSync(ack), 'the screenshot', 20_000);
}
