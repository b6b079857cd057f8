// Smoke test: the extension loads in a real VS Code, activates on a Python file, hands out
// its API and registers its command. Runs inside the extension host (see ./index.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AutogradLensApi } from '../../src/extension/extension';
import { EXTENSION_ID, waitFor } from './util';

function extension(): vscode.Extension<AutogradLensApi> {
  const ext = vscode.extensions.getExtension<AutogradLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

describe('smoke', () => {
  it('activates when a Python file is opened', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace folder is open');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.py'));
    assert.strictEqual(doc.languageId, 'python');
    await vscode.window.showTextDocument(doc);
    const ext = extension();
    await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate (onLanguage:python)`, 10_000);
  });

  it('returns an API whose state starts with the panel hidden', async () => {
    const api = await extension().activate();
    assert.ok(api && typeof api.getState === 'function', 'activate() returned an API with getState()');
    assert.strictEqual(api.getState().panelVisible, false);
  });

  it('registers the autogradLens.trace command', async () => {
    await extension().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('autogradLens.trace'), 'autogradLens.trace is registered');
  });
});
