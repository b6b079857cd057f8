/**
 * Finding tensors of a trace by where they were made and by name, and printing them as
 * PyTorch does (with the requires_grad / grad_fn suffix).
 */
import type { Trace, TraceNode, TraceTensor } from '../trace/trace';

const creationOrder = (id: string) => Number(id.replace(/^\D+/, '')) || 0;

export class TensorIndex {
  private readonly byLine = new Map<number, TraceTensor[]>();
  private readonly byName = new Map<string, TraceTensor>();
  private readonly nodes: Map<string, TraceNode>;
  readonly tensors: Map<string, TraceTensor>;

  constructor(readonly trace: Trace) {
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    this.tensors = new Map(trace.tensors.map((t) => [t.id, t]));
    const sorted = trace.tensors.slice().sort((a, b) => creationOrder(a.id) - creationOrder(b.id));
    for (const t of sorted) {
      if (t.range) {
        const list = this.byLine.get(t.range.line) ?? [];
        list.push(t);
        this.byLine.set(t.range.line, list);
      }
      for (const n of t.names) this.byName.set(n, t);
    }
  }

  /** The tensors a statement starting on this (virtual) line made, oldest first. */
  madeOn(line: number): TraceTensor[] {
    return this.byLine.get(line) ?? [];
  }

  /** Lines on which tensors were made. */
  lines(): number[] {
    return [...this.byLine.keys()].sort((a, b) => a - b);
  }

  /** What `name = …` on this line bound: the tensor of that name made there, else the last one made there. */
  assignedOn(line: number, name?: string): TraceTensor | undefined {
    const made = this.madeOn(line);
    if (made.length === 0) return undefined;
    const named = name ? made.filter((t) => t.names.includes(name)) : [];
    return (named.length ? named : made)[(named.length ? named : made).length - 1];
  }

  /** The tensor bound to `name` at the end of the run. */
  named(name: string): TraceTensor | undefined {
    return this.byName.get(name);
  }

  gradFnName(t: TraceTensor): string | undefined {
    return t.gradFn ? this.nodes.get(t.gradFn)?.name : undefined;
  }

  /** PyTorch's repr: the value's text with `, grad_fn=<…>` or `, requires_grad=True` before its closing parenthesis. */
  repr(t: TraceTensor): string {
    const fn = this.gradFnName(t);
    const suffix = fn ? `, grad_fn=<${fn}>` : t.requiresGrad && t.isLeaf ? ', requires_grad=True' : '';
    const text = t.value.text;
    return suffix && text.endsWith(')') ? `${text.slice(0, -1)}${suffix})` : text;
  }
}
