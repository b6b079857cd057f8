import { DType, isFloating, ops, promoteTypes, Tensor } from '../../core';
import { pyFloatRepr, shortestDigitsFloat32 } from '../../core/format/numfmt';
import { formatNumpyArray } from '../../core/format/numpyRepr';
import { Args, seqInts } from './args';
import { tensorToPython } from './builtins';
import { Interpreter } from './interp';
import { PyBuiltin, PyError, PyModule, PyNdArray, PyTuple, PyValue } from './values';

/**
 * The little of NumPy in scope: arrays over the core's tensors with NumPy 1.x's type rules
 * (value-based casting: a Python or NumPy scalar does not widen an array of the same kind),
 * NumPy scalars as 0-d arrays, and NumPy's reprs.
 */
type Kind = 0 | 1 | 2; // bool, int, float
const kindOf = (d: DType): Kind => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);

const pyScalarDtype = (v: number | bigint | boolean): DType => (typeof v === 'number' ? 'float64' : typeof v === 'bigint' ? 'int64' : 'bool');

/** The dtype NumPy 1.x gives a binary operation. */
function npResultType(a: PyNdArray | number | bigint | boolean, b: PyNdArray | number | bigint | boolean): DType {
  const arrays = [a, b].filter((x): x is PyNdArray => x instanceof PyNdArray && x.tensor.ndim > 0);
  const scalars = [a, b].filter((x) => !(x instanceof PyNdArray && x.tensor.ndim > 0)) as (PyNdArray | number | bigint | boolean)[];
  const dt = (x: PyNdArray | number | bigint | boolean): DType => (x instanceof PyNdArray ? x.tensor.dtype : pyScalarDtype(x));
  if (arrays.length === 0) return promoteTypes(dt(a), dt(b));
  let r = arrays.map((x) => x.tensor.dtype).reduce(promoteTypes);
  for (const s of scalars) {
    const sd = dt(s);
    if (kindOf(sd) > kindOf(r)) r = kindOf(sd) === 2 ? (kindOf(r) === 0 && sd === 'float32' ? 'float32' : 'float64') : 'int64';
  }
  return r;
}

const asTensor = (x: PyNdArray | number | bigint | boolean, dt: DType): Tensor =>
  x instanceof PyNdArray ? ops.cast(x.tensor, dt) : Tensor.scalar(Number(x), dt);

export const isNpOperand = (v: PyValue): v is PyNdArray | number | bigint | boolean =>
  v instanceof PyNdArray || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';

