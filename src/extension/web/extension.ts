/**
 * The extension in VS Code for the web (package.json `browser`, bundled to
 * dist/web/extension.js): the desktop extension itself, with its interpreter in a Web Worker
 * (dist/web/worker.js) instead of a Node worker thread. esbuild.js builds it with platform
 * `browser` and puts host/defaultHost.web.ts in place of the Node host; the shared code
 * imports no Node module, and any that sneaks in fails the build.
 */
import * as vscode from 'vscode';
import { activate as activateShared, deactivate as deactivateShared } from '../extension';
import type { AutogradLensApi } from '../extension';
import { setDefaultHost } from '../host/defaultHost.web';
import { WebInterpreterHost } from '../host/webHost';

export type { AutogradLensApi, AutogradLensState } from '../extension';

export function activate(context: vscode.ExtensionContext): AutogradLensApi {
  const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js');
  setDefaultHost(
    new WebInterpreterHost({
      url: script.toString(true),
      read: () => vscode.workspace.fs.readFile(script),
    }),
  );
  return activateShared(context);
}

export function deactivate(): void {
  deactivateShared();
}
