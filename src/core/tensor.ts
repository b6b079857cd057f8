import { allocate, castScalar, DType, Storage } from './dtype';
import { contiguousStrides, numel, Shape } from './shape';
import { getCurrentOrigin, setCurrentOrigin, type Node } from './autograd/node';

/** A tensor's memory, shared by all its views. */
export class StorageBox {
  constructor(public data: Storage) {}
}

/** The version counter in-place ops bump; shared by views and detach(), not by .data. */
export class VersionCounter {
  value = 0;
}

/** A hook registered with register_hook: may return a replacement gradient. */
export type TensorHook = (grad: Tensor) => Tensor | null | undefined;

let nextTensorId = 1;
/** Set by remakeWrappedNumber: the id the next tensor takes instead of a new one. */
let reusedId = 0;
function takeId(): number {
  if (reusedId === 0) return nextTensorId++;
  const id = reusedId;
  reusedId = 0;
  return id;
}

/**
 * The shape and strides of every 0-d tensor made by fromData. Shapes and strides are never
 * mutated in place (ops copy them first; record() keeps inputs' shapes too). Not frozen:
 * slice() of a frozen array takes V8's slow path, and kernels slice shapes on every op.
 */
const EMPTY_DIMS: number[] = [];

/** The fields few tensors set, kept apart so that every other tensor is smaller. */
class TensorRare {
  leafRequiresGrad = false;
  retainsGrad = false;
  isParameter = false;
  viewBase: Tensor | null = null;
  hooks: TensorHook[] | null = null;
  accumulator: Node | null = null;
  grad: Tensor | null = null;
  vc: VersionCounter | null = null;
}

export class Tensor {
  readonly id: number = takeId();
  gradFn: Node | null = null;
  /** Which output of gradFn this tensor is. */
  outputNr = 0;
  /** grad, the version counter, leafRequiresGrad, retainsGrad, isParameter, viewBase, hooks, accumulator: made on the first write of one. */
  private rare: TensorRare | null = null;
  /** What the front end said was running when this tensor was made (e.g. its source range). */
  readonly origin: unknown = getCurrentOrigin();

  constructor(
    public storage: StorageBox,
    public dtype: DType,
    public shape: number[],
    public strides: number[],
    public offset: number,
  ) {}

  static fromData(data: Storage, shape: Shape, dtype: DType): Tensor {
    // 0-d tensors share one frozen empty shape and strides (shapes are never mutated in place)
    if (shape.length === 0) return new Tensor(new StorageBox(data), dtype, EMPTY_DIMS, EMPTY_DIMS, 0);
    return new Tensor(new StorageBox(data), dtype, shape.slice(), contiguousStrides(shape), 0);
  }

  static zeros(shape: Shape, dtype: DType): Tensor {
    return Tensor.fromData(allocate(dtype, numel(shape)), shape, dtype);
  }

  /**
   * A 0-d tensor made again from what was kept of one (its id, origin, dtype and value): a
   * wrapped Python number saved for backward is only made into a tensor when unpacked.
   */
  static remakeWrappedNumber(id: number, origin: unknown, dtype: DType, value: number): Tensor {
    const data = allocate(dtype, 1);
    data[0] = value;
    const prevOrigin = getCurrentOrigin();
    setCurrentOrigin(origin);
    reusedId = id;
    try {
      return Tensor.fromData(data, [], dtype);
    } finally {
      reusedId = 0;
      setCurrentOrigin(prevOrigin);
    }
  }

