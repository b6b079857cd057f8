import { DType, legacyTypeName } from '../dtype';
import { TorchError } from '../errors';
import { shapeStr } from '../shape';
import { Tensor, type TensorHook } from '../tensor';
import { isGradEnabled } from './gradMode';

/** An edge of the graph: the node that receives a gradient, and which of its inputs it is. */
export interface Edge {
  node: Node;
  inputNr: number;
}

/** What the engine needs to check and fix a gradient flowing into an input: its shape and dtype. */
export interface InputMeta {
  shape: number[];
  dtype: DType;
}

/** The vector-Jacobian product of a node: gradients w.r.t. its outputs in, w.r.t. its inputs out. */
export type Vjp = (gradOutputs: (Tensor | null)[], node: Node) => (Tensor | null)[];

export const BACKWARD_SECOND_TIME =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** A tensor saved for backward, with the version it had, so in-place changes are detected. */
export class SavedTensor {
  readonly version: number;
  readonly producerName: string | null;
  readonly producerOutputNr: number;
  constructor(
    protected tensor: Tensor | null,
    protected owner: Node,
    isOutput: boolean,
  ) {
    this.version = tensor ? tensor.version : 0;
    const fn = isOutput ? owner : tensor?.gradFn ?? null;
    this.producerName = fn ? fn.name : null;
    this.producerOutputNr = tensor ? tensor.outputNr : 0;
  }

  /** The saved tensor, or PyTorch's error if it was freed or modified in place since. */
  unpack(): Tensor | null {
    if (this.owner.released) throw new TorchError('RuntimeError', BACKWARD_SECOND_TIME);
    const t = this.tensor;
    if (t && t.version !== this.version) {
      let msg =
        'one of the variables needed for gradient computation has been modified by an inplace operation: ' +
        `[${legacyTypeName(t.dtype)} ${shapeStr(t.shape)}]`;
      if (this.producerName) msg += `, which is output ${this.producerOutputNr} of ${this.producerName},`;
      msg +=
        ` is at version ${t.version}; expected version ${this.version} instead. Hint: enable anomaly detection to find ` +
        'the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).';
      throw new TorchError('RuntimeError', msg);
    }
    return t;
  }

  release(): void {
    this.tensor = null;
  }

  /** After an in-place op rebased `to`'s history onto this node, the saved output is `to` itself. */
  retarget(from: Tensor, to: Tensor): SavedTensor | null {
    return this.tensor === from ? new SavedTensor(to, this.owner, true) : null;
  }
}

/**
 * A saved wrapped number (the 0-d tensor an op made of a Python scalar operand, which nothing
 * else holds): kept as its id, origin, dtype and value, and made into the same tensor again
 * the first time it is unpacked. Its version is 0 and it has no grad_fn, as the tensor had.
 */
class SavedWrappedNumber extends SavedTensor {
  private readonly tensorId: number;
  private readonly tensorOrigin: unknown;
  private readonly dtype: DType;
  private readonly value: number;
  private made = false;
  /** The Python number itself (grad_fn._saved_other shows it as a 0-d tensor of its own type). */
  readonly scalar: number | bigint | boolean;
  constructor(t: Tensor, owner: Node, scalar: number | bigint | boolean) {
    super(null, owner, false);
    this.scalar = scalar;
    this.tensorId = t.id;
    this.tensorOrigin = t.origin;
    this.dtype = t.dtype;
    this.value = t.item();
  }

  override unpack(): Tensor | null {
    if (!this.made && !this.owner.released) {
      this.made = true;
      this.tensor = Tensor.remakeWrappedNumber(this.tensorId, this.tensorOrigin, this.dtype, this.value);
    }
    return super.unpack();
  }

