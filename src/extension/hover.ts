/**
 * Hover on a variable in traced code: its repr, shape, dtype, requires_grad, is_leaf,
 * grad_fn and .grad, as the trace recorded them.
 */
import * as vscode from 'vscode';
import type { TraceTensor, TraceValue } from '../trace/trace';
import type { TracedState, TracedView } from './tracedState';

const DOTTED = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `name = …`, `name += …`, `name: T = …` (not `==`), at the start of a line. */
function assignmentRe(name: string): RegExp {
  return new RegExp(`^\\s*${escapeRe(name)}\\s*(?::[^=]*)?(?:[-+*/@%]|//|\\*\\*)?=(?!=)`);
}

const pyBool = (b: boolean) => (b ? 'True' : 'False');
const size = (v: TraceValue) => `torch.Size([${v.shape.join(', ')}])`;

export class TensorHover implements vscode.HoverProvider {
  constructor(private readonly state: TracedState) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const view = this.state.current(doc);
    if (!view) return undefined;
    const word = doc.getWordRangeAtPosition(pos, DOTTED);
    if (!word) return undefined;
    // `model.lin.weight` up to the part under the cursor
    const partEnd = doc.getWordRangeAtPosition(pos)?.end ?? word.end;
    let expr = doc.getText(new vscode.Range(word.start, partEnd));
    let wantGrad = false;
    if (expr.endsWith('.grad')) {
      wantGrad = true;
      expr = expr.slice(0, -'.grad'.length);
    }
    const line = view.map.toVirtual(doc.uri.toString(), pos.line);
    if (line === undefined) return undefined;
    const tensor = this.resolve(view, expr, line, word.start.character);
    if (!tensor) return undefined;
    return new vscode.Hover(this.render(view, expr, tensor, wantGrad), new vscode.Range(word.start, partEnd));
  }

  /** The tensor `expr` holds at `line`: made by its last assignment at or above the line, else bound to it at the end. */
  private resolve(view: TracedView, expr: string, line: number, col: number): TraceTensor | undefined {
    const re = assignmentRe(expr);
    for (let v = line; v >= 1; v--) {
      const at = view.map.toDoc(v);
      if (!at) continue;
      const text = view.lineText(at);
      if (text === undefined) continue;
      const m = re.exec(text);
      if (!m) continue;
      // On the assigned line, a name right of the `=` is the previous value (z = z.mean()).
      if (v === line && col >= m[0].length) continue;
      return view.index.assignedOn(v, expr);
    }
    return view.index.named(expr);
  }

  private render(view: TracedView, expr: string, t: TraceTensor, wantGrad: boolean): vscode.MarkdownString {
    const md = new vscode.MarkdownString();
    const fn = view.index.gradFnName(t);
    // Only generated text goes in code spans (identifiers, shapes, dtypes, node names); values go in code blocks.
    md.appendMarkdown(`**\`${wantGrad ? `${expr}.grad` : expr}\`** · Autograd Lens\n`);
    if (wantGrad) md.appendCodeblock(t.grad ? t.grad.text : 'None', 'python');
    else md.appendCodeblock(view.index.repr(t), 'python');
    const rows: [string, string][] = [
      ['shape', size(t.value)],
      ['dtype', `torch.${t.value.dtype}`],
      ['requires_grad', pyBool(t.requiresGrad)],
      ['is_leaf', pyBool(t.isLeaf)],
      ['grad_fn', fn ? `<${fn}>` : 'None'],
    ];
    md.appendMarkdown('\n' + rows.map(([k, v]) => `- \`${k}\`: \`${v}\`\n`).join(''));
    if (!wantGrad) {
      if (t.grad) {
        md.appendMarkdown('- `.grad`:\n');
        md.appendCodeblock(t.grad.text, 'python');
      } else md.appendMarkdown('- `.grad`: `None`\n');
    }
    return md;
  }
}