  static scalar(v: number, dtype: DType): Tensor {
    const data = allocate(dtype, 1);
    data[0] = castScalar(dtype, v);
    return Tensor.fromData(data, [], dtype);
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get requiresGrad(): boolean {
    return this.gradFn !== null || (this.rare !== null && this.rare.leafRequiresGrad);
  }

  /** Sets requires_grad on a leaf (callers check the leaf / dtype rules). */
  setRequiresGrad(v: boolean): void {
    if (v || this.rare !== null) this.rareFields().leafRequiresGrad = v;
  }

  private rareFields(): TensorRare {
    return (this.rare ??= new TensorRare());
  }

  get retainsGrad(): boolean {
    return this.rare !== null && this.rare.retainsGrad;
  }
  set retainsGrad(v: boolean) {
    if (v || this.rare !== null) this.rareFields().retainsGrad = v;
  }
  /** nn.Parameter: prints as "Parameter containing:". */
  get isParameter(): boolean {
    return this.rare !== null && this.rare.isParameter;
  }
  set isParameter(v: boolean) {
    if (v || this.rare !== null) this.rareFields().isParameter = v;
  }
  /** The tensor this one is a view of (shares storage and version counter). */
  get viewBase(): Tensor | null {
    return this.rare === null ? null : this.rare.viewBase;
  }
  set viewBase(v: Tensor | null) {
    if (v !== null || this.rare !== null) this.rareFields().viewBase = v;
  }
  /** register_hook on a leaf (created on first use: most tensors never have one). */
  get hooks(): TensorHook[] | null {
    return this.rare === null ? null : this.rare.hooks;
  }
  set hooks(v: TensorHook[] | null) {
    if (v !== null || this.rare !== null) this.rareFields().hooks = v;
  }
  /** The AccumulateGrad node of a leaf, created on first use and reused, as PyTorch does. */
  get accumulator(): Node | null {
    return this.rare === null ? null : this.rare.accumulator;
  }
  set accumulator(v: Node | null) {
    if (v !== null || this.rare !== null) this.rareFields().accumulator = v;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return numel(this.shape);
  }

  /** The version counter in-place ops bump (shared by views and detach()). */
  get versionCounter(): VersionCounter {
    return (this.rareFields().vc ??= new VersionCounter());
  }
  set versionCounter(c: VersionCounter) {
    this.rareFields().vc = c;
  }

  get version(): number {
    const vc = this.rare === null ? null : this.rare.vc;
    return vc === null ? 0 : vc.value;
  }

  /** The gradient accumulated by backward (leaves, and non-leaves that retain_grad()). */
  get grad(): Tensor | null {
    return this.rare === null ? null : this.rare.grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null || this.rare !== null) this.rareFields().grad = g;
  }

  bumpVersion(): void {
    this.versionCounter.value++;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] === 1) continue;
      if (this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** True when the logical elements are exactly storage[offset .. offset+numel). */
  isDense(): boolean {
    return this.isContiguous();
  }

  /**
   * The elements in row-major logical order. Returns the storage itself (no copy) when the
   * tensor covers all of it contiguously; callers must not write to the result.
   */
  values(): Storage {
    const n = this.numel;
    const data = this.storage.data;
    if (this.isContiguous()) {
      if (this.offset === 0 && data.length === n) return data;
      return data.subarray(this.offset, this.offset + n) as Storage;
    }
    const out = allocate(this.dtype, n);
    gatherStrided(data, this.shape, this.strides, this.offset, out);
    return out;
  }

  /** A fresh contiguous copy of the values, safe to write. */
  copyValues(): Storage {
    const v = this.values();
    return v === this.storage.data || v.buffer === this.storage.data.buffer ? (v.slice() as Storage) : v;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    return this.storage.data[this.offset + 0];
  }

  /** Storage index of the element at a flat logical index. */
  storageIndex(flat: number): number {
    let idx = this.offset;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      const size = this.shape[d];
      const i = flat % size;
      flat = (flat - i) / size;
      idx += i * this.strides[d];
    }
    return idx;
  }

  /** A new tensor (no autograd history) viewing the same storage. */
  aliasWith(shape: number[], strides: number[], offset: number): Tensor {
    const t = new Tensor(this.storage, this.dtype, shape, strides, offset);
    t.viewBase = this.viewBase ?? this;
    t.versionCounter = this.versionCounter;
    return t;
  }
}

/** Copies a strided view into a contiguous array in row-major order. */
export function gatherStrided(src: Storage, shape: Shape, strides: readonly number[], offset: number, out: Storage): void {
  const nd = shape.length;
  const n = out.length;
  if (n === 0) return;
  if (nd === 0) {
    out[0] = src[offset];
    return;
  }
  if (nd === 1) {
    const s = strides[0];
    for (let i = 0, p = offset; i < n; i++, p += s) out[i] = src[p];
    return;
  }
  if (nd === 2) {
    const [r, c] = shape;
    const [s0, s1] = strides;
    let k = 0;
    for (let i = 0; i < r; i++) {
      let p = offset + i * s0;
      for (let j = 0; j < c; j++, p += s1) out[k++] = src[p];
    }
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let p = offset;
  for (let k = 0; k < n; k++) {
    out[k] = src[p];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      p += strides[d];
      if (idx[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
