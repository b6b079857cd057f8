import { BackwardEvent, Node, Tensor } from '../core';
import { formatTensor } from '../core/format/tensorRepr';
import type { PrintOptions } from '../core/format/tensorRepr';
import { localDerivative } from '../trace/formulas';
import {
  SourceRange,
  Trace,
  TRACE_VERSION,
  TraceCell,
  TraceNode,
  TraceOptimizerStep,
  TracePass,
  TraceStep,
  TraceTensor,
  TraceValue,
  VALUE_CAP,
} from '../trace/trace';

/** What a front end hands over to build a trace: the engine objects and what names them. */
export interface TraceInput {
  cells: TraceCell[];
  /** Tensors bound to names at the end of the run ("x", "model.lin.weight"). */
  named: [string, Tensor][];
  passes: { kind: 'backward' | 'grad'; root: Tensor; gradient: Tensor | null; events: BackwardEvent[]; origin: unknown }[];
  optimizerSteps: { optimizer: string; origin: unknown; params: { tensor: Tensor; before: Tensor; after: Tensor }[] }[];
  printOptions: PrintOptions;
  /** Caps the graph so a long training loop stays drawable; the most recent nodes are kept. */
  maxNodes?: number;
}

/** Gradients on the stepper's card are previews: fewer elements than a tensor's own value. */
const STEP_VALUE_CAP = 64;

const asRange = (o: unknown): SourceRange | null => {
  if (!o || typeof o !== 'object') return null;
  const r = o as SourceRange;
  return typeof r.line === 'number' ? { line: r.line, col: r.col, endLine: r.endLine, endCol: r.endCol } : null;
};

/** Builds the versioned JSON trace of a run from the engine's objects. */
export function buildTrace(input: TraceInput): Trace {
  const opts = input.printOptions;
  // step previews print the way PyTorch does with a lower summarisation threshold
  const stepOpts = { ...opts, threshold: Math.min(opts.threshold, STEP_VALUE_CAP) };
  const value = (t: Tensor, cap = VALUE_CAP): TraceValue => {
    const vals = t.values();
    const n = Math.min(vals.length, cap);
    const data: (number | string)[] = new Array(n);
    // 9 significant digits identify a float32 exactly and keep the JSON small
    const f32 = t.dtype === 'float32';
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      data[i] = Number.isFinite(v) ? (f32 ? Number(v.toPrecision(9)) : v) : String(v);
    }
    return {
      shape: t.shape.slice(),
      dtype: t.dtype,
      data,
      truncated: vals.length > n,
      text: formatTensor({ shape: t.shape, dtype: t.dtype, data: vals }, cap === STEP_VALUE_CAP ? stepOpts : opts),
    };
  };

  // Graph nodes: everything reachable from named tensors, backward roots and executed nodes.
  const nodes = new Map<Node, TraceNode>();
  const order: Node[] = [];
  const stack: Node[] = [];
  const visit = (n: Node | null) => {
    if (n && !nodes.has(n)) {
      nodes.set(n, null as never);
      stack.push(n);
    }
  };
  for (const [, t] of input.named) visit(t.gradFn ?? (t.requiresGrad ? t.accumulator : null));
  for (const p of input.passes) {
    visit(p.root.gradFn);
    for (const e of p.events) visit(e.node);
  }
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (const e of n.next) if (e) visit(e.node);
  }
  order.sort((a, b) => a.seq - b.seq);
  const kept = input.maxNodes && order.length > input.maxNodes ? order.slice(order.length - input.maxNodes) : order;
  const keptSet = new Set(kept);

  // Tensors: named ones, node outputs, accumulated leaves, backward roots.
  const tensors = new Map<Tensor, TraceTensor>();
  const names = new Map<Tensor, string[]>();
  for (const [name, t] of input.named) names.set(t, [...(names.get(t) ?? []), name]);
  const addTensor = (t: Tensor | null): string | null => {
    if (!t) return null;
    let tt = tensors.get(t);
    if (!tt) {
      tt = {
        id: `t${t.id}`,
        names: names.get(t) ?? [],
        value: value(t),
        requiresGrad: t.requiresGrad,
        isLeaf: t.isLeaf,
        isParameter: t.isParameter,
        retainsGrad: t.retainsGrad,
        gradFn: t.gradFn && keptSet.has(t.gradFn) ? `n${t.gradFn.id}` : null,
        outputNr: t.outputNr,
        grad: t.grad ? value(t.grad) : null,
        range: asRange(t.origin),
      };
      tensors.set(t, tt);
    }
    return tt.id;
  };
  for (const [, t] of input.named) addTensor(t);

  const traceNodes: TraceNode[] = kept.map((n) => ({
    id: `n${n.id}`,
    name: n.isAccumulateGrad ? 'AccumulateGrad' : n.name,
    seq: n.isAccumulateGrad ? -1 : n.seq,
    kind: n.isAccumulateGrad ? 'accumulate' : 'function',
    next: n.next.map((e) => (e && keptSet.has(e.node) ? { node: `n${e.node.id}`, inputNr: e.inputNr } : null)),
    outputs: n.isAccumulateGrad ? [] : n.outputs.map((o) => addTensor(o)),
    variable: n.variable ? addTensor(n.variable) : null,
    saved: [...n.saved.keys()],
    formula: localDerivative(n.isAccumulateGrad ? 'AccumulateGrad' : n.name),
    range: asRange(n.origin),
  }));

  const passes: TracePass[] = input.passes.map((p, index) => ({
    index,
    kind: p.kind,
    root: addTensor(p.root)!,
    gradient: p.gradient ? value(p.gradient) : null,
    range: asRange(p.origin),
    steps: p.events
      .filter((e) => keptSet.has(e.node))
      .map((e): TraceStep => ({
        node: `n${e.node.id}`,
        gradIn: e.gradIn.map((g) => (g ? value(g, STEP_VALUE_CAP) : null)),
        contributions: e.contributions.map((cs) => cs.map((c) => ({ from: c.from ? `n${c.from.id}` : null, grad: value(c.grad, STEP_VALUE_CAP) }))),
        gradOut: e.gradOut.map((g) => (g ? value(g, STEP_VALUE_CAP) : null)),
        ...(e.accumulation
          ? {
              accumulation: {
                tensor: addTensor(e.accumulation.tensor)!,
                before: e.accumulation.before ? value(e.accumulation.before) : null,
                incoming: value(e.accumulation.incoming),
                after: value(e.accumulation.after),
              },
            }
          : {}),
      })),
  }));

  const optimizerSteps: TraceOptimizerStep[] = input.optimizerSteps.map((s, index) => ({
    index,
    optimizer: s.optimizer,
    range: asRange(s.origin),
    params: s.params.map((p) => ({ tensor: addTensor(p.tensor)!, before: value(p.before), after: value(p.after) })),
  }));

  return {
    version: TRACE_VERSION,
    generator: 'autograd-lens',
    cells: input.cells,
    tensors: [...tensors.values()],
    nodes: traceNodes,
    passes,
    optimizerSteps,
  };
}
