/**
 * Export Graph: the SVG the panel has drawn, Graphviz DOT, or the JSON trace.
 */
import * as vscode from 'vscode';
import { traceToDot } from '../trace/dot';
import type { GraphPanel } from './graphPanel';
import type { SessionStore } from './session';

export type ExportFormat = 'svg' | 'dot' | 'json';

export interface ExportArgs {
  format?: ExportFormat;
  /** Where to write; without it a save dialog asks. */
  uri?: vscode.Uri;
}

const FORMATS: { format: ExportFormat; label: string; description: string; ext: string; filter: string }[] = [
  { format: 'svg', label: 'SVG', description: 'the graph as drawn in the panel', ext: 'svg', filter: 'SVG image' },
  { format: 'dot', label: 'Graphviz DOT', description: 'the grad_fn graph for dot / xdot', ext: 'dot', filter: 'Graphviz' },
  { format: 'json', label: 'JSON trace', description: 'tensors, graph and backward steps (docs/trace-format.md)', ext: 'json', filter: 'JSON' },
];

function defaultUri(ext: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, `autograd-graph.${ext}`) : undefined;
}

/** An SVG file from the page's serialized drawing (an XML declaration, the SVG namespace). */
export function svgFile(svg: string): string {
  let body = svg.trim();
  if (!/^<svg[\s>]/.test(body) && !body.startsWith('<?xml')) throw new Error('the panel did not return an SVG drawing');
  if (body.startsWith('<svg') && !/^<svg[^>]*\sxmlns=/.test(body)) body = body.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return body.startsWith('<?xml') ? body + '\n' : `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

/** Returns the file written, or undefined if the user cancelled. */
export async function exportGraph(store: SessionStore, panel: GraphPanel, args: ExportArgs = {}): Promise<vscode.Uri | undefined> {
  const session = store.session;
  if (!session) {
    void vscode.window.showInformationMessage('Autograd Lens: trace some code first (Autograd Lens: Trace Selection).');
    return undefined;
  }
  let choice = FORMATS.find((f) => f.format === args.format);
  if (!choice) {
    const picked = await vscode.window.showQuickPick(
      FORMATS.map((f) => ({ ...f, label: f.label })),
      { title: 'Export the autograd graph as', placeHolder: 'Format' },
    );
    if (!picked) return undefined;
    choice = picked;
  }
  const uri =
    args.uri ??
    (await vscode.window.showSaveDialog({ defaultUri: defaultUri(choice.ext), filters: { [choice.filter]: [choice.ext] }, title: 'Export the autograd graph' }));
  if (!uri) return undefined;

  let content: string;
  if (choice.format === 'json') content = JSON.stringify(session.trace, null, 2) + '\n';
  else if (choice.format === 'dot') content = traceToDot(session.trace, { position: store.position });
  else {
    panel.createOrShow(true);
    const svg = await panel.requestSvg();
    if (svg === undefined) throw new Error('the graph panel did not return its drawing in time');
    content = svgFile(svg);
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  return uri;
}
