import { DType, Tensor } from '../../core';
import { plainTypeName, PyBuiltin, PyDType, PyError, PyList, PyNdArray, PyTuple, PyValue } from './values';

/** Reads a builtin's arguments by position or keyword, with Python-style errors. */
export class Args {
  constructor(
    readonly fname: string,
    readonly args: PyValue[],
    readonly kw: Map<string, PyValue>,
    /** Python-defined in PyTorch (nn modules, optimizers): Python's own argument errors. */
    readonly pythonStyle = false,
    /** The class a Python-defined method belongs to, for its qualified name. */
    readonly owner: string | null = null,
  ) {}

  has(i: number, name: string): boolean {
    return (i >= 0 && i < this.args.length) || this.kw.has(name) || (name === 'dim' && this.kw.has('axis'));
  }

  get(i: number, name: string, dflt?: PyValue): PyValue {
    if (i >= 0 && i < this.args.length) return this.args[i];
    if (this.kw.has(name)) return this.kw.get(name)!;
    // PyTorch accepts NumPy's spelling of dim (sum(axis=0)) and keepdims
    if (name === 'dim' && this.kw.has('axis')) return this.kw.get('axis')!;
    if (name === 'keepdim' && this.kw.has('keepdims')) return this.kw.get('keepdims')!;
    if (dflt !== undefined) return dflt;
    if (this.pythonStyle) throw new PyError('TypeError', `${this.owner ? this.owner + '.' : ''}${this.fname}() missing 1 required positional argument: '${name}'`);
    // python_arg_parser.cpp's missing_args (its plural is inverted: "1 required positional arguments")
    throw new PyError('TypeError', `${this.fname}() missing 1 required positional arguments: "${name}"`);
  }

  tensor(i: number, name: string): Tensor {
    const v = this.get(i, name);
    if (v instanceof Tensor) return v;
    if (v instanceof PyNdArray) return v.tensor;
    throw new PyError('TypeError', `${this.fname}(): argument '${name}' (position ${i + 1}) must be Tensor, not ${pyTypeOf(v)}`);
  }

  optTensor(i: number, name: string): Tensor | null {
    const v = this.get(i, name, null);
    return v === null ? null : this.tensor(i, name);
  }

  int(i: number, name: string, dflt?: number): number {
    const v = this.get(i, name, dflt === undefined ? undefined : BigInt(dflt));
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Tensor && v.numel === 1 && !v.dtype.startsWith('float')) return v.item();
    // a NumPy integer (np.argmax(...)) has __index__
    if (v instanceof PyNdArray && v.tensor.ndim === 0 && !v.tensor.dtype.startsWith('float') && v.tensor.dtype !== 'bool') return v.tensor.item();
    throw new PyError('TypeError', `${this.fname}(): argument '${name}' (position ${i + 1}) must be int, not ${pyTypeOf(v)}`);
  }

  optInt(i: number, name: string): number | null {
    const v = this.get(i, name, null);
    return v === null ? null : this.int(i, name);
  }

  num(i: number, name: string, dflt?: number): number {
    const v = this.get(i, name, dflt);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Tensor && v.numel === 1) return v.item();
    if (v instanceof PyNdArray && v.tensor.ndim === 0) return v.tensor.item();
    throw new PyError('TypeError', `${this.fname}(): argument '${name}' (position ${i + 1}) must be Number, not ${pyTypeOf(v)}`);
  }

  bool(i: number, name: string, dflt: boolean): boolean {
    const v = this.get(i, name, dflt);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v !== 0n;
    if (v === null) return dflt;
    throw new PyError('TypeError', `${this.fname}(): argument '${name}' must be bool, not ${pyTypeOf(v)}`);
  }

  dtype(name = 'dtype'): DType | undefined {
    const v = this.kw.get(name);
    if (v === undefined || v === null) return undefined;
    if (v instanceof PyDType) return v.dtype;
    // THPPythonScalarType_Check: the Python types float, int and bool stand for double, long and bool
    if (v instanceof PyBuiltin && v.typeName === 'type') {
      const d = ({ float: 'float64', int: 'int64', bool: 'bool' } as Record<string, DType>)[v.name];
      if (d) return d;
    }
    throw new PyError('TypeError', `${this.fname}(): argument '${name}' must be torch.dtype, not ${pyTypeOf(v)}`);
  }

  /** Dims given as an int, a tuple/list of ints, or None. */
  dims(i: number, name: string): number[] | null {
    const v = this.get(i, name, null);
    if (v === null) return null;
    if (v instanceof PyTuple || v instanceof PyList) return v.items.map((x) => (x instanceof PyNdArray ? Number(x.tensor.item()) : Number(x)));
    return [this.int(i, name)];
  }

  /** A shape from varargs (ones(2, 3)) or one sequence (ones((2, 3))), starting at position `from`. */
  shape(from = 0, name = 'size'): number[] {
    const rest = this.args.slice(from);
    if (rest.length === 0 && this.kw.has(name)) return seqInts(this.kw.get(name)!, this.fname);
    if (rest.length === 1 && (rest[0] instanceof PyTuple || rest[0] instanceof PyList)) return seqInts(rest[0], this.fname);
    return rest.map((v) => {
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      throw new PyError('TypeError', `${this.fname}(): argument 'size' must be tuple of ints, but found element of type ${pyTypeOf(v)} at pos ${rest.indexOf(v)}`);
    });
  }
}

