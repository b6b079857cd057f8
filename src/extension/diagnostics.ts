/**
 * A snippet's errors as diagnostics at their exact range: the message as PyTorch (or Python)
 * words it, then a one-line hint.
 */
import * as vscode from 'vscode';
import type { SourceRange } from '../trace/trace';
import { hintFor } from './hints';
import type { TraceSession } from './session';
import type { SourceMap } from './sourceMap';

export const DIAGNOSTIC_SOURCE = 'Autograd Lens';

/** The document range of a range of the traced snippet (which may span notebook cells: cut at the first). */
export function docRange(map: SourceMap, r: SourceRange): { uri: string; range: vscode.Range } | undefined {
  const start = map.toDoc(r.line);
  if (!start) return undefined;
  const end = map.toDoc(r.endLine);
  const endPos = end && end.uri === start.uri ? new vscode.Position(end.line, r.endCol) : new vscode.Position(start.line, Number.MAX_SAFE_INTEGER);
  return { uri: start.uri, range: new vscode.Range(new vscode.Position(start.line, r.col), endPos) };
}

function diagnostic(range: vscode.Range, error: string): vscode.Diagnostic {
  const hint = hintFor(error);
  const d = new vscode.Diagnostic(range, hint ? `${error}\n${hint}` : error, vscode.DiagnosticSeverity.Error);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = error.split(':', 1)[0];
  return d;
}

export class SnippetDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('autogradLens');

  /** Replaces the diagnostics of every document the session's snippet came from. */
  show(session: TraceSession): void {
    for (const uri of session.map.uris) this.collection.delete(vscode.Uri.parse(uri));
    const byUri = new Map<string, vscode.Diagnostic[]>();
    const seen = new Set<string>();
    const add = (r: SourceRange | null, cellStart: number, error: string) => {
      // no location (an internal error): the cell's first line
      const at = docRange(session.map, r ?? { line: cellStart, col: 0, endLine: cellStart, endCol: 10_000 });
      if (!at) return;
      const key = `${at.uri}|${at.range.start.line}:${at.range.start.character}|${error}`;
      if (seen.has(key)) return;
      seen.add(key);
      const list = byUri.get(at.uri) ?? [];
      list.push(diagnostic(at.range, error));
      byUri.set(at.uri, list);
    };
    for (const cell of session.trace.cells) if (cell.error) add(cell.errorRange, cell.startLine, cell.error);
    for (const e of session.syntaxErrors) add(e.range, e.range.line, e.message);
    for (const [uri, list] of byUri) this.collection.set(vscode.Uri.parse(uri), list);
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.collection.delete(uri);
    else this.collection.clear();
  }

  dispose(): void {
    this.collection.dispose();
  }
}
