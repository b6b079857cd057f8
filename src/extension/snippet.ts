/**
 * What "Trace" runs: the selection; without one, the current `# %%` cell and every cell above
 * it; in a notebook, the code cells up to the current one.
 */
import * as vscode from 'vscode';
import type { RunInput } from './interpreterClient';
import { SourceMap } from './sourceMap';

export interface Snippet {
  input: RunInput;
  map: SourceMap;
  /** Shown as the panel's title and in messages. */
  title: string;
}

export const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

export function notebookOfCell(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (doc.uri.scheme !== NOTEBOOK_CELL_SCHEME) return undefined;
  const key = doc.uri.toString();
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document.uri.toString() === key));
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** The selection, widened to whole lines (a partial first line would shift every column). */
function selectionSnippet(doc: vscode.TextDocument, sel: vscode.Selection): Snippet {
  const first = sel.start.line;
  const last = sel.end.character === 0 && sel.end.line > first ? sel.end.line - 1 : sel.end.line;
  const range = new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
  const source = doc.getText(range) + '\n';
  const map = new SourceMap([{ uri: doc.uri.toString(), virtualStart: 1, lineCount: doc.lineCount, docLine: 0 }]);
  return {
    input: { kind: 'cells', cells: [{ source, startLine: first + 1, startOffset: doc.offsetAt(range.start) }] },
    map,
    title: `${baseName(notebookOfCell(doc)?.uri ?? doc.uri)}: lines ${first + 1}–${last + 1}`,
  };
}

/** A `.py` file: its cells up to the one holding `line` (0-based); the worker splits them. */
function fileSnippet(doc: vscode.TextDocument, line: number): Snippet {
  return {
    input: { kind: 'percentFile', text: doc.getText(), upToLine: line + 1 },
    map: new SourceMap([{ uri: doc.uri.toString(), virtualStart: 1, lineCount: doc.lineCount, docLine: 0 }]),
    title: baseName(doc.uri),
  };
}

/** A notebook's Python code cells up to and including `upTo` (an index into the notebook). */
export function notebookSnippet(nb: vscode.NotebookDocument, upTo: number): Snippet {
  const cells: { source: string; startLine: number; startOffset: number }[] = [];
  const segments = [];
  let line = 1;
  let offset = 0;
  for (const cell of nb.getCells().slice(0, upTo + 1)) {
    if (cell.kind !== vscode.NotebookCellKind.Code || cell.document.languageId !== 'python') continue;
    const source = cell.document.getText();
    const lineCount = cell.document.lineCount;
    cells.push({ source: source.endsWith('\n') ? source : source + '\n', startLine: line, startOffset: offset });
    segments.push({ uri: cell.document.uri.toString(), virtualStart: line, lineCount, docLine: 0 });
    line += lineCount;
    offset += source.length + 1;
  }
  return { input: { kind: 'cells', cells }, map: new SourceMap(segments), title: `${baseName(nb.uri)}: cells 1–${upTo + 1}` };
}

/**
 * The snippet for a trace request. `line` (0-based) comes from a "Trace" code lens and means
 * "this cell and the ones above", ignoring the selection.
 */
export function snippetFor(doc: vscode.TextDocument, selection: vscode.Selection | undefined, line?: number): Snippet {
  if (line === undefined && selection && !selection.isEmpty) return selectionSnippet(doc, selection);
  const nb = notebookOfCell(doc);
  if (nb) {
    const index = nb.getCells().findIndex((c) => c.document.uri.toString() === doc.uri.toString());
    return notebookSnippet(nb, index);
  }
  return fileSnippet(doc, line ?? selection?.active.line ?? 0);
}
