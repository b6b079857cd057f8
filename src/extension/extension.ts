import * as vscode from 'vscode';

/** What tests and other extensions can read about the extension's state. */
export interface AutogradLensApi {
  getState(): { panelVisible: boolean };
}

export function activate(context: vscode.ExtensionContext): AutogradLensApi {
  context.subscriptions.push(
    vscode.commands.registerCommand('autogradLens.trace', () => vscode.window.showInformationMessage('Autograd Lens: tracing is being wired up.')),
  );
  return { getState: () => ({ panelVisible: false }) };
}

export function deactivate(): void {}
