import { TorchError } from '../errors';
import { sameShape } from '../shape';
import { Tensor } from '../tensor';
import { setGradEnabled, withGradMode } from './gradMode';
import { accumulatorOf as accumulatorFor, Edge, Node } from './node';
import { add, cast } from '../ops/elementwise';
import { sumToShape } from '../ops/reduce';

/** A gradient that reached a node's input, and which node sent it (null: the root gradient). */
export interface Contribution {
  from: Node | null;
  grad: Tensor;
}

/** One node execution, in PyTorch's order: what came in, what went out, what was accumulated. */
export interface BackwardEvent {
  node: Node;
  /** The gradient w.r.t. each of the node's outputs, summed over its consumers. */
  gradIn: (Tensor | null)[];
  /** For each output, the separate gradients that were summed into gradIn. */
  contributions: Contribution[][];
  /** The gradient sent along each of node.next (null where nothing flows). */
  gradOut: (Tensor | null)[];
  /** For AccumulateGrad: the leaf's .grad before and after. */
  accumulation?: { tensor: Tensor; before: Tensor | null; incoming: Tensor; after: Tensor };
}

export interface BackwardOptions {
  retainGraph: boolean;
  /** Record the gradient computation itself (create_graph=True), for higher derivatives. */
  createGraph?: boolean;
  /** torch.autograd.grad: capture gradients for these tensors instead of accumulating into .grad. */
  inputs?: Tensor[];
  allowUnused?: boolean;
  /** Record contributions and .grad snapshots for stepping (off for benchmarks). */
  record?: boolean;
}

/** A max-heap of nodes by sequence number: of the ready nodes, the most recently created runs first. */
class ReadyQueue {
  private heap: Node[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(n: Node): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].seq >= h[i].seq) break;
      const t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].seq > h[m].seq) m = l;
        if (r < h.length && h[r].seq > h[m].seq) m = r;
        if (m === i) break;
        const t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
      }
    }
    return top;
  }
}

/** The edge a root tensor's gradient enters the graph through. */
function rootEdge(t: Tensor): Edge {
  if (t.gradFn) return { node: t.gradFn, inputNr: t.outputNr };
  if (t.requiresGrad) {
    // a leaf as root: its AccumulateGrad
    return { node: accumulatorFor(t), inputNr: 0 };
  }
  throw new TorchError('RuntimeError', 'element 0 of tensors does not require grad and does not have a grad_fn');
}


