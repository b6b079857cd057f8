/**
 * What is drawn for a trace: the trace's grad_fn nodes (function and AccumulateGrad), the tensors
 * worth a box of their own (named ones, backward roots, leaves, retained grads), and group nodes
 * standing for collapsed runs of repeated iterations. Edges run from a consumer down to what its
 * next_functions point at — through the input's tensor box when that tensor is drawn — so the
 * picture reads top to bottom the way backward() walks it. A `null` next entry (an input that
 * needs no gradient: a constant, or tracking stopped by detach()/no_grad) is kept as a "cut" on
 * the node's port rather than an edge.
 */
import type { Trace, TraceNode, TraceTensor } from '../../trace/trace';
import { BOX, DEFAULT_METRICS, SMALL_PX, TextMetrics, textWidth, TITLE_PX } from './metrics';
import { findRepeats, RepeatRun } from './repeats';
import { previewValue, shapeText } from './values';

export type DrawKind = 'function' | 'accumulate' | 'tensor' | 'group';
/** root: an output backward starts from; param/leaf: a leaf that requires grad; nograd: no gradient tracked. */
export type TensorRole = 'root' | 'param' | 'leaf' | 'nograd' | 'intermediate';

export interface DrawNode {
  id: string;
  kind: DrawKind;
  /** PyTorch's node name, the tensor's Python names, or "× 49 iterations". */
  title: string;
  /** Tensor: shape and dtype. Group: nodes per iteration and lines. */
  sub: string;
  /** Tensor: value preview. Group: the PyTorch names of one iteration. */
  detail: string;
  w: number;
  h: number;
  /** Laid out at the bottom of its component. */
  bottom: boolean;
  /** The trace node drawn (function/accumulate). */
  traceNode: string | null;
  /** The trace tensor drawn (tensor), or the output of a function node. */
  tensor: string | null;
  role: TensorRole | null;
  /** Group: the run it belongs to, how many iterations, and the trace nodes inside. */
  run: string | null;
  count: number;
  members: string[];
  /** Function nodes: one port per next_functions entry; the indices that are null (cut). */
  ports: number;
  cuts: number[];
  /** Source line to reveal when clicked. */
  line: number | null;
  /** Whether the name is a real Python name (false: "output", "leaf" placeholders). */
  named: boolean;
}

export type EdgeKind = 'grad' | 'output' | 'accumulate';

export interface DrawEdge {
  from: string;
  to: string;
  /** x offset of the port on `from` (function nodes: one port per input). */
  fromPort?: number;
  kind: EdgeKind;
  /** For grad edges drawn between individual nodes: the consumer's trace node and the next index. */
  src: string | null;
  nextIndex: number;
}

export interface DrawGraph {
  nodes: DrawNode[];
  edges: DrawEdge[];
  /** Trace node id → drawn node id (itself or the group holding it). */
  nodeToDrawn: Map<string, string>;
  /** Trace tensor id → drawn node id (its box, or a group holding it); absent when not drawn. */
  tensorToDrawn: Map<string, string>;
  runs: RepeatRun[];
  /** Runs drawn collapsed. */
  collapsed: Set<string>;
}

export type CollapseMode = 'auto' | 'all' | 'none';

export interface ModelOptions {
  /** auto (default): collapse runs that are long or in big graphs; all; none. */
  collapse?: CollapseMode;
  /** Per-run choice made by the user: true = expanded, false = collapsed. */
  expanded?: Record<string, boolean>;
  /** A trace node whose iteration stays drawn in full (the current pass's output). */
  focus?: string | null;
  metrics?: TextMetrics;
  /** Precomputed findRepeats(trace). */
  runs?: RepeatRun[];
}

/** Whether a run is collapsed when the user has not chosen. */
export function collapsedByDefault(run: RepeatRun, trace: Trace, mode: CollapseMode): boolean {
  if (mode === 'none') return false;
  if (mode === 'all') return true;
  return run.blocks.length >= 5 || run.blocks.length * run.period >= 40 || trace.nodes.length > 400;
}

function drawNode(id: string, kind: DrawKind, title: string, w: number, h: number): DrawNode {
  return {
    id,
    kind,
    title,
    sub: '',
    detail: '',
    w,
    h,
    bottom: false,
    traceNode: null,
    tensor: null,
    role: null,
    run: null,
    count: 0,
    members: [],
    ports: 0,
    cuts: [],
    line: null,
    named: true,
  };
}

