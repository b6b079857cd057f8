/** How trace objects are referred to in the side panel ("MulBackward0", "x", "output of MeanBackward0"). */
import type { Trace, TraceNode, TraceTensor } from '../../trace/trace';

export class Names {
  readonly nodes: Map<string, TraceNode>;
  readonly tensors: Map<string, TraceTensor>;

  constructor(readonly trace: Trace) {
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    this.tensors = new Map(trace.tensors.map((t) => [t.id, t]));
  }

  node(id: string | null | undefined): string {
    if (!id) return '?';
    const n = this.nodes.get(id);
    if (!n) return id;
    if (n.kind === 'accumulate' && n.variable) {
      const v = this.tensors.get(n.variable);
      if (v?.names.length) return `AccumulateGrad (${v.names[0]})`;
    }
    return n.name;
  }

  tensor(id: string | null | undefined): string {
    if (!id) return '?';
    const t = this.tensors.get(id);
    if (!t) return id;
    if (t.names.length) return [...new Set(t.names)].join(', ');
    if (t.gradFn) return `the output of ${this.node(t.gradFn)}`;
    return t.isLeaf ? 'a leaf tensor' : 'a tensor';
  }

  /** The tensor a node produced, or the leaf an AccumulateGrad writes. */
  tensorOf(nodeId: string): TraceTensor | null {
    const n = this.nodes.get(nodeId);
    if (!n) return null;
    const id = n.kind === 'accumulate' ? n.variable : n.outputs[0];
    return (id && this.tensors.get(id)) || null;
  }
}