/** Makes the gradient fit the input it flows into: sum broadcast dims, cast dtype (PyTorch's validate_outputs). */
function fitGradient(g: Tensor, node: Node, index: number): Tensor {
  const meta = node.inputMeta[index];
  if (!meta) return g;
  let out = g;
  if (!sameShape(out.shape, meta.shape)) {
    out = sumToShape(out, meta.shape, () => {
      throw new TorchError(
        'RuntimeError',
        `Function ${node.name} returned an invalid gradient at index ${index} - got [${g.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
      );
    });
  }
  if (out.dtype !== meta.dtype) out = cast(out, meta.dtype);
  return out;
}

/** What the engine keeps per node during one backward pass. */
class Slot {
  /** The pass that made it (when kept on the node). */
  pass = 0;
  /** Edges from nodes that have not run yet. */
  deps = 0;
  enqueued = false;
  buffer: (Tensor | null)[] | null = null;
  contribs: Contribution[][] | null = null;
  /** The only contribution so far to a one-output node, before contribs is made. */
  oneFrom: Node | null = null;
  oneGrad: Tensor | null = null;
}

/**
 * A BackwardEvent whose contributions list (and one-element gradIn) is made when first read,
 * and then kept: most nodes have one output that received one gradient, and a long backward
 * keeps every event.
 */
class StepEvent implements BackwardEvent {
  private contribs: Contribution[][] | null;
  /** gradIn, or its only element until gradIn is first read. */
  private gin: (Tensor | null)[] | Tensor | null;
  constructor(
    public node: Node,
    gradIn: (Tensor | null)[],
    contribs: Contribution[][] | null,
    private oneFrom: Node | null,
    private oneGrad: Tensor | null,
    private gout: (Tensor | null)[] | Tensor | null,
    private goutAt: number,
    public accumulation: BackwardEvent['accumulation'],
  ) {
    this.contribs = contribs;
    this.gin = gradIn.length === 1 ? gradIn[0] : gradIn;
  }

  /** What was sent along each of node.next: kept as the one gradient sent (at goutAt, -1 for none) until first read. */
  get gradOut(): (Tensor | null)[] {
    const g = this.gout;
    if (Array.isArray(g)) return g;
    const sent = nulls(this.node.next.length);
    if (this.goutAt >= 0) sent[this.goutAt] = g;
    return (this.gout = sent);
  }
  set gradOut(g: (Tensor | null)[]) {
    this.gout = g;
  }

  get gradIn(): (Tensor | null)[] {
    const g = this.gin;
    return Array.isArray(g) ? g : (this.gin = [g]);
  }
  set gradIn(g: (Tensor | null)[]) {
    this.gin = g;
  }

  get contributions(): Contribution[][] {
    if (this.contribs === null) {
      this.contribs = this.oneGrad !== null ? [[{ from: this.oneFrom, grad: this.oneGrad }]] : [];
      this.oneFrom = null;
      this.oneGrad = null;
    }
    return this.contribs;
  }
  set contributions(c: Contribution[][]) {
    this.contribs = c;
  }
}

const EMPTY: (Tensor | null)[] = [];

// Arrays the engine keeps (gradients, contributions, events' lists) are made at their final
// size: an array grown by push() from [] reserves 16 slots, and a long backward keeps them all.
function nulls(n: number): (Tensor | null)[] {
  if (n === 1) return [null];
  if (n === 2) return [null, null];
  const out = new Array<Tensor | null>(n);
  for (let i = 0; i < n; i++) out[i] = null;
  return out;
}

function anyGradient(gs: (Tensor | null)[]): boolean {
  for (let i = 0; i < gs.length; i++) if (gs[i]) return true;
  return false;
}

/** Whether runHooks could do anything for this node (hooks or retain_grad on an output). */
function hasHooks(node: Node): boolean {
  if (node.retained.size > 0) return true;
  return node.isAccumulateGrad ? (node.variable!.hooks?.length ?? 0) > 0 : node.preHooks.size > 0;
}

/**
 * Runs backward from `roots` with the given initial gradients, yielding one event per node
 * execution in PyTorch's order. Returns the captured gradients when options.inputs is set.
 */
export function* backwardSteps(
  roots: Tensor[],
  rootGrads: Tensor[],
  options: BackwardOptions,
): Generator<BackwardEvent, (Tensor | null)[] | undefined> {
  const recordEvents = options.record !== false;
  const createGraph = options.createGraph === true;
  const edges = roots.map(rootEdge);

  // Every node reachable from the roots gets one slot: its dependency count (how many edges
  // lead into it), its input buffer and the contributions summed into it. The slot hangs on
  // the node itself (node.passSlot, stamped with this pass's number), unless another pass is
  // still running (a backward inside a hook): that one keeps its slots in a Map.
  const pass = nodeSlotsInUse ? 0 : ++passNumber;
  const map = pass === 0 ? new Map<Node, Slot>() : null;
  const reached: Node[] = [];
  const slotOf = (n: Node): Slot | undefined =>
    map !== null ? map.get(n) : n.passSlot !== null && (n.passSlot as Slot).pass === pass ? (n.passSlot as Slot) : undefined;
  const newSlot = (n: Node): Slot => {
    const s = new Slot();
    if (map !== null) map.set(n, s);
    else {
      s.pass = pass;
      n.passSlot = s;
    }
    reached.push(n);
    return s;
  };
  if (map === null) nodeSlotsInUse = true;
  let released = 0;
  try {
    const stack: Node[] = [];
    for (const e of edges) {
      if (!slotOf(e.node)) {
        newSlot(e.node);
        stack.push(e.node);
      }
    }
    while (stack.length) {
      const next = stack.pop()!.next;
      for (let i = 0; i < next.length; i++) {
        const e = next[i];
        if (!e) continue;
        let slot = slotOf(e.node);
        if (!slot) {
          slot = newSlot(e.node);
          stack.push(e.node);
        }
        slot.deps++;
      }
    }

    // torch.autograd.grad: which nodes must run to reach the inputs, and where to capture.
    const capture = new Map<Node, { inputNr: number; slot: number }[]>();
    let needed: Set<Node> | null = null;
    const captured: (Tensor | null)[] = [];
    if (options.inputs) {
      options.inputs.forEach((t, slot) => {
        captured.push(null);
        if (!t.requiresGrad) {
          throw new TorchError('RuntimeError', 'One of the differentiated Tensors does not require grad');
        }
        const e = t.gradFn ? { node: t.gradFn, inputNr: t.outputNr } : { node: accumulatorFor(t), inputNr: 0 };
        const list = capture.get(e.node) ?? [];
        list.push({ inputNr: e.inputNr, slot });
        capture.set(e.node, list);
      });
      needed = markNeeded(new Set(reached), capture);
    }
    const capturing = capture.size > 0;

    const addToBuffer = (slot: Slot, node: Node, inputNr: number, g: Tensor, from: Node | null): void => {
      let b = slot.buffer;
      if (!b) b = slot.buffer = nulls(node.numOutputs);
      const prev = b[inputNr];
      b[inputNr] = prev ? add(prev, g) : g;
      if (recordEvents) {
        let c = slot.contribs;
        if (c === null && slot.oneGrad === null && node.numOutputs === 1) {
          // the usual case, one output and (so far) one contribution: no arrays yet
          slot.oneFrom = from;
          slot.oneGrad = g;
          return;
        }
        if (!c) {
          c = slot.contribs = new Array<Contribution[]>(node.numOutputs);
          for (let i = 0; i < node.numOutputs; i++) c[i] = [];
          if (slot.oneGrad !== null) {
            c[0] = [{ from: slot.oneFrom, grad: slot.oneGrad }];
            slot.oneFrom = null;
            slot.oneGrad = null;
          }
        }
        const list = c[inputNr];
        if (list.length === 0) c[inputNr] = [{ from, grad: g }];
        else list.push({ from, grad: g });
      }
    };

    const queue = new ReadyQueue();
    for (let i = 0; i < edges.length; i++) addToBuffer(slotOf(edges[i].node)!, edges[i].node, edges[i].inputNr, rootGrads[i], null);
    for (const e of edges) {
      const slot = slotOf(e.node)!;
      if (slot.deps === 0 && !slot.enqueued) {
        slot.enqueued = true;
        queue.push(e.node);
      }
    }

    while (queue.size > 0) {
      const node = queue.pop();
      const slot = slotOf(node)!;
      // a node runs once, after every edge into it: nothing looks its slot up again
      if (map === null) {
        node.passSlot = null;
        released++;
      }
      let gradIn = slot.buffer ?? nulls(node.numOutputs);
      slot.buffer = null;

      // tensor hooks and retain_grad, on the summed incoming gradient
      if (hasHooks(node)) gradIn = gradIn.map((g, i) => (g ? runHooks(node, i, g) : g));

      if (capturing) {
        const caps = capture.get(node);
        if (caps) for (const c of caps) captured[c.slot] = gradIn[c.inputNr];
      }
      const runs = needed ? needed.has(node) && !node.isAccumulateGrad : true;

      const next = node.next;
      let gradOut: (Tensor | null)[] = EMPTY;
      let accumulation: BackwardEvent['accumulation'];
      if (runs) {
        if (node.isAccumulateGrad) {
          accumulation = accumulate(node.variable!, gradIn[0], recordEvents, createGraph);
        } else if (anyGradient(gradIn)) {
          const prev = setGradEnabled(createGraph);
          try {
            gradOut = node.vjp(gradIn, node);
          } finally {
            setGradEnabled(prev);
          }
          if (createGraph) checkDoubleBackward(node, gradIn, gradOut);
        } else {
          gradOut = nulls(next.length);
        }
        if (!options.retainGraph) node.release();
      }

      if (recordEvents) {
        // what was sent along each edge; kept as a single gradient when at most one was sent
        let sentAt = -1;
        let many = false;
        for (let i = 0; i < next.length; i++) {
          if (next[i] && gradOut[i]) {
            if (sentAt >= 0) {
              many = true;
              break;
            }
            sentAt = i;
          }
        }
        let sent: (Tensor | null)[] | Tensor | null = sentAt >= 0 ? gradOut[sentAt] : null;
        if (many) {
          sent = nulls(next.length);
          for (let i = 0; i < next.length; i++) if (next[i] && gradOut[i]) sent[i] = gradOut[i];
        }
        yield new StepEvent(node, gradIn, slot.contribs, slot.oneFrom, slot.oneGrad, sent, many ? -1 : sentAt, accumulation);
      }
      slot.contribs = null;
      slot.oneFrom = null;
      slot.oneGrad = null;

      for (let i = 0; i < next.length; i++) {
        const e = next[i];
        if (!e) continue;
        const target = slotOf(e.node)!;
        const g = runs ? gradOut[i] : null;
        if (g) addToBuffer(target, e.node, e.inputNr, fitGradient(g, node, i), node);
        const left = --target.deps;
        if (left === 0 && (!needed || needed.has(e.node) || capture.has(e.node))) {
          target.enqueued = true;
          queue.push(e.node);
        }
      }
    }

    if (options.inputs) {
      if (!options.allowUnused && captured.some((g) => g === null)) {
        throw new TorchError(
          'RuntimeError',
          'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
        );
      }
      return captured;
    }
    return undefined;
  } finally {
    if (map === null) {
      nodeSlotsInUse = false;
      if (released < reached.length) for (let i = 0; i < reached.length; i++) reached[i].passSlot = null;
    }
  }
}

/** Nodes whose gradient is linear in the incoming gradient alone (no input enters the formula). */
const LINEAR_NODES = new Set(
  (
    'AddBackward0 SubBackward0 RsubBackward1 NegBackward0 SumBackward0 SumBackward1 MeanBackward0 MeanBackward1 ViewBackward0 ' +
    'ReshapeAliasBackward0 UnsafeViewBackward0 ExpandBackward0 PermuteBackward0 TransposeBackward0 TBackward0 SqueezeBackward0 ' +
    'SqueezeBackward1 SqueezeBackward3 UnsqueezeBackward0 SelectBackward0 SliceBackward0 IndexBackward0 CatBackward0 StackBackward0 ' +
    'SplitBackward0 SplitWithSizesBackward0 UnbindBackward0 CloneBackward0 AliasBackward0 ToCopyBackward0 RepeatBackward0 FlipBackward0 ' +
    'CumsumBackward0 TraceBackward0 DiagBackward0 DiagonalBackward0 RollBackward0 GatherBackward0 ScatterBackward0 ScatterBackward1 ' +
    'ScatterAddBackward0 IndexSelectBackward0 MaskedFillBackward0 MaskedFillBackward1 MaskedSelectBackward0 TrilBackward0 TriuBackward0 ' +
    'EmbeddingBackward0 NansumBackward0 CopySlices IndexPutBackward0 AsStridedBackward0 CopyBackwards RemainderBackward0 FmodBackward0 ' +
    'FracBackward0 MaximumBackward0 MinimumBackward0 MaxBackward0 MaxBackward1 MinBackward0 MinBackward1 AmaxBackward0 AminBackward0 ' +
    'SortBackward0 TopkBackward0 MedianBackward0 MedianBackward1 ClampBackward1 ClampMinBackward0 ClampMaxBackward0 WhereBackward0 ' +
    'FloorBackward0 CeilBackward0 RoundBackward0 RoundBackward1 TruncBackward0 SignBackward0 SgnBackward0 DivBackward2 ZeroBackward0 ' +
    'FillBackward0 NanToNumBackward0'
  ).split(' '),
);
/** Nodes whose gradient is zero (or constant): nothing to carry into a second derivative. */
const ZERO_NODES = new Set(
  'FloorBackward0 CeilBackward0 RoundBackward0 RoundBackward1 TruncBackward0 SignBackward0 SgnBackward0 DivBackward2 ZeroBackward0 FillBackward0'.split(' '),
);
/** Multi-input nodes whose gradient for input 0 depends on the inputs (losses, normalisations). */
const INPUT0_NODES = new Set(
  'MseLossBackward0 BinaryCrossEntropyBackward0 BinaryCrossEntropyWithLogitsBackward0 NllLossBackward0 SmoothL1LossBackward0 HuberLossBackward0 L1LossBackward0 NativeLayerNormBackward0 NativeBatchNormBackward0'.split(' '),
);

/**
 * With create_graph, a node whose gradient depends on its input must give a gradient that is in
 * the graph; some VJPs here are computed outside the graph, and continuing would silently lose
 * second-order terms, so this raises NotImplementedError instead.
 */
function checkDoubleBackward(node: Node, gradIn: (Tensor | null)[], gradOut: (Tensor | null)[]): void {
  const lost = () => {
    throw new TorchError('NotImplementedError', `double backward (create_graph=True) through ${node.name} is not supported by Autograd Lens yet`);
  };
  if (LINEAR_NODES.has(node.name)) {
    if (ZERO_NODES.has(node.name) || !gradIn.some((g) => g?.requiresGrad)) return;
    node.next.forEach((e, i) => {
      const g = gradOut[i];
      if (e && g && !g.requiresGrad) lost();
    });
    return;
  }
  const checked = node.next.length === 1 ? [0] : INPUT0_NODES.has(node.name) ? [0] : [];
  for (const i of checked) {
    const g = gradOut[i];
    if (node.next[i] && g && !g.requiresGrad) lost();
  }
}

/** Whether a pass is keeping its slots on the nodes (one pass at a time may). */
let nodeSlotsInUse = false;
let passNumber = 0;

/** Nodes on some path from the roots to a capture point. */
function markNeeded(reachable: Set<Node>, capture: Map<Node, unknown>): Set<Node> {
  const needed = new Set<Node>();
  // iterate to a fixed point in reverse topological fashion (graphs here are small enough)
  const order = topoOrder(reachable);
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (capture.has(n) || n.next.some((e) => e && needed.has(e.node))) needed.add(n);
  }
  return needed;
}

/** Reachable nodes, each before the nodes it points to. */
function topoOrder(nodes: Set<Node>): Node[] {
  const indeg = new Map<Node, number>();
  for (const n of nodes) for (const e of n.next) if (e) indeg.set(e.node, (indeg.get(e.node) ?? 0) + 1);
  const ready = [...nodes].filter((n) => !indeg.get(n));
  const out: Node[] = [];
  while (ready.length) {
    const n = ready.pop()!;
    out.push(n);
    for (const e of n.next) {
      if (!e) continue;
      const d = indeg.get(e.node)! - 1;
      indeg.set(e.node, d);
      if (d === 0) ready.push(e.node);
    }
  }
  return out;
}

function runHooks(node: Node, outputNr: number, g: Tensor): Tensor {
  let grad = g;
  const hooks = node.isAccumulateGrad ? node.variable!.hooks : node.preHooks.get(outputNr);
  if (hooks) {
    for (const h of hooks) {
      const r = withGradMode(false, () => h(grad));
      if (r) grad = r;
    }
  }
  const retained = node.retained.get(outputNr);
  if (retained) {
    retained.grad = retained.grad ? withGradMode(false, () => add(retained.grad!, grad)) : cloneDetached(grad);
  }
  return grad;
}

function cloneDetached(t: Tensor): Tensor {
  return Tensor.fromData(t.copyValues(), t.shape, t.dtype);
}

/** AccumulateGrad: .grad = incoming (a copy) the first time, then .grad += incoming in place. */
function accumulate(leaf: Tensor, incoming: Tensor | null, snapshot: boolean, createGraph = false): BackwardEvent['accumulation'] {
  if (!incoming) return undefined;
  const before = snapshot && leaf.grad ? cloneDetached(leaf.grad) : null;
  if (createGraph) {
    // with create_graph the gradient keeps its history, so .grad can be differentiated again
    leaf.grad = leaf.grad ? withGradMode(true, () => add(leaf.grad!, incoming)) : incoming;
  } else if (!leaf.grad) {
    leaf.grad = cloneDetached(incoming);
  } else {
    const g = leaf.grad;
    const sum = withGradMode(false, () => add(g, incoming));
    const dst = g.storage.data;
    const vals = sum.values();
    if (g.isContiguous()) dst.set(vals, g.offset);
    else for (let i = 0; i < vals.length; i++) dst[g.storageIndex(i)] = vals[i];
    g.bumpVersion();
  }
  if (!snapshot) return undefined;
  return { tensor: leaf, before, incoming, after: cloneDetached(leaf.grad) };
}
