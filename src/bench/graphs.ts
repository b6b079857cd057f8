/**
 * Synthetic traces (src/trace/trace.ts) of a given node count, shaped like the engine's own:
 * - chain: `x = x * 1.0001 + 0.001` repeated — alternating MulBackward0 / AddBackward0 down to
 *   one AccumulateGrad: the deepest graph per node;
 * - mlp: unrolled training steps of a 2-layer network (TBackward0, AddmmBackward0, ReluBackward0,
 *   TBackward0, AddmmBackward0, MseLossBackward0 per step) whose parameters' four AccumulateGrad
 *   nodes are shared by every step, and one backward pass per step — the wide, re-converging
 *   graph a training loop produces.
 * Each node's saved tensors are also returned by id (the trace format names them only), so a
 * drawing with tensor boxes can have its saved-tensor edges.
 */
import { Trace, TraceNode, TraceStep, TraceTensor, TraceValue, TRACE_VERSION } from '../trace/trace';

const value = (shape: number[], v: number): TraceValue => ({
  shape,
  dtype: 'float32',
  data: [v],
  truncated: shape.length > 0,
  text: `tensor(${v.toFixed(4)})`,
});

/** A synthetic trace, and for each node the ids of the tensors it saved (the trace names them only). */
export interface SyntheticGraph {
  trace: Trace;
  saved: Map<string, string[]>;
}

class Builder {
  nodes: TraceNode[] = [];
  tensors: TraceTensor[] = [];
  saved = new Map<string, string[]>();
  private seq = 0;

  tensor(names: string[], shape: number[], gradFn: string | null, leaf: boolean, requiresGrad: boolean, line: number): string {
    const id = `t${this.tensors.length + 1}`;
    this.tensors.push({
      id,
      names,
      value: value(shape, 0.5),
      requiresGrad,
      isLeaf: leaf,
      isParameter: leaf && requiresGrad && names.length > 0,
      retainsGrad: false,
      gradFn,
      outputNr: 0,
      grad: leaf && requiresGrad ? value(shape, 0.1) : null,
      range: { line, col: 0, endLine: line, endCol: 20 },
    });
    return id;
  }

  /** A function node; its output tensor is created and linked. */
  fn(name: string, next: (string | null)[], saved: [string, string | null][], shape: number[], line: number): string {
    const id = `n${this.nodes.length + 1}`;
    const out = this.tensor([], shape, id, false, true, line);
    const savedIds = saved.map(([, t]) => (t === 'out' ? out : t)).filter((t): t is string => t !== null);
    if (savedIds.length) this.saved.set(id, savedIds);
    this.nodes.push({
      id,
      name,
      seq: this.seq++,
      kind: 'function',
      next: next.map((n) => (n ? { node: n, inputNr: 0 } : null)),
      outputs: [out],
      variable: null,
      saved: saved.map(([k]) => k),
      formula: '',
      range: { line, col: 0, endLine: line, endCol: 20 },
    });
    return id;
  }

  accumulate(leafName: string, shape: number[]): string {
    const id = `n${this.nodes.length + 1}`;
    const leaf = this.tensor([leafName], shape, null, true, true, 1);
    this.nodes.push({
      id,
      name: 'AccumulateGrad',
      seq: Number.MAX_SAFE_INTEGER,
      kind: 'accumulate',
      next: [],
      outputs: [],
      variable: leaf,
      saved: [],
      formula: '.grad += grad',
      range: null,
    });
    return id;
  }

  outputOf(node: string): string {
    return this.nodes[Number(node.slice(1)) - 1].outputs[0]!;
  }

  graph(passes: { root: string; nodes: string[] }[]): SyntheticGraph {
    return { trace: this.trace(passes), saved: this.saved };
  }

  private trace(passes: { root: string; nodes: string[] }[]): Trace {
    const byId = new Map(this.nodes.map((n) => [n.id, n]));
    return {
      version: TRACE_VERSION,
      generator: 'autograd-lens bench',
      cells: [{ index: 0, startLine: 1, stdout: '', warnings: [], error: null, errorRange: null }],
      tensors: this.tensors,
      nodes: this.nodes,
      passes: passes.map((p, index) => ({
        index,
        kind: 'backward',
        root: p.root,
        gradient: value([], 1),
        range: null,
        steps: p.nodes.map((id): TraceStep => {
          const n = byId.get(id)!;
          return {
            node: id,
            gradIn: [value([], 1)],
            contributions: [[{ from: null, grad: value([], 1) }]],
            gradOut: n.next.map((e) => (e ? value([], 1) : null)),
          };
        }),
      })),
      optimizerSteps: [],
    };
  }
}

/** A chain of `n` nodes: n-1 alternating Mul/Add nodes over one leaf's AccumulateGrad. */
export function chainGraph(n: number): SyntheticGraph {
  const b = new Builder();
  let prev = b.accumulate('x', []);
  const order: string[] = [];
  for (let i = 1; i < n; i++) {
    // x * 1.0001 saves the wrapped scalar (`other`), which is no tensor of the trace
    prev = i % 2 ? b.fn('MulBackward0', [prev, null], [['other', null]], [], 2) : b.fn('AddBackward0', [prev, null], [], [], 2);
    order.push(prev);
  }
  order.reverse();
  order.push(b.nodes[0].id);
  return b.graph([{ root: b.outputOf(prev), nodes: order }]);
}

/** Unrolled training steps of 64→128→10 with ReLU and MSE loss: 6 nodes per step + 4 shared leaves, about `n` nodes. */
export function mlpGraph(n: number): SyntheticGraph {
  const b = new Builder();
  const x = b.tensor(['X'], [256, 64], null, true, false, 5);
  const y = b.tensor(['Y'], [256, 10], null, true, false, 6);
  const w1 = b.accumulate('model.0.weight', [128, 64]);
  const b1 = b.accumulate('model.0.bias', [128]);
  const w2 = b.accumulate('model.2.weight', [10, 128]);
  const b2 = b.accumulate('model.2.bias', [10]);
  const steps = Math.max(1, Math.round((n - 4) / 6));
  const passes: { root: string; nodes: string[] }[] = [];
  for (let s = 0; s < steps; s++) {
    const line = 10;
    const t1 = b.fn('TBackward0', [w1], [], [64, 128], line);
    const a1 = b.fn('AddmmBackward0', [b1, null, t1], [['mat1', x]], [256, 128], line);
    const r = b.fn('ReluBackward0', [a1], [['result', 'out']], [256, 128], line);
    const t2 = b.fn('TBackward0', [w2], [], [128, 10], line);
    const a2 = b.fn('AddmmBackward0', [b2, r, t2], [['mat1', b.outputOf(r)], ['mat2', b.outputOf(t2)]], [256, 10], line);
    const loss = b.fn('MseLossBackward0', [a2, null], [['self', b.outputOf(a2)], ['target', y]], [], line);
    passes.push({ root: b.outputOf(loss), nodes: [loss, a2, b2, t2, w2, r, a1, b1, t1, w1] });
  }
  return b.graph(passes);
}