  override release(): void {
    this.made = true;
    super.release();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EMPTY_MAP: ReadonlyMap<any, any> = new Map();

let nextSeq = 0;
/** The sequence number the next node will get (nodes made after a point in time have seq >= it). */
export const nextNodeSeq = (): number => nextSeq;
/** AccumulateGrad runs as soon as it is ready, as in PyTorch (its sequence number is UINT64_MAX). */
const ACCUMULATE_SEQ = Number.MAX_SAFE_INTEGER;

/** Opaque information a front end attaches to what it creates (e.g. the source range). */
export type Origin = unknown;
let currentOrigin: Origin = undefined;
export const setCurrentOrigin = (o: Origin): void => {
  currentOrigin = o;
};
export const getCurrentOrigin = (): Origin => currentOrigin;

let nextNodeId = 1;

class NodeRare {
  hookMap: Map<number, TensorHook[]> | null = null;
  retainedMap: Map<number, Tensor> | null = null;
  variable: Tensor | null = null;
}

/** A node of the backward graph (a grad_fn). */
export class Node {
  readonly id = nextNodeId++;
  readonly seq: number;
  released = false;
  // Created on first use: most nodes never save, hook or retain anything, and a long chain of
  // small ops should not pay four Maps per node. A node that saves one tensor keeps it in
  // savedOne (under savedOneKey) until a second save or a read of `saved` makes the Map.
  private savedOneKey: string | null = null;
  private savedOne: SavedTensor | null = null;
  private savedMap: Map<string, SavedTensor> | null = null;
  private attrsObj: Record<string, unknown> | null = null;
  /** Hooks, retained outputs and AccumulateGrad's variable: made when one is first set. */
  private rare: NodeRare | null = null;

  /** Tensors saved for backward, by PyTorch's name (self, other, result, …). */
  get saved(): ReadonlyMap<string, SavedTensor> {
    return this.savedMap ?? (this.savedOne ? this.savedAsMap() : EMPTY_MAP);
  }
  private savedAsMap(): Map<string, SavedTensor> {
    const m = (this.savedMap = new Map());
    if (this.savedOne) m.set(this.savedOneKey!, this.savedOne);
    this.savedOne = null;
    this.savedOneKey = null;
    return m;
  }
  /** Non-tensor attributes saved for backward (dims, scalars), as PyTorch exposes them. */
  get attrs(): Record<string, unknown> {
    const a = this.attrsObj;
    if (a === null) return (this.attrsObj = {});
    // shared attributes (setSharedAttrs) are copied before anyone can write to them
    return Object.isFrozen(a) ? (this.attrsObj = { ...a }) : a;
  }
  /**
   * Sets the attributes to a frozen object many nodes share (e.g. AddBackward0's default
   * alpha), copied on the first read of `attrs`: the same properties and values either way.
   */
  setSharedAttrs(shared: Readonly<Record<string, unknown>>): void {
    if (this.attrsObj === null && Object.isFrozen(shared)) this.attrsObj = shared as Record<string, unknown>;
    else Object.assign(this.attrs, shared);
  }
  /** Hooks on the gradient of each output (register_hook on the non-leaf tensor). */
  get preHooks(): ReadonlyMap<number, TensorHook[]> {
    return this.rare?.hookMap ?? EMPTY_MAP;
  }
  addPreHook(outputNr: number, hook: TensorHook): void {
    const m = (this.rareFields().hookMap ??= new Map());
    const list = m.get(outputNr) ?? [];
    list.push(hook);
    m.set(outputNr, list);
  }
  /** Non-leaf tensors that called retain_grad(), by output number. */
  get retained(): ReadonlyMap<number, Tensor> {
    return this.rare?.retainedMap ?? EMPTY_MAP;
  }
  retain(outputNr: number, t: Tensor | null): void {
    if (t) (this.rareFields().retainedMap ??= new Map()).set(outputNr, t);
    else this.rare?.retainedMap?.delete(outputNr);
  }
  readonly origin: Origin = currentOrigin;
  /** The backward pass running through this node keeps its per-node state here (engine.ts). */
  passSlot: unknown = null;
  /** For AccumulateGrad: the leaf it accumulates into. */
  get variable(): Tensor | null {
    return this.rare === null ? null : this.rare.variable;
  }
  set variable(v: Tensor | null) {
    if (v !== null || this.rare !== null) this.rareFields().variable = v;
  }
  private rareFields(): NodeRare {
    return (this.rare ??= new NodeRare());
  }
  /** The outputs, or the only output until someone asks for the array (record() sets it). */
  private outs: Tensor[] | Tensor | null = null;
  /** The tensors this node produced (for showing the graph; not used by backward). */
  get outputs(): Tensor[] {
    const o = this.outs;
    if (Array.isArray(o)) return o;
    return (this.outs = o === null ? [] : [o]);
  }
  set outputs(o: Tensor[]) {
    this.outs = o;
  }
  /** What record() gives: a single output is kept without its array. */
  setOutputs(o: readonly Tensor[]): void {
    this.outs = o.length === 1 ? o[0] : (o as Tensor[]);
  }

  constructor(
    public name: string,
    readonly next: (Edge | null)[],
    readonly inputMeta: (InputMeta | null)[],
    readonly numOutputs: number,
    public vjp: Vjp,
    seq?: number,
  ) {
    this.seq = seq ?? nextSeq++;
  }

  get isAccumulateGrad(): boolean {
    return this.variable !== null;
  }

  /** PyTorch's grad_fn.name(): AccumulateGrad's is namespaced. */
  get qualifiedName(): string {
    return this.isAccumulateGrad ? 'torch::autograd::AccumulateGrad' : this.name;
  }

  /** An in-place op made `to` the output that `from` was: saved references follow it. */
  retargetSaved(from: Tensor, to: Tensor): void {
    if (this.savedOne) {
      const r = this.savedOne.retarget(from, to);
      if (r) this.savedOne = r;
      return;
    }
    if (!this.savedMap) return;
    for (const [k, s] of this.savedMap) {
      const r = s.retarget(from, to);
      if (r) this.savedMap.set(k, r);
    }
  }

  save(key: string, t: Tensor | null, isOutput = false): void {
    this.keepSaved(key, new SavedTensor(t, this, isOutput));
  }

  /**
   * save() for a wrapped number: a 0-d tensor the op made of a Python scalar, with no grad_fn,
   * at version 0, that nothing but this node holds. It is kept as a number until unpacked.
   */
  /** Saves `t`, the wrapped form of the Python number `scalar`, as the number until it is unpacked. */
  saveWrappedNumber(key: string, t: Tensor, scalar: number | bigint | boolean): void {
    this.keepSaved(key, new SavedWrappedNumber(t, this, scalar));
  }

  /** The Python number saved under `key` by saveWrappedNumber, if that is how it was saved. */
  savedNumber(key: string): number | bigint | boolean | undefined {
    const s = this.saved.get(key);
    return s instanceof SavedWrappedNumber ? s.scalar : undefined;
  }

  private keepSaved(key: string, s: SavedTensor): void {
    if (this.savedMap === null && (this.savedOne === null || this.savedOneKey === key)) {
      this.savedOneKey = key;
      this.savedOne = s;
    } else {
      (this.savedMap ?? this.savedAsMap()).set(key, s);
    }
  }

  unpack(key: string): Tensor {
    const s = this.savedOne !== null && this.savedOneKey === key ? this.savedOne : this.savedMap?.get(key);
    const t = s ? s.unpack() : null;
    if (!t) throw new TorchError('RuntimeError', `internal: ${this.name} has no saved ${key}`);
    return t;
  }

  release(): void {
    if (this.savedOne) {
      this.released = true;
      this.savedOne.release();
      return;
    }
    if (!this.savedMap || this.savedMap.size === 0) return;
    this.released = true;
    for (const s of this.savedMap.values()) s.release();
  }
}

/** The AccumulateGrad node of a leaf that requires grad (created once per leaf). */
export function accumulatorOf(leaf: Tensor): Node {
  if (!leaf.accumulator) {
    const n = new Node('AccumulateGrad', [], [{ shape: leaf.shape.slice(), dtype: leaf.dtype }], 1, () => [], ACCUMULATE_SEQ);
    n.variable = leaf;
    leaf.accumulator = n;
  }
  return leaf.accumulator;
}

const scalarMetaOf = (dtype: DType): InputMeta => Object.freeze({ shape: Object.freeze([]) as unknown as number[], dtype });
const SCALAR_META: Record<DType, InputMeta> = {
  float32: scalarMetaOf('float32'),
  float64: scalarMetaOf('float64'),
  int64: scalarMetaOf('int64'),
  int32: scalarMetaOf('int32'),
  bool: scalarMetaOf('bool'),
};
const scalarMeta = (dtype: DType): InputMeta => SCALAR_META[dtype];

function metasOf(inputs: readonly (Tensor | null)[]): (InputMeta | null)[] {
  const meta = new Array<InputMeta | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    // shapes are never mutated in place (ops make new arrays), so the input's own array is kept;
    // 0-d inputs share one frozen meta per dtype
    meta[i] = t ? (t.shape.length === 0 ? scalarMeta(t.dtype) : { shape: t.shape, dtype: t.dtype }) : null;
  }
  return meta;
}

/** 0 … 4 for a 0-d input of each dtype, 5 for a non-tensor operand, -1 otherwise. */
function scalarMetaCode(t: Tensor | null): number {
  if (t === null) return 5;
  if (t.shape.length !== 0) return -1;
  switch (t.dtype) {
    case 'float32':
      return 0;
    case 'float64':
      return 1;
    case 'int64':
      return 2;
    case 'int32':
      return 3;
    case 'bool':
      return 4;
  }
}

/** Frozen inputMeta arrays shared by nodes of one or two inputs that are all 0-d or non-tensors. */
const SHARED_METAS: ((InputMeta | null)[] | undefined)[] = [];
function sharedScalarMetas(inputs: readonly (Tensor | null)[]): (InputMeta | null)[] | null {
  const n = inputs.length;
  if (n !== 1 && n !== 2) return null;
  const c0 = scalarMetaCode(inputs[0]);
  if (c0 < 0) return null;
  const c1 = n === 2 ? scalarMetaCode(inputs[1]) : 6;
  if (c1 < 0) return null;
  const key = c0 * 7 + c1;
  return (SHARED_METAS[key] ??= Object.freeze(metasOf(inputs)) as (InputMeta | null)[]);
}

/** The edge a gradient for tensor t flows along, or null if t does not require grad. */
export function gradientEdge(t: Tensor | null): Edge | null {
  if (!t || !t.requiresGrad) return null;
  if (t.gradFn) return { node: t.gradFn, inputNr: t.outputNr };
  return { node: accumulatorOf(t), inputNr: 0 };
}

/**
 * Records an op in the graph if grad mode is on and an input requires grad: creates the node,
 * points the outputs at it, and returns it so the op can save what its VJP needs.
 * `inputs` holds null for operands that are not tensors (a Python scalar still takes a slot,
 * as in PyTorch's next_functions).
 */
export function record(name: string, inputs: readonly (Tensor | null)[], outputs: readonly Tensor[], vjp: Vjp): Node | null {
  if (!isGradEnabled()) return null;
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t !== null && t.requiresGrad) {
      any = true;
      break;
    }
  }
  if (!any) return null;
  const next = new Array<Edge | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) next[i] = gradientEdge(inputs[i]);
  const node = new Node(name, next, sharedScalarMetas(inputs) ?? metasOf(inputs), outputs.length, vjp);
  for (let i = 0; i < outputs.length; i++) {
    outputs[i].gradFn = node;
    outputs[i].outputNr = i;
  }
  node.setOutputs(outputs);
  return node;
}
