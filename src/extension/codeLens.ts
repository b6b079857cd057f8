/**
 * Code lenses on Python documents and notebook cells: "Trace" above each cell; after a trace,
 * "Step through backward (N nodes)" above each backward() call, and (a setting) the value a
 * line made.
 */
import * as vscode from 'vscode';
import { NOTEBOOK_CELL_SCHEME } from './snippet';
import type { TracedState } from './tracedState';

/** `# %%`, `#%%`, `# %% title` at column 0 (the rule of src/frontends/python/cells.ts), markdown cells excluded. */
function isCodeCellMarker(line: string): boolean {
  const m = /^#[ \t]*%%(?:[ \t](.*))?$/.exec(line);
  if (!m) return false;
  const title = (m[1] ?? '').trim();
  return !title.startsWith('[markdown]') && !title.startsWith('[md]');
}

const isCode = (line: string) => {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
};

/** 0-based lines where a "Trace" lens goes: each code cell's marker, and the first code line before any marker. */
export function cellLensLines(doc: vscode.TextDocument): number[] {
  const lines: number[] = [];
  let firstCode: number | undefined;
  let sawMarker = false;
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (/^#[ \t]*%%/.test(text)) {
      sawMarker = true;
      if (isCodeCellMarker(text)) lines.push(i);
    } else if (!sawMarker && firstCode === undefined && isCode(text)) firstCode = i;
  }
  if (firstCode !== undefined) lines.unshift(firstCode);
  return lines;
}

const VALUE_LENS_MAX = 90;

export class AutogradCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly state: TracedState,
    private readonly valueLensEnabled: () => boolean,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const traceLines = doc.uri.scheme === NOTEBOOK_CELL_SCHEME ? [0] : cellLensLines(doc);
    for (const line of traceLines) {
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: 'Trace',
          tooltip: 'Run this cell and every cell above it on Autograd Lens\'s engine and show the grad_fn graph',
          command: 'autogradLens.trace',
          arguments: [doc.uri, line],
        }),
      );
    }
    const view = this.state.current(doc);
    if (!view) return lenses;
    const uri = doc.uri.toString();

    // backward() / autograd.grad() calls: one lens per line (a loop makes several passes there)
    const passesByLine = new Map<number, number[]>();
    for (const pass of view.session.trace.passes) {
      const at = pass.range && view.map.toDoc(pass.range.line);
      if (!at || at.uri !== uri || at.line >= doc.lineCount) continue;
      const list = passesByLine.get(at.line) ?? [];
      list.push(pass.index);
      passesByLine.set(at.line, list);
    }
    for (const [line, passes] of passesByLine) {
      const first = view.session.trace.passes[passes[0]];
      const range = new vscode.Range(line, 0, line, 0);
      const what = first.kind === 'grad' ? 'autograd.grad' : 'backward';
      const nodes = first.steps.length;
      lenses.push(
        new vscode.CodeLens(range, {
          title: `Step through ${what} (${nodes} node${nodes === 1 ? '' : 's'})`,
          tooltip: `Open the graph at the start of backward pass ${first.index + 1} and step through it node by node`,
          command: 'autogradLens.selectBackwardPass',
          arguments: [first.index],
        }),
      );
      if (passes.length > 1) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `${passes.length} passes here…`,
            tooltip: 'This line ran backward more than once: choose a pass',
            command: 'autogradLens.selectBackwardPass',
            arguments: [{ passes }],
          }),
        );
      }
    }

    if (this.valueLensEnabled()) {
      for (const vline of view.index.lines()) {
        const at = view.map.toDoc(vline);
        if (!at || at.uri !== uri || at.line >= doc.lineCount || passesByLine.has(at.line)) continue;
        const text = doc.lineAt(at.line).text;
        const target = /^\s*([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\s*(?::[^=]*)?(?:[-+*/@%]|\/\/|\*\*)?=(?!=)/.exec(text)?.[1];
        const t = view.index.assignedOn(vline, target);
        if (!t) continue;
        let value = view.index.repr(t).split('\n')[0];
        if (value.length > VALUE_LENS_MAX) value = value.slice(0, VALUE_LENS_MAX - 1) + '…';
        lenses.push(new vscode.CodeLens(new vscode.Range(at.line, 0, at.line, 0), { title: target ? `${target} = ${value}` : value, command: '' }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