export function buildDrawGraph(trace: Trace, opts: ModelOptions = {}): DrawGraph {
  const m = opts.metrics ?? DEFAULT_METRICS;
  const mode = opts.collapse ?? 'auto';
  const runs = opts.runs ?? findRepeats(trace);
  const nodeById = new Map<string, TraceNode>();
  for (const n of trace.nodes) nodeById.set(n.id, n);
  const tensorById = new Map<string, TraceTensor>();
  for (const t of trace.tensors) tensorById.set(t.id, t);

  // Collapsed runs → which trace nodes each group holds.
  const groupOf = new Map<string, string>(); // trace node id → group drawn id
  const groups: { id: string; run: RepeatRun; count: number; members: string[] }[] = [];
  const collapsed = new Set<string>();
  for (const run of runs) {
    const choice = opts.expanded?.[run.id];
    if (!(choice === undefined ? collapsedByDefault(run, trace, mode) : !choice)) continue;
    collapsed.add(run.id);
    let rep = run.blocks.length - 1;
    if (opts.focus) {
      const f = run.blocks.findIndex((b) => b.includes(opts.focus!));
      if (f >= 0) rep = f;
    }
    const parts: [number, number][] = [
      [0, rep],
      [rep + 1, run.blocks.length],
    ];
    for (const [a, b] of parts) {
      if (b - a < 2) continue;
      const id = `group:${run.id.slice(4)}:${a}`;
      const members = run.blocks.slice(a, b).flat();
      for (const n of members) groupOf.set(n, id);
      groups.push({ id, run, count: b - a, members });
    }
  }

  const groupById = new Map(groups.map((g) => [g.id, g]));

  // Which tensors get a box: named, backward roots, leaves with an AccumulateGrad, retained grads.
  const passRoots = new Set(trace.passes.map((p) => p.root));
  const consumed = new Set<string>();
  for (const n of trace.nodes) for (const e of n.next) if (e) consumed.add(`${e.node}#${e.inputNr}`);
  const variables = new Set<string>();
  for (const n of trace.nodes) if (n.kind === 'accumulate' && n.variable) variables.add(n.variable);
  const drawTensor = (t: TraceTensor) => t.names.length > 0 || passRoots.has(t.id) || variables.has(t.id) || t.retainsGrad;
  const outputBox = new Map<string, string>(); // "node#k" → tensor id drawn above that output
  const nodeIds = new Set(trace.nodes.map((n) => n.id));
  const tensorDrawnId = (t: TraceTensor) => (nodeIds.has(t.id) ? `tensor:${t.id}` : t.id);
  for (const t of trace.tensors) {
    if (t.gradFn && nodeById.has(t.gradFn) && drawTensor(t)) outputBox.set(`${t.gradFn}#${t.outputNr}`, t.id);
  }

  const nodes: DrawNode[] = [];
  const nodeToDrawn = new Map<string, string>();
  const tensorToDrawn = new Map<string, string>();
  const emitted = new Set<string>();
  const roleOf = (t: TraceTensor): TensorRole => {
    if (!t.requiresGrad) return 'nograd';
    if (t.isLeaf) return t.isParameter ? 'param' : 'leaf';
    if (passRoots.has(t.id) || !t.gradFn || !consumed.has(`${t.gradFn}#${t.outputNr}`)) return 'root';
    return 'intermediate';
  };
  const emitTensor = (t: TraceTensor, inGroup: string | undefined) => {
    if (tensorToDrawn.has(t.id)) return;
    if (inGroup) {
      tensorToDrawn.set(t.id, inGroup);
      return;
    }
    const role = roleOf(t);
    const names = [...new Set(t.names)];
    const named = names.length > 0;
    let title = named ? names.slice(0, 2).join(', ') + (names.length > 2 ? ` +${names.length - 2}` : '') : role === 'root' ? 'output' : role === 'param' || role === 'leaf' ? 'leaf' : 'tensor';
    if (title.length > BOX.maxTensorChars) title = title.slice(0, BOX.maxTensorChars - 1) + '…';
    const sub = `${shapeText(t.value.shape)} ${t.value.dtype}`;
    const detail = previewValue(t.value, BOX.maxTensorChars);
    const w = Math.max(
      BOX.minWidth,
      textWidth(title, TITLE_PX, m) + 8 + textWidth(sub, SMALL_PX, m),
      textWidth(detail, SMALL_PX, m),
    ) + 2 * BOX.padX;
    const id = tensorDrawnId(t);
    const d = drawNode(id, 'tensor', title, Math.ceil(w), BOX.tensorPadY * 2 + BOX.tensorLine1 + BOX.tensorLine2);
    d.sub = sub;
    d.detail = detail;
    d.bottom = variables.has(t.id);
    d.tensor = t.id;
    d.role = role;
    d.line = t.range?.line ?? null;
    d.named = named;
    nodes.push(d);
    tensorToDrawn.set(t.id, id);
  };
  const emitGroup = (gid: string) => {
    if (emitted.has(gid)) return;
    emitted.add(gid);
    const g = groupById.get(gid)!;
    const title = `× ${g.count} iterations`;
    const sub = `${g.run.period} node${g.run.period === 1 ? '' : 's'} each` + (g.run.lines ? ` · line${g.run.lines[0] === g.run.lines[1] ? ` ${g.run.lines[0]}` : `s ${g.run.lines[0]}–${g.run.lines[1]}`}` : '');
    const names = [...new Set(g.run.names)];
    let detail = names.slice(0, 3).join(' · ') + (names.length > 3 ? ' …' : '');
    if (detail.length > 44) detail = detail.slice(0, 43) + '…';
    const w = Math.max(textWidth(title, TITLE_PX, m), textWidth(sub, SMALL_PX, m), textWidth(detail, SMALL_PX, m)) + 2 * BOX.padX + BOX.groupStack;
    const first = nodeById.get(g.members[0]);
    const d = drawNode(gid, 'group', title, Math.ceil(w), BOX.groupHeight);
    d.sub = sub;
    d.detail = detail;
    d.run = g.run.id;
    d.count = g.count;
    d.members = g.members;
    d.line = first?.range?.line ?? null;
    nodes.push(d);
  };
  const emitNode = (n: TraceNode) => {
    const gid = groupOf.get(n.id);
    if (gid) {
      emitGroup(gid);
      nodeToDrawn.set(n.id, gid);
      for (const o of n.outputs) {
        const t = o ? tensorById.get(o) : undefined;
        if (t && outputBox.get(`${n.id}#${t.outputNr}`) === t.id) emitTensor(t, gid);
      }
      if (n.variable) {
        const v = tensorById.get(n.variable);
        if (v) emitTensor(v, gid);
      }
      return;
    }
    // output tensors above the node
    n.outputs.forEach((_, k) => {
      const tid = outputBox.get(`${n.id}#${k}`);
      if (tid) emitTensor(tensorById.get(tid)!, undefined);
    });
    const title = n.name;
    const w = Math.max(BOX.minWidth, textWidth(title, TITLE_PX, m) + 2 * BOX.padX, n.next.length * 16);
    const d = drawNode(n.id, n.kind === 'accumulate' ? 'accumulate' : 'function', title, Math.ceil(w), BOX.fnHeight);
    for (let j = 0; j < n.next.length; j++) if (!n.next[j]) d.cuts.push(j);
    d.bottom = n.kind === 'accumulate';
    d.traceNode = n.id;
    d.tensor = n.kind === 'accumulate' ? n.variable : (n.outputs[0] ?? null);
    d.ports = n.next.length;
    d.line = n.range?.line ?? null;
    nodes.push(d);
    nodeToDrawn.set(n.id, n.id);
    if (n.kind === 'accumulate' && n.variable) {
      const v = tensorById.get(n.variable);
      if (v) emitTensor(v, undefined);
    }
  };

  const fns = trace.nodes.filter((n) => n.kind === 'function').sort((a, b) => a.seq - b.seq);
  for (const n of fns) emitNode(n);
  for (const n of trace.nodes) if (n.kind === 'accumulate') emitNode(n);
  // Remaining tensors worth a box: named leaves never used, tensors without grad, roots whose graph was capped.
  for (const t of trace.tensors) if (drawTensor(t) && !tensorToDrawn.has(t.id)) emitTensor(t, undefined);

  // Edges, mapped onto groups and deduplicated.
  const edges: DrawEdge[] = [];
  const seen = new Set<string>();
  const portX = (d: DrawNode, j: number) => (d.ports > 1 ? (d.w * (j + 1)) / (d.ports + 1) : d.w / 2);
  const drawnById = new Map(nodes.map((d) => [d.id, d]));
  const add = (e: DrawEdge, dedupeKey: string) => {
    if (e.from === e.to || seen.has(dedupeKey)) return;
    seen.add(dedupeKey);
    edges.push(e);
  };
  for (const n of trace.nodes) {
    const from = nodeToDrawn.get(n.id);
    if (!from) continue;
    const fromNode = drawnById.get(from)!;
    const individual = fromNode.kind !== 'group';
    n.next.forEach((e, j) => {
      if (!e) return;
      const tid = outputBox.get(`${e.node}#${e.inputNr}`);
      const to = (tid && tensorToDrawn.get(tid)) || nodeToDrawn.get(e.node);
      if (!to) return;
      if (individual) {
        add({ from, to, fromPort: portX(fromNode, j), kind: 'grad', src: n.id, nextIndex: j }, `${from}|${to}|${j}`);
      } else {
        add({ from, to, kind: 'grad', src: null, nextIndex: -1 }, `${from}|${to}`);
      }
    });
    if (n.kind === 'accumulate' && n.variable) {
      const to = tensorToDrawn.get(n.variable);
      if (to) add({ from, to, kind: 'accumulate', src: null, nextIndex: -1 }, `${from}|${to}|acc`);
    }
  }
  for (const t of trace.tensors) {
    const from = tensorToDrawn.get(t.id);
    if (!from || !t.gradFn || outputBox.get(`${t.gradFn}#${t.outputNr}`) !== t.id) continue;
    const to = nodeToDrawn.get(t.gradFn);
    if (to) add({ from, to, kind: 'output', src: null, nextIndex: -1 }, `${from}|${to}|out`);
  }
  return { nodes, edges, nodeToDrawn, tensorToDrawn, runs, collapsed };
}