/** a op b where at least one side is an ndarray or NumPy scalar. */
export function npBinop(op: string, a: PyNdArray | number | bigint | boolean, b: PyNdArray | number | bigint | boolean): PyValue {
  let dt = npResultType(a, b);
  if (op === '/' && !isFloating(dt)) dt = 'float64';
  const x = asTensor(a, dt);
  const y = asTensor(b, dt);
  let r: Tensor;
  switch (op) {
    case '+':
      r = ops.add(x, y);
      break;
    case '-':
      r = ops.sub(x, y);
      break;
    case '*':
      r = ops.mul(x, y);
      break;
    case '/':
      r = ops.div(x, y);
      break;
    case '//':
      r = ops.floorDivide(x, y);
      break;
    case '%':
      r = ops.remainder(x, y);
      break;
    case '**':
      r = ops.powTensor(x, y);
      break;
    case '@':
      r = ops.matmul(x, y);
      break;
    default:
      throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'numpy.ndarray'`);
  }
  return new PyNdArray(ops.cast(r, dt));
}

export function npCompare(op: string, a: PyNdArray | number | bigint | boolean, b: PyNdArray | number | bigint | boolean): PyValue {
  const dt = npResultType(a, b);
  const names: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
  const r = ops.compare(names[op], asTensor(a, dt), asTensor(b, dt));
  return r.ndim === 0 ? r.item() !== 0 : new PyNdArray(r);
}

/** repr of a NumPy scalar (a 0-d array): float32 with float32's shortest digits. */
export function npScalarRepr(t: Tensor): string {
  const v = t.values()[0];
  if (t.dtype === 'bool') return v ? 'True' : 'False';
  if (!isFloating(t.dtype)) return String(v);
  if (t.dtype === 'float32' && Number.isFinite(v) && v !== 0) {
    const d = shortestDigitsFloat32(Math.abs(v));
    return pyFloatRepr(Math.sign(v) * Number(`0.${d.digits}e${d.decpt}`));
  }
  return pyFloatRepr(v);
}

export function npRepr(a: PyNdArray): string {
  const t = a.tensor;
  if (t.ndim === 0) return npScalarRepr(t);
  return formatNumpyArray({ shape: t.shape, dtype: t.dtype, data: t.values() });
}

/** str(ndarray): the repr's elements without "array(", commas or the dtype (NumPy's array_str). */
export function npStr(a: PyNdArray): string {
  let r = npRepr(a);
  r = r.replace(/^array\(/, '').replace(/\)$/, '');
  r = r.replace(/,\s*dtype=[a-z0-9]+$/, '');
  return r
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.slice(6)))
    .join('\n')
    .replace(/,(\n|$)/g, '$1')
    .replace(/, /g, ' ');
}

const NP_NAMES: Record<DType, string> = { float32: 'float32', float64: 'float64', int64: 'int64', int32: 'int32', bool: 'bool' };

/** Reductions return NumPy scalars (0-d arrays) of NumPy's dtype. */
function reduceArray(t: Tensor, how: 'sum' | 'mean' | 'max' | 'min' | 'std', axis: number | null): PyNdArray {
  const dims = axis === null ? null : [axis];
  let r: Tensor;
  if (how === 'sum') r = ops.sum(t, dims);
  else if (how === 'mean') r = ops.mean(isFloating(t.dtype) ? t : ops.cast(t, 'float64'), dims);
  else if (how === 'std') r = ops.variance(isFloating(t.dtype) ? t : ops.cast(t, 'float64'), dims, 0, false, true);
  else r = axis === null ? ops.maxAll(t, how === 'max') : ops.maxDim(t, axis, false, how === 'max')[0];
  return new PyNdArray(r);
}

export function ndarrayAttr(ip: Interpreter, a: PyNdArray, name: string): PyValue | undefined {
  const t = a.tensor;
  const m = (fn: (args: Args) => PyValue) => new PyBuiltin(name, (args, kw) => fn(new Args(name, args, kw)));
  switch (name) {
    case 'shape':
      return new PyTuple(t.shape.map((s) => BigInt(s)));
    case 'dtype':
      return NP_NAMES[t.dtype];
    case 'ndim':
      return BigInt(t.ndim);
    case 'size':
      return BigInt(t.numel);
    case 'T':
      return new PyNdArray(ops.contiguous(ops.T(t)));
    case 'tolist':
      return m(() => tensorToPython(t));
    case 'item':
      return m(() => tensorToPython(t.numel === 1 ? Tensor.fromData(t.values(), [], t.dtype) : t));
    case 'sum':
    case 'mean':
    case 'max':
    case 'min':
    case 'std':
      return m((args) => reduceArray(t, name, args.optInt(0, 'axis')));
    case 'dot':
      return m((args) => npDot(a, args.get(0, 'b') as PyNdArray));
    case 'reshape':
      return m((args) => new PyNdArray(ops.contiguous(ops.reshape(t, args.shape(0, 'shape')))));
    case 'astype':
      return m((args) => new PyNdArray(ops.cast(t, npDtype(args.get(0, 'dtype')))));
    case 'copy':
      return m(() => new PyNdArray(Tensor.fromData(t.copyValues(), t.shape, t.dtype)));
    case 'argmax':
    case 'argmin':
      return m((args) => new PyNdArray(ops.argmax(t, args.optInt(0, 'axis'), false, name === 'argmax')));
    case 'flatten':
    case 'ravel':
      return m(() => new PyNdArray(ops.contiguous(ops.reshape(t, [-1]))));
    case 'squeeze':
      return m(() => new PyNdArray(ops.contiguous(ops.squeeze(t))));
    case 'round':
      return m((args) => {
        const d = args.int(0, 'decimals', 0);
        return new PyNdArray(isFloating(t.dtype) ? (d === 0 ? ops.round(t) : ops.roundDecimals(t, d)) : t);
      });
  }
  void ip;
  return undefined;
}

function npDot(a: PyNdArray, b: PyNdArray): PyNdArray {
  const dt = npResultType(a, b);
  return new PyNdArray(ops.matmul(ops.cast(a.tensor, dt), ops.cast(b.tensor, dt)));
}

function npDtype(v: PyValue): DType {
  const s = v instanceof PyBuiltin ? v.name : String(v);
  if (s === 'float32' || s === 'float64' || s === 'int64' || s === 'int32' || s === 'bool') return s;
  if (s === 'float') return 'float64';
  if (s === 'int') return 'int64';
  throw new PyError('TypeError', `data type '${s}' not understood`);
}

/** numpy.array(data, dtype=None): Python floats are float64 in NumPy. */
function npArray(ip: Interpreter, toTensor: (v: PyValue, d?: DType) => Tensor, a: Args): PyNdArray {
  const data = a.get(0, 'object');
  const d = a.kw.get('dtype');
  if (data instanceof PyNdArray) return new PyNdArray(d ? ops.cast(data.tensor, npDtype(d)) : Tensor.fromData(data.tensor.copyValues(), data.tensor.shape, data.tensor.dtype));
  // np.array(tensor) goes through Tensor.__array__: a copy, no torch.tensor() warning
  if (data instanceof Tensor) {
    if (data.requiresGrad) throw new PyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    const c = Tensor.fromData(data.copyValues(), data.shape.slice(), data.dtype);
    return new PyNdArray(d !== undefined && d !== null ? ops.cast(c, npDtype(d)) : c);
  }
  let t = toTensor(data, d !== undefined && d !== null ? npDtype(d) : undefined);
  // Python floats are doubles: build from the data again rather than widening float32-rounded values
  if ((d === undefined || d === null) && t.dtype === 'float32' && !(data instanceof Tensor)) t = toTensor(data, 'float64');
  void ip;
  return new PyNdArray(t);
}

export function installNumpy(ip: Interpreter, toTensor: (v: PyValue, d?: DType) => Tensor): PyModule {
  const np = new PyModule('numpy');
  const fn = (name: string, f: (a: Args) => PyValue) => np.attrs.set(name, new PyBuiltin(name, (args, kw) => f(new Args(name, args, kw))));
  const arr = (v: PyValue): PyNdArray => (v instanceof PyNdArray ? v : npArray(ip, toTensor, new Args('array', [v], new Map())));
  fn('array', (a) => npArray(ip, toTensor, a));
  fn('asarray', (a) => arr(a.get(0, 'a')));
  fn('zeros', (a) => new PyNdArray(ops.zeros(seqInts(a.get(0, 'shape'), 'zeros'), a.kw.has('dtype') ? npDtype(a.kw.get('dtype')!) : 'float64')));
  fn('ones', (a) => new PyNdArray(ops.ones(seqInts(a.get(0, 'shape'), 'ones'), a.kw.has('dtype') ? npDtype(a.kw.get('dtype')!) : 'float64')));
  fn('arange', (a) => {
    const nums = a.args.map((x) => x as number | bigint);
    const [start, stop, step] = nums.length === 1 ? [0n, nums[0], 1n] : [nums[0], nums[1], nums[2] ?? 1n];
    const isF = nums.some((x) => typeof x === 'number');
    return new PyNdArray(ops.arange(start, stop, step, isF ? 'float64' : 'int64'));
  });
  fn('linspace', (a) => new PyNdArray(ops.linspace(a.num(0, 'start'), a.num(1, 'stop'), a.int(2, 'num', 50), 'float64')));
  fn('dot', (a) => npDot(arr(a.get(0, 'a')), arr(a.get(1, 'b'))));
  fn('matmul', (a) => npDot(arr(a.get(0, 'a')), arr(a.get(1, 'b'))));
  for (const r of ['sum', 'mean', 'max', 'min', 'std'] as const) fn(r, (a) => reduceArray(arr(a.get(0, 'a')).tensor, r, a.optInt(1, 'axis')));
  const unary = (name: string, f: (t: Tensor) => Tensor) =>
    fn(name, (a) => {
      const x = arr(a.get(0, 'x'));
      return new PyNdArray(f(isFloating(x.tensor.dtype) ? x.tensor : ops.cast(x.tensor, 'float64')));
    });
  unary('exp', ops.exp);
  unary('log', ops.log);
  unary('sqrt', ops.sqrt);
  unary('tanh', ops.tanh);
  unary('sin', ops.sin);
  unary('cos', ops.cos);
  fn('abs', (a) => new PyNdArray(ops.abs(arr(a.get(0, 'x')).tensor)));
  fn('absolute', (a) => new PyNdArray(ops.abs(arr(a.get(0, 'x')).tensor)));
  unary('floor', ops.floor);
  unary('ceil', ops.ceil);
  unary('log2', ops.log2);
  unary('log10', ops.log10);
  unary('log1p', ops.log1p);
  fn('square', (a) => {
    const x = arr(a.get(0, 'x'));
    return new PyNdArray(ops.mul(x.tensor, x.tensor));
  });
  fn('sign', (a) => new PyNdArray(ops.sign(arr(a.get(0, 'x')).tensor)));
  fn('isnan', (a) => new PyNdArray(ops.floatPredicate(arr(a.get(0, 'x')).tensor, 'nan')));
  // binary ufuncs with NumPy 1.x's result types
  const binary = (name: string, f: (x: Tensor, y: Tensor) => Tensor) =>
    fn(name, (a) => {
      const x = a.get(0, 'x1');
      const y = a.get(1, 'x2');
      const ax = isNpOperand(x) ? x : arr(x);
      const ay = isNpOperand(y) ? y : arr(y);
      const dt = npResultType(ax, ay);
      return new PyNdArray(ops.cast(f(asTensor(ax, dt), asTensor(ay, dt)), dt));
    });
  binary('maximum', (x, y) => ops.maximum(x, y));
  binary('minimum', (x, y) => ops.minimum(x, y));
  binary('power', (x, y) => ops.powTensor(x, y));
  binary('add', (x, y) => ops.add(x, y));
  binary('subtract', (x, y) => ops.sub(x, y));
  binary('multiply', (x, y) => ops.mul(x, y));
  fn('clip', (a) => {
    const x = arr(a.get(0, 'a'));
    const lo = a.get(1, 'a_min');
    const hi = a.get(2, 'a_max');
    let t = x.tensor;
    const side = (v: PyValue): PyNdArray | number | bigint | boolean => (v === null ? x : isNpOperand(v) ? v : arr(v));
    const dt = promoteTypes(npResultType(x, side(lo)), npResultType(x, side(hi)));
    t = ops.cast(t, dt);
    if (lo !== null) t = ops.maximum(t, asTensor(isNpOperand(lo) ? lo : arr(lo), dt));
    if (hi !== null) t = ops.minimum(t, asTensor(isNpOperand(hi) ? hi : arr(hi), dt));
    return new PyNdArray(t);
  });
  fn('where', (a) => {
    const c = arr(a.get(0, 'condition'));
    const x = a.get(1, 'x');
    const y = a.get(2, 'y');
    const ax = isNpOperand(x) ? x : arr(x);
    const ay = isNpOperand(y) ? y : arr(y);
    const dt = npResultType(ax, ay);
    return new PyNdArray(ops.where(ops.cast(c.tensor, 'bool'), asTensor(ax, dt), asTensor(ay, dt)));
  });
  for (const [name, isMax] of [['argmax', true], ['argmin', false]] as const) {
    fn(name, (a) => new PyNdArray(ops.argmax(arr(a.get(0, 'a')).tensor, a.optInt(1, 'axis'), false, isMax)));
  }
  fn('round', (a) => {
    const x = arr(a.get(0, 'a'));
    const d = a.int(1, 'decimals', 0);
    return new PyNdArray(isFloating(x.tensor.dtype) ? (d === 0 ? ops.round(x.tensor) : ops.roundDecimals(x.tensor, d)) : x.tensor);
  });
  fn('cumsum', (a) => {
    const x = arr(a.get(0, 'a'));
    const ax = a.optInt(1, 'axis');
    return new PyNdArray(ax === null ? ops.cumsum(ops.reshape(x.tensor, [-1]), 0) : ops.cumsum(x.tensor, ax));
  });
  fn('prod', (a) => new PyNdArray(ops.prod(arr(a.get(0, 'a')).tensor, a.optInt(1, 'axis'), false)));
  fn('var', (a) => {
    const t = arr(a.get(0, 'a')).tensor;
    const ax = a.optInt(1, 'axis');
    return new PyNdArray(ops.variance(isFloating(t.dtype) ? t : ops.cast(t, 'float64'), ax === null ? null : [ax], Number(a.kw.get('ddof') ?? 0), false, false));
  });
  const like = (name: string, v: number) =>
    fn(name, (a) => {
      const t = arr(a.get(0, 'a')).tensor;
      return new PyNdArray(ops.full(t.shape.slice(), v, a.kw.has('dtype') ? npDtype(a.kw.get('dtype')!) : t.dtype));
    });
  like('zeros_like', 0);
  like('ones_like', 1);
  fn('full', (a) => {
    const shape = typeof a.get(0, 'shape') === 'bigint' ? [a.int(0, 'shape')] : seqInts(a.get(0, 'shape'), 'full');
    const v = a.get(1, 'fill_value');
    const d = a.kw.has('dtype') ? npDtype(a.kw.get('dtype')!) : typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : 'int64';
    return new PyNdArray(ops.full(shape, Number(v), d));
  });
  fn('eye', (a) => new PyNdArray(ops.eye(a.int(0, 'N'), a.has(1, 'M') && a.get(1, 'M') !== null ? a.int(1, 'M') : undefined, a.kw.has('dtype') ? npDtype(a.kw.get('dtype')!) : 'float64')));
  const joined = (a: Args): Tensor[] => {
    const ts = [...ip.iterate(a.get(0, 'arrays'))].map((v) => arr(v).tensor);
    const dt = ts.map((t) => t.dtype).reduce(promoteTypes);
    return ts.map((t) => ops.cast(t, dt));
  };
  fn('concatenate', (a) => new PyNdArray(ops.cat(joined(a), a.int(1, 'axis', 0))));
  fn('stack', (a) => new PyNdArray(ops.stack(joined(a), a.int(1, 'axis', 0))));
  fn('vstack', (a) => new PyNdArray(ops.cat(joined(a).map((t) => (t.ndim < 2 ? ops.reshape(t, [1, t.numel]) : t)), 0)));
  fn('hstack', (a) => {
    const ts = joined(a);
    return new PyNdArray(ops.cat(ts, ts.every((t) => t.ndim === 1) ? 0 : 1));
  });
  fn('transpose', (a) => new PyNdArray(ops.contiguous(ops.T(arr(a.get(0, 'a')).tensor))));
  fn('reshape', (a) => new PyNdArray(ops.contiguous(ops.reshape(arr(a.get(0, 'a')).tensor, a.shape(1, 'newshape')))));
  fn('allclose', (a) => {
    const x = arr(a.get(0, 'a')).tensor;
    const y = arr(a.get(1, 'b')).tensor;
    const rtol = a.num(2, 'rtol', 1e-5);
    const atol = a.num(3, 'atol', 1e-8);
    const shape = x.ndim >= y.ndim ? x.shape : y.shape;
    const xv = ops.expandValues(x, shape);
    const yv = ops.expandValues(y, shape);
    for (let i = 0; i < xv.length; i++) if (!(Math.abs(xv[i] - yv[i]) <= atol + rtol * Math.abs(yv[i]))) return false;
    return true;
  });
  fn('array_equal', (a) => {
    const x = arr(a.get(0, 'a1')).tensor;
    const y = arr(a.get(1, 'a2')).tensor;
    return x.shape.join() === y.shape.join() && x.values().every((v, i) => v === y.values()[i]);
  });
  for (const d of ['float32', 'float64', 'int64', 'int32'] as DType[]) {
    const ctor = new PyBuiltin(d, (args) => new PyNdArray(ops.cast(toTensor(args[0] ?? 0), d)), 'type');
    ctor.qualname = `numpy.${d}`;
    np.attrs.set(d, ctor);
  }
  np.attrs.set('float', np.attrs.get('float64')!);
  np.attrs.set('pi', Math.PI);
  np.attrs.set('e', Math.E);
  np.attrs.set('inf', Infinity);
  np.attrs.set('nan', NaN);
  return np;
}
