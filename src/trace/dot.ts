/**
 * Graphviz DOT for a trace's grad_fn graph: function nodes as PyTorch names them, edges along
 * next_functions (the way gradients flow, output at the top, leaves at the bottom), each
 * AccumulateGrad with its leaf tensor, and the named tensors and backward roots pointing at
 * their grad_fn. With a stepper position, the nodes already executed in that pass are filled
 * and the current one is outlined. Pure: no DOM, no vscode.
 */
import type { StepPosition } from './protocol';
import type { Trace, TraceTensor, TraceValue } from './trace';

export interface DotOptions {
  position?: StepPosition;
  /** Graph name (an identifier is not required: it is quoted). */
  name?: string;
}

/** A DOT double-quoted string: backslashes, quotes and line breaks escaped; nothing else is special. */
export function dotString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n') + '"';
}

const shapeText = (v: TraceValue) => `(${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''}) ${v.dtype}`;

/** Its Python names, or what it is (a backward root is an "output"; a leaf rebound since is a "leaf"). */
function tensorLabel(t: TraceTensor, isRoot: boolean): string {
  const name = t.names.length ? t.names.join(', ') : isRoot ? 'output' : t.isLeaf ? 'leaf' : 'tensor';
  return `${name}\n${shapeText(t.value)}`;
}

export function traceToDot(trace: Trace, options: DotOptions = {}): string {
  const out: string[] = [];
  out.push(`digraph ${dotString(options.name ?? 'autograd')} {`);
  out.push('  graph [rankdir=TB, fontname="Helvetica"];');
  out.push('  node [fontname="Helvetica", fontsize=11];');
  out.push('  edge [arrowsize=0.7];');

  const executed = new Set<string>();
  let current: string | undefined;
  const pass = options.position ? trace.passes[options.position.pass] : undefined;
  if (pass && options.position) {
    const shown = pass.steps.slice(0, options.position.step);
    for (const s of shown) executed.add(s.node);
    current = shown[shown.length - 1]?.node;
  }

  const tensors = new Map(trace.tensors.map((t) => [t.id, t]));
  const roots = new Set(trace.passes.map((p) => p.root));
  const drawn = new Set<string>();
  const tensorNode = (t: TraceTensor) => {
    if (drawn.has(t.id)) return;
    drawn.add(t.id);
    const style = t.isLeaf ? 'shape=box, style="rounded,filled", fillcolor="#d7ebff"' : 'shape=ellipse';
    out.push(`  ${dotString(t.id)} [label=${dotString(tensorLabel(t, roots.has(t.id)))}, ${style}];`);
  };

  for (const n of trace.nodes) {
    const attrs = [`label=${dotString(n.name)}`, 'shape=box'];
    if (n.formula) attrs.push(`tooltip=${dotString(n.formula)}`);
    const style: string[] = [];
    if (n.kind === 'accumulate') style.push('dashed');
    if (executed.has(n.id)) {
      style.push('filled');
      attrs.push('fillcolor="#fff2b3"');
    }
    if (n.id === current) attrs.push('penwidth=2.5', 'color="#c05000"');
    if (style.length) attrs.push(`style=${dotString(style.join(','))}`);
    out.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const n of trace.nodes) {
    n.next.forEach((e, i) => {
      if (e) out.push(`  ${dotString(n.id)} -> ${dotString(e.node)} [tooltip=${dotString(`input ${i}`)}];`);
    });
    if (n.kind === 'accumulate' && n.variable) {
      const leaf = tensors.get(n.variable);
      if (leaf) {
        tensorNode(leaf);
        out.push(`  ${dotString(n.id)} -> ${dotString(leaf.id)} [style=dotted, arrowhead=none];`);
      }
    }
  }
  const nodeIds = new Set(trace.nodes.map((n) => n.id));
  for (const t of trace.tensors) {
    if (!t.gradFn || !nodeIds.has(t.gradFn) || (t.names.length === 0 && !roots.has(t.id))) continue;
    tensorNode(t);
    out.push(`  ${dotString(t.id)} -> ${dotString(t.gradFn)} [style=dashed, label="grad_fn", fontsize=9];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