export function seqInts(v: PyValue, fname: string): number[] {
  if (v instanceof PyTuple || v instanceof PyList) {
    return v.items.map((x, i) => {
      if (typeof x === 'bigint') return Number(x);
      if (x instanceof Tensor && x.numel === 1) return x.item();
      throw new PyError('TypeError', `${fname}(): argument 'size' must be tuple of ints, but found element of type ${pyTypeOf(x)} at pos ${i}`);
    });
  }
  if (typeof v === 'bigint') return [Number(v)];
  throw new PyError('TypeError', `${fname}(): argument 'size' must be tuple of ints, not ${pyTypeOf(v)}`);
}

/** The type name PyTorch's argument errors use ("must be Tensor, not list"). */
export function pyTypeOf(v: PyValue): string {
  const plain = plainTypeName(v);
  if (plain) return plain;
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof Tensor) return 'Tensor';
  // Py_TYPE(obj)->tp_name; a 0-dim array stands for a NumPy scalar (numpy.int64, numpy.float32, ...)
  if (v instanceof PyNdArray) return v.tensor.ndim === 0 ? `numpy.${v.tensor.dtype === 'bool' ? 'bool_' : v.tensor.dtype}` : 'numpy.ndarray';
  return (v as object).constructor?.name?.replace(/^Py/, '').toLowerCase() ?? 'object';
}

/** Keyword arguments that change nothing on a CPU-only engine (a device is checked where it matters). */
const HARMLESS_KW = new Set(['layout', 'pin_memory', 'memory_format', 'non_blocking', 'device']);

/**
 * A keyword map that remembers which names the builtin looked at. After the call, a keyword
 * it never read is one Autograd Lens ignores: rather than a silently different answer, the call
 * fails with NotImplementedError naming it.
 */
export class TrackedKw extends Map<string, PyValue> {
  private readonly read = new Set<string>();
  override get(k: string): PyValue | undefined {
    this.read.add(k);
    return super.get(k);
  }
  override has(k: string): boolean {
    this.read.add(k);
    return super.has(k);
  }
  private readAll(): void {
    for (const k of super.keys()) this.read.add(k);
  }
  override entries(): MapIterator<[string, PyValue]> {
    this.readAll();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.readAll();
    return super.keys();
  }
  override values(): MapIterator<PyValue> {
    this.readAll();
    return super.values();
  }
  override forEach(cb: (v: PyValue, k: string, m: Map<string, PyValue>) => void): void {
    this.readAll();
    super.forEach(cb);
  }
  override [Symbol.iterator](): MapIterator<[string, PyValue]> {
    this.readAll();
    return super[Symbol.iterator]();
  }
  /** Throws for a keyword the call did not use (False/None values of flags are harmless). */
  checkUsed(fname: string): void {
    for (const [k, v] of super.entries()) {
      if (this.read.has(k) || HARMLESS_KW.has(k)) continue;
      if (v === null || v === false) continue;
      throw new PyError('NotImplementedError', `${fname}(${k}=...) is not supported by Autograd Lens yet`);
    }
  }
}

/** Runs a builtin with tracked keywords and checks that each one was used. */
export function withTrackedKw<T>(fname: string, kw: Map<string, PyValue>, f: (kw: Map<string, PyValue>) => T): T {
  if (kw.size === 0) return f(kw);
  const t = new TrackedKw(kw);
  const r = f(t);
  t.checkUsed(fname);
  return r;
}
