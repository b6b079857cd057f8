// Helpers shared by the integration tests (they run in the extension host; see ./index.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AutogradLensApi } from '../../src/extension/extension';

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
