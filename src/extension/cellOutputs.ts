/**
 * Each traced cell's output shown beside it: the first line after the cell's last line of
 * code, the whole output (stdout, warnings, error) on hover.
 */
import * as vscode from 'vscode';
import type { TraceSession } from './session';

interface Placed {
  line: number;
  text: string;
  full: string;
  isError: boolean;
}

const MAX_INLINE = 120;

function outputOf(cell: TraceSession['trace']['cells'][number]): { text: string; isError: boolean } {
  const parts = [cell.stdout.replace(/\n$/, '')];
  for (const w of cell.warnings) parts.push(`${w.category}: ${w.message}`);
  if (cell.error) parts.push(cell.error);
  return { text: parts.filter((p) => p !== '').join('\n'), isError: cell.error !== null };
}

export class CellOutputs implements vscode.Disposable {
  private readonly normal = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly failed = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorError.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private placed = new Map<string, Placed[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private enabled: () => boolean) {
    this.disposables.push(vscode.window.onDidChangeVisibleTextEditors(() => this.render()));
  }

  /** What is shown for a document (for tests and the API). */
  outputsFor(uri: string): { line: number; text: string }[] {
    return (this.placed.get(uri) ?? []).map(({ line, text }) => ({ line, text }));
  }

  show(session: TraceSession | undefined): void {
    this.placed.clear();
    if (session && this.enabled()) {
      session.cells.forEach((ran, i) => {
        const cell = session.trace.cells[i];
        if (!cell) return;
        const { text, isError } = outputOf(cell);
        if (!text) return;
        // a cell that failed shows its error beside the line that raised it (the lines after it
        // never ran); otherwise the output goes after the cell's last line of code
        const at = cell.error && cell.errorRange ? session.map.toDoc(cell.errorRange.line) : undefined;
        const line = at ?? this.lastCodeLine(session, ran.startLine, ran.lineCount);
        if (!line) return;
        const lines = text.split('\n');
        const first = isError && at ? cell.error! : lines[0];
        let inline = first.length > MAX_INLINE ? first.slice(0, MAX_INLINE - 1) + '…' : first;
        if (lines.length > 1) inline += `  (+${lines.length - 1} lines)`;
        const list = this.placed.get(line.uri) ?? [];
        list.push({ line: line.line, text: `⇒ ${inline}`, full: text, isError });
        this.placed.set(line.uri, list);
      });
    }
    this.render();
  }

  private lastCodeLine(session: TraceSession, startLine: number, lineCount: number) {
    for (let v = startLine + lineCount - 1; v >= startLine; v--) {
      const at = session.map.toDoc(v);
      if (!at) continue;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === at.uri);
      if (!doc || at.line >= doc.lineCount) continue;
      const text = doc.lineAt(at.line).text.trim();
      if (text !== '' && !text.startsWith('#')) return at;
    }
    return undefined;
  }

  private render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const list = this.placed.get(editor.document.uri.toString()) ?? [];
      const options = (errors: boolean): vscode.DecorationOptions[] =>
        list
          .filter((p) => p.isError === errors && p.line < editor.document.lineCount)
          .map((p) => {
            const end = editor.document.lineAt(p.line).range.end;
            const hover = new vscode.MarkdownString();
            hover.appendMarkdown('**Autograd Lens** output\n');
            hover.appendCodeblock(p.full, 'text');
            return { range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: p.text } } };
          });
      editor.setDecorations(this.normal, options(false));
      editor.setDecorations(this.failed, options(true));
    }
  }

  dispose(): void {
    this.normal.dispose();
    this.failed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
