import { nextNodeSeq, record, type Vjp } from '../autograd/node';
import { isGradEnabled } from '../autograd/gradMode';
import { DType, isFloating } from '../dtype';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';
import { binaryMap, expandValues, unaryMap } from './kernels';
import { broadcastShapes } from '../shape';
import { getDefaultDtype, isTensor, Operand, resultType, Scalar, scalarValue } from './scalar';

/** A scalar operand as a 0-dim tensor of the op's dtype (PyTorch's "wrapped number"). */
export function wrap(x: Operand, dtype: DType): Tensor {
  return isTensor(x) ? x : Tensor.scalar(scalarValue(x), dtype);
}
/**
 * A Python number operand is saved by PyTorch as the wrapped-number tensor itself (Long for an
 * int, Double for a float), not in the op's dtype: `(x/2).grad_fn._saved_other` is tensor(2).
 * Kept aside under '#name' for grad_fn._saved_<name>; backward uses the op-dtype copy.
 */
/** The tensor operand or null: Python scalars still take a (None, 0) slot in next_functions. */
const tin = (x: Operand): Tensor | null => (isTensor(x) ? x : null);

/** Integer results of integer ops must stay integral (int64 lives in Float64Array). */
const truncIfInt = (dt: DType, f: (x: number, y: number) => number) =>
  dt === 'int64' || dt === 'int32' ? (x: number, y: number) => Math.trunc(f(x, y)) : f;

function floatResult(...ops: Operand[]): DType {
  const dt = resultType(...ops);
  return isFloating(dt) ? dt : getDefaultDtype();
}

// ---------------------------------------------------------------- arithmetic

/** A Python scalar as the op's dtype holds it (alpha and value arguments are cast like this). */
const asDtype = (v: number, dt: DType): number => (dt === 'float32' ? Math.fround(v) : v);

// The functions add and mul hand the kernels and record() that capture nothing are made once,
// not per call (a chain of scalar ops keeps every VJP closure alive until backward).
const ADD_FN = (x: number, y: number): number => x + y;
const ADD_VJP: Vjp = ([g]) => [g, g];
const ALPHA_ONE = Object.freeze({ alpha: 1n });
const MUL_FN = (x: number, y: number): number => x * y;
const AND_FN = (x: number, y: number): number => (x && y ? 1 : 0);
const MUL_VJP: Vjp = ([g], n) => [g && n.next[0] ? mul(g, n.unpack('other')) : null, g && n.next[1] ? mul(g, n.unpack('self')) : null];

export function add(a: Operand, b: Operand, alpha: Scalar = 1n): Tensor {
  const dt = resultType(a, b);
  const al = asDtype(scalarValue(alpha), dt);
  const out = binaryMap(wrap(a, dt), wrap(b, dt), dt, al === 1 ? ADD_FN : (x, y) => x + al * y);
  const node = record('AddBackward0', [tin(a), tin(b)], [out], al === 1 ? ADD_VJP : ([g]) => [g, g && al !== 1 ? mul(g, al) : g]);
  if (node) {
    if (alpha === 1n) node.setSharedAttrs(ALPHA_ONE);
    else node.attrs.alpha = alpha;
  }
  return out;
}

export function sub(a: Operand, b: Operand, alpha: Scalar = 1n): Tensor {
  if (resultType(a, b) === 'bool') {
    throw new TorchError(
      'RuntimeError',
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  const dt = resultType(a, b);
  const al = asDtype(scalarValue(alpha), dt);
  const out = binaryMap(wrap(a, dt), wrap(b, dt), dt, (x, y) => x - al * y);
  const node = record('SubBackward0', [tin(a), tin(b)], [out], ([g]) => [g, g ? mul(g, -al) : null]);
  if (node) node.attrs.alpha = alpha;
  return out;
}

/** scalar - tensor (Python's __rsub__): one input, RsubBackward1. */
export function rsub(t: Tensor, s: Scalar): Tensor {
  const dt = resultType(t, s);
  const out = binaryMap(t, wrap(s, dt), dt, (x, y) => y - x);
  const node = record('RsubBackward1', [t], [out], ([g]) => [g ? neg(g) : null]);
  if (node) node.attrs.alpha = 1n; // rsub.Scalar(self, other, alpha=1) saves alpha
  return out;
}

export function mul(a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  const ta = wrap(a, dt);
  const tb = wrap(b, dt);
  const out = binaryMap(ta, tb, dt, dt === 'bool' ? AND_FN : MUL_FN);
  const node = record('MulBackward0', [tin(a), tin(b)], [out], MUL_VJP);
  if (node) {
    // a Python scalar operand's wrapped tensor is saved as a number until backward needs it
    if (node.next[1]) {
      if (isTensor(a)) node.save('self', ta);
      else node.saveWrappedNumber('self', ta, a);
    }
    if (node.next[0]) {
      if (isTensor(b)) node.save('other', tb);
      else node.saveWrappedNumber('other', tb, b);
    }
  }
  return out;
}

export function div(a: Operand, b: Operand, roundingMode: 'trunc' | 'floor' | null = null): Tensor {
  if (roundingMode) {
    const dt = resultType(a, b);
    const round = roundingMode === 'trunc' ? Math.trunc : Math.floor;
    // integer division by zero is an error in ATen's div_trunc/div_floor kernels
    const f = isFloating(dt)
      ? (x: number, y: number) => round(x / y)
      : (x: number, y: number) => {
          if (y === 0) throw new TorchError('RuntimeError', 'ZeroDivisionError');
          return round(x / y);
        };
    const out = binaryMap(wrap(a, dt), wrap(b, dt), dt, f);
    // a Python number takes the Tensor overload (wrapped number): div.Tensor_mode, DivBackward2
    record('DivBackward2', [tin(a), tin(b)], [out], ([g]) => [g ? zerosLikeT(g) : null, g ? zerosLikeT(g) : null]);
    return out;
  }
  const dt = floatResult(a, b);
  const ta = wrap(a, dt);
  const tb = wrap(b, dt);
  const out = binaryMap(ta, tb, dt, (x, y) => x / y);
  const node = record('DivBackward0', [tin(a), tin(b)], [out], ([g], n) => {
    if (!g) return [null, null];
    const other = n.unpack('other');
    const ga = n.next[0] ? div(g, other) : null;
    const gb = n.next[1] ? mul(neg(g), div(div(n.unpack('self'), other), other)) : null;
    return [ga, gb];
  });
  if (node) {
    if (node.next[1]) {
      if (isTensor(a)) node.save('self', ta);
      else node.saveWrappedNumber('self', ta, a);
    }
    if (isTensor(b)) node.save('other', tb);
    else node.saveWrappedNumber('other', tb, b);
  }
  return out;
}

/** scalar / tensor: PyTorch computes reciprocal(t) * scalar (so the node is MulBackward0). */
export function rdiv(t: Tensor, s: Scalar): Tensor {
  const r = isFloating(t.dtype) ? reciprocal(t) : reciprocal(cast(t, getDefaultDtype()));
  return mul(r, s);
}

export function floorDivide(a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  if (!isFloating(dt)) {
    return binaryMap(wrap(a, dt), wrap(b, dt), dt, (x, y) => {
      if (y === 0) throw new TorchError('RuntimeError', 'ZeroDivisionError');
      return Math.floor(x / y);
    });
  }
  return binaryMap(wrap(a, dt), wrap(b, dt), dt, (x, y) => Math.floor(x / y));
}

/**
 * remainder (Python's %, the sign of the divisor) and fmod (C's fmod, the sign of the dividend).
 * A number divisor gives RemainderBackward0 / FmodBackward0 (one input); a tensor divisor
 * RemainderBackward1 / FmodBackward1, whose divisor gets -grad * (a / b rounded down / toward 0).
 */
export function remainder(a: Operand, b: Operand, kind: 'remainder' | 'fmod' = 'remainder'): Tensor {
  const dt = resultType(a, b);
  const g0 =
    kind === 'fmod'
      ? (x: number, y: number) => x % y
      : (x: number, y: number) => {
          const r = x % y;
          return r !== 0 && r < 0 !== y < 0 ? r + y : r;
        };
  // integral remainder/fmod by zero: TORCH_CHECK(b != 0, "ZeroDivisionError")
  const f = isFloating(dt)
    ? g0
    : (x: number, y: number) => {
        if (y === 0) throw new TorchError('RuntimeError', 'ZeroDivisionError');
        return g0(x, y);
      };
  const ta = wrap(a, dt);
  const tb = wrap(b, dt);
  const out = binaryMap(ta, tb, dt, f);
  const base = kind === 'fmod' ? 'FmodBackward' : 'RemainderBackward';
  if (!isTensor(b)) {
    record(base + '0', [tin(a)], [out], ([g]) => [g]);
    return out;
  }
  const node = record(base + '1', [tin(a), b], [out], ([g], n) => {
    if (!g) return [null, null];
    const q = div(n.unpack('self'), n.unpack('other'), kind === 'fmod' ? 'trunc' : 'floor');
    return [g, n.next[1] ? mul(neg(g), q) : null];
  });
  if (node) {
    node.save('self', ta);
    node.save('other', tb);
  }
  return out;
}

export function neg(a: Tensor): Tensor {
  if (a.dtype === 'bool') {
    throw new TorchError(
      'RuntimeError',
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  const out = unaryMap(a, a.dtype, (x) => -x);
  record('NegBackward0', [a], [out], ([g]) => [g ? neg(g) : null]);
  return out;
}

/** tensor ** scalar: PowBackward0 (one input). */
export function powScalar(a: Tensor, e: Scalar): Tensor {
  const ev = scalarValue(e);
  if (!isFloating(a.dtype) && typeof e !== 'number' && ev < 0) {
    throw new TorchError('RuntimeError', 'Integers to negative integer powers are not allowed.');
  }
  const dt = resultType(a, e);
  const out = unaryMap(a, dt, powKernel(ev, dt));
  const node = record('PowBackward0', [a], [out], ([g], n) => {
    if (!g) return [null];
    if (ev === 0) return [zerosLikeT(g)];
    const self = n.unpack('self');
    return [mul(g, mul(powScalar(self, ev - 1), ev))];
  });
  if (node) {
    node.save('self', a);
    node.attrs.exponent = e;
  }
  return out;
}

/** ATen's pow(tensor, scalar) kernel: x*x, x*x*x, sqrt, rsqrt, reciprocal for common exponents. */
function powKernel(e: number, dt: DType): (x: number) => number {
  if (dt === 'int64' || dt === 'int32') return (x) => Math.trunc(Math.pow(x, e));
  const r = dt === 'float32' ? Math.fround : (x: number) => x;
  if (e === 2) return (x) => x * x;
  if (e === 3) return (x) => r(x * x) * x;
  if (e === 0.5) return Math.sqrt;
  if (e === -0.5) return (x) => 1 / r(Math.sqrt(x));
  if (e === -1) return (x) => 1 / x;
  if (e === -2) return (x) => 1 / r(x * x);
  return (x) => Math.pow(x, e);
}

/** tensor ** tensor (and scalar ** tensor, wrapped): PowBackward1. */
export function powTensor(a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  if (!isFloating(dt) && isTensor(b)) {
    const bv = b.values();
    for (let i = 0; i < bv.length; i++) {
      if (bv[i] < 0) throw new TorchError('RuntimeError', 'Integers to negative integer powers are not allowed.');
    }
  }
  const ta = wrap(a, dt);
  const tb = wrap(b, dt);
  const out = binaryMap(ta, tb, dt, truncIfInt(dt, Math.pow));
  const node = record('PowBackward1', [tin(a), tin(b)], [out], ([g], n) => {
    if (!g) return [null, null];
    const self = n.unpack('self');
    const exp = n.unpack('exponent');
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (n.next[0]) {
      // grad * exponent * self^(exponent-1), zero where exponent == 0
      const d = binaryMap(self, exp, self.dtype, (x, y) => (y === 0 ? 0 : y * Math.pow(x, y - 1)));
      ga = mul(g, d);
    }
    if (n.next[1]) {
      const r = n.unpack('result');
      // grad * result * log(self), with 0 where self == 0 and exponent >= 0
      const lg = binaryMap(self, exp, r.dtype, (x, y) => (x === 0 && y >= 0 ? 0 : Math.log(x)));
      gb = mul(g, mul(r, lg));
    }
    return [ga, gb];
  });
  if (node) {
    node.save('self', ta);
    node.save('exponent', tb);
    node.save('result', out, true);
  }
  return out;
}

/** torch.pow(scalar, tensor) (aten pow.Scalar): one input, PowBackward2. */
export function powScalarSelf(s: Scalar, b: Tensor): Tensor {
  const dt = resultType(s, b);
  const sv = scalarValue(s);
  if (!isFloating(dt)) {
    const bv = b.values();
    for (let i = 0; i < bv.length; i++) {
      if (bv[i] < 0) throw new TorchError('RuntimeError', 'Integers to negative integer powers are not allowed.');
    }
  }
  const out = binaryMap(wrap(s, dt), b, dt, truncIfInt(dt, Math.pow));
  const node = record('PowBackward2', [b], [out], ([g], n) => {
    if (!g) return [null];
    const r = n.unpack('result');
    const exp = n.unpack('exponent');
    // grad * result * log(self), with 0 where self == 0 and exponent >= 0
    const lg = unaryMap(exp, r.dtype, (y) => (sv === 0 && y >= 0 ? 0 : Math.log(sv)));
    return [mul(g, mul(r, lg))];
  });
  if (node) {
    node.save('exponent', b);
    node.save('result', out, true);
    node.attrs.self = s;
  }
  return out;
}

/**
 * addcmul: self + value * t1 * t2, rounded as ATen's float32 kernel does: (value*t1) rounded,
 * then for tensors under 16 elements (the scalar loop, FMA-contracted) one fused multiply-add,
 * otherwise (the vector loop) a rounded product and a rounded sum.
 */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, value: Scalar = 1n): Tensor {
  const dt = resultType(input, t1, t2);
  const v = asDtype(scalarValue(value), dt);
  const r = dt === 'float32' ? Math.fround : (x: number) => x;
  const vt1 = binaryMap(t1, Tensor.scalar(v, dt), dt, (x, y) => x * y);
  const fused = broadcastShapes(broadcastShapes(input.shape, t1.shape), t2.shape).reduce((a, b) => a * b, 1) < 16;
  const prod = fused ? binaryMap(vt1, t2, 'float64', (x, y) => x * y) : binaryMap(vt1, t2, dt, (x, y) => r(x * y));
  const out = binaryMap(input, prod, dt, (x, p) => x + p);
  const node = record('AddcmulBackward0', [input, t1, t2], [out], ([g], n) => {
    if (!g) return [null, null, null];
    return [g, n.next[1] ? mul(mul(g, n.unpack('tensor2')), v) : null, n.next[2] ? mul(mul(g, n.unpack('tensor1')), v) : null];
  });
  if (node) {
    node.save('tensor1', t1);
    node.save('tensor2', t2);
  }
  return out;
}

/** addcdiv: self + (value * t1) / t2, each step rounded to the dtype as ATen's kernel does. */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, value: Scalar = 1n): Tensor {
  const dt = resultType(input, t1, t2);
  const v = asDtype(scalarValue(value), dt);
  const vt1 = binaryMap(t1, Tensor.scalar(v, dt), dt, (x, y) => x * y);
  const q = binaryMap(vt1, t2, dt, (x, y) => x / y);
  const out = binaryMap(input, q, dt, (x, p) => x + p);
  record('AddcdivBackward0', [input, t1, t2], [out], ([g]) => [g, null, null]);
  return out;
}

// ---------------------------------------------------------------- unary math

type Saved = 'self' | 'result';
/**
 * A unary float op: its forward, PyTorch's node name, what it saves, and its VJP written with
 * ops in the order of PyTorch's formula (so the rounding matches, and with create_graph the
 * gradient is itself differentiable).
 */
function unaryFloat(name: string, f: (x: number) => number, saves: Saved, vjp: (g: Tensor, s: Tensor) => Tensor) {
  return (a: Tensor): Tensor => {
    const dt = isFloating(a.dtype) ? a.dtype : getDefaultDtype();
    // storing into a Float32Array rounds; passing f itself lets the kernel use its fast loops
    const out = unaryMap(a, dt, f);
    const node = record(name, [a], [out], ([g], n) => [g ? vjp(g, n.unpack(saves)) : null]);
    if (node) node.save(saves, saves === 'self' ? a : out, saves === 'result');
    return out;
  };
}

/** sigmoid as ATen's scalar kernel computes it in float32: 1 / (1 + exp(-x)), each step rounded. */
const sigmoid32 = (x: number): number => Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
const sigmoidF = (x: number): number => 1 / (1 + Math.exp(-x));

export const exp = unaryFloat('ExpBackward0', Math.exp, 'result', (g, r) => mul(g, r));
export const log = unaryFloat('LogBackward0', Math.log, 'self', (g, x) => div(g, x));
export const log2 = unaryFloat('Log2Backward0', Math.log2, 'self', (g, x) => div(g, mul(x, Math.LN2)));
export const log10 = unaryFloat('Log10Backward0', Math.log10, 'self', (g, x) => div(g, mul(x, Math.LN10)));
export const log1p = unaryFloat('Log1PBackward0', Math.log1p, 'self', (g, x) => div(g, add(x, 1n)));
export const expm1 = unaryFloat('Expm1Backward0', Math.expm1, 'result', (g, r) => mul(g, add(r, 1n)));
export const sin = unaryFloat('SinBackward0', Math.sin, 'self', (g, x) => mul(g, cos(x)));
export const cos = unaryFloat('CosBackward0', Math.cos, 'self', (g, x) => mul(g, neg(sin(x))));
export const tan = unaryFloat('TanBackward0', Math.tan, 'result', (g, r) => mul(g, add(mul(r, r), 1n)));
/**
 * With create_graph, a gradient computed by a composite of ops takes the name of the single
 * backward op PyTorch uses there (SigmoidBackwardBackward0 for sigmoid_backward, ...).
 */
export function asBackwardOp<T extends Tensor>(name: string, make: () => T): T {
  const before = isGradEnabled() ? nextNodeSeq() : Infinity;
  const out = make();
  if (out.gradFn && out.gradFn.seq >= before) out.gradFn.name = name;
  return out;
}

export const tanh = unaryFloat('TanhBackward0', Math.tanh, 'result', (g, r) => asBackwardOp('TanhBackwardBackward0', () => mul(g, rsub(mul(r, r), 1n))));
export const sigmoid = (a: Tensor): Tensor => sigmoidOp(a);
const sigmoidOp = (a: Tensor): Tensor => {
  const dt = isFloating(a.dtype) ? a.dtype : getDefaultDtype();
  const out = unaryMap(a, dt, dt === 'float32' ? sigmoid32 : sigmoidF);
  const node = record('SigmoidBackward0', [a], [out], ([g], n) => {
    if (!g) return [null];
    const r = n.unpack('result');
    return [asBackwardOp('SigmoidBackwardBackward0', () => mul(mul(g, rsub(r, 1n)), r))];
  });
  if (node) node.save('result', out, true);
  return out;
};
export const sqrt = unaryFloat('SqrtBackward0', Math.sqrt, 'result', (g, r) => div(g, mul(r, 2n)));
export const rsqrt = unaryFloat('RsqrtBackward0', (x) => 1 / Math.sqrt(x), 'result', (g, r) => mul(g, mul(powScalar(r, 3n), -0.5)));
export const reciprocal = unaryFloat('ReciprocalBackward0', (x) => 1 / x, 'result', (g, r) => mul(neg(g), mul(r, r)));
export const asin = unaryFloat('AsinBackward0', Math.asin, 'self', (g, x) => div(g, sqrt(rsub(mul(x, x), 1n))));
export const acos = unaryFloat('AcosBackward0', Math.acos, 'self', (g, x) => div(neg(g), sqrt(rsub(mul(x, x), 1n))));
export const atan = unaryFloat('AtanBackward0', Math.atan, 'self', (g, x) => div(g, add(mul(x, x), 1n)));
export const sinh = unaryFloat('SinhBackward0', Math.sinh, 'self', (g, x) => mul(g, cosh(x)));
export const cosh = unaryFloat('CoshBackward0', Math.cosh, 'self', (g, x) => mul(g, sinh(x)));
export const softplus = unaryFloat('SoftplusBackward0', (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), 'self', (g, x) =>
  mul(g, unaryMap(x, x.dtype, (v) => (v > 20 ? 1 : sigmoidF(v)))),
);

/** Ops that keep integer dtypes (abs, relu) — same pattern, dtype preserved. */
function unaryKeep(name: string, f: (x: number) => number, saves: Saved, deriv: (s: number) => number) {
  return (a: Tensor): Tensor => {
    const out = unaryMap(a, a.dtype, f);
    const node = record(name, [a], [out], ([g], n) => {
      if (!g) return [null];
      const s = n.unpack(saves);
      return [mul(g, unaryMap(s, g.dtype, deriv))];
    });
    if (node) node.save(saves, saves === 'self' ? a : out, saves === 'result');
    return out;
  };
}

const absRaw = unaryKeep('AbsBackward0', Math.abs, 'self', Math.sign);
const reluRaw = unaryKeep('ReluBackward0', (x) => (x > 0 ? x : 0), 'result', (r) => (r > 0 ? 1 : 0));

/** abs: grad * self.sgn() — with create_graph the sgn is in the graph (SgnBackward0), as in PyTorch. */
export function abs(a: Tensor): Tensor {
  const out = absRaw(a);
  const node = out.gradFn && out.gradFn.name === 'AbsBackward0' && out.gradFn.outputs[0] === out ? out.gradFn : null;
  if (node) {
    const plain = node.vjp;
    (node as { vjp: Vjp }).vjp = (gs, n) => {
      if (!isGradEnabled() || !gs[0]) return plain(gs, n);
      const s = n.unpack('self');
      const sg = unaryMap(s, s.dtype, Math.sign);
      record('SgnBackward0', [s], [sg], ([g]) => [g ? zerosLikeT(g) : null]);
      return [mul(gs[0], sg)];
    };
  }
  return out;
}

/** relu: threshold_backward(grad, result, 0) — with create_graph one ThresholdBackwardBackward0 node over (grad, result). */
export function relu(a: Tensor): Tensor {
  const out = reluRaw(a);
  const node = out.gradFn && out.gradFn.name === 'ReluBackward0' && out.gradFn.outputs[0] === out ? out.gradFn : null;
  if (node) {
    const plain = node.vjp;
    (node as { vjp: Vjp }).vjp = (gs, n) => {
      if (!isGradEnabled() || !gs[0]) return plain(gs, n);
      const r = n.unpack('result');
      const mask = unaryMap(r, gs[0].dtype, (x) => (x > 0 ? 1 : 0));
      const res = binaryMap(gs[0], mask, gs[0].dtype, (x, m) => x * m);
      record('ThresholdBackwardBackward0', [gs[0], r], [res], ([gg]) => [gg ? binaryMap(gg, mask, gg.dtype, (x, m) => x * m) : null, gg ? zerosLikeT(r) : null]);
      return [res];
    };
  }
  return out;
}

/** Piecewise-constant ops: gradient zero everywhere. */
function stepOp(name: string, f: (x: number) => number) {
  return (a: Tensor): Tensor => {
    const out = unaryMap(a, a.dtype, f);
    record(name, [a], [out], ([g]) => [g ? zerosLikeT(g) : null]);
    return out;
  };
}

/** Round half to even, as torch.round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r === 0 && x < 0 ? -0 : r;
}

export const round = stepOp('RoundBackward0', roundHalfEven);
export const floor = stepOp('FloorBackward0', Math.floor);
export const ceil = stepOp('CeilBackward0', Math.ceil);
export const trunc = stepOp('TruncBackward0', Math.trunc);
export const sign = stepOp('SignBackward0', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0));

export function roundDecimals(a: Tensor, decimals: number): Tensor {
  const k = Math.pow(10, decimals);
  const out = unaryMap(a, a.dtype, (x) => roundHalfEven(x * k) / k);
  record('RoundBackward1', [a], [out], ([g]) => [g ? zerosLikeT(g) : null]);
  return out;
}

export function clamp(a: Tensor, min: Scalar | null, max: Scalar | null, name = 'ClampBackward1'): Tensor {
  if (min === null && max === null) {
    throw new TorchError('RuntimeError', "torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  const lo = min === null ? -Infinity : scalarValue(min);
  const hi = max === null ? Infinity : scalarValue(max);
  const dt = resultType(a, ...(min === null ? [] : [min]), ...(max === null ? [] : [max]));
  const out = unaryMap(a, dt, (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi)));
  const node = record(name, [a], [out], ([g], n) => {
    if (!g) return [null];
    const s = n.unpack('self');
    return [mul(g, unaryMap(s, g.dtype, (x) => (x >= lo && x <= hi ? 1 : 0)))];
  });
  if (node) node.save('self', a);
  return out;
}

/** clamp with tensor bounds (aten clamp.Tensor): elementwise, broadcast, ClampBackward0 with min/max as inputs. */
export function clampTensor(a: Tensor, min: Tensor | null, max: Tensor | null): Tensor {
  if (min === null && max === null) {
    throw new TorchError('RuntimeError', "torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  const dt = resultType(a, ...(min ? [min] : []), ...(max ? [max] : []));
  let shape = a.shape.slice();
  if (min) shape = broadcastShapes(shape, min.shape);
  if (max) shape = broadcastShapes(shape, max.shape);
  const x = expandValues(a, shape, dt);
  const lo = min ? expandValues(min, shape, dt) : null;
  const hi = max ? expandValues(max, shape, dt) : null;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) continue;
    if (lo) x[i] = Math.max(x[i], lo[i]);
    if (hi) x[i] = Math.min(x[i], hi[i]);
  }
  const out = Tensor.fromData(x, shape, dt);
  const node = record('ClampBackward0', [a, min, max], [out], ([g], n) => {
    if (!g) return [null, null, null];
    const gv = expandValues(g, shape, g.dtype);
    const sv = expandValues(n.unpack('self'), shape, g.dtype);
    const mn = min ? expandValues(n.unpack('min'), shape, g.dtype) : null;
    const mx = max ? expandValues(n.unpack('max'), shape, g.dtype) : null;
    const part = (keep: (i: number) => boolean) => {
      const r = new Float64Array(gv.length);
      for (let i = 0; i < gv.length; i++) r[i] = keep(i) ? gv[i] : 0;
      return Tensor.fromData(g.dtype === 'float32' ? Float32Array.from(r) : r, shape, g.dtype);
    };
    // FunctionsManual's clamp_backward and clamp_backward_min_max
    const gSelf = part((i) => (!mn || sv[i] >= mn[i]) && (!mx || sv[i] <= mx[i]));
    const gMin = mn && n.next[1] ? part((i) => sv[i] < mn[i] && (!mx || mn[i] < mx[i])) : null;
    const gMax = mx && n.next[2] ? part((i) => sv[i] > mx[i] || (!!mn && mx[i] < mn[i])) : null;
    return [n.next[0] ? gSelf : null, gMin, gMax];
  });
  if (node) {
    node.save('self', a);
    if (min) node.save('min', min);
    if (max) node.save('max', max);
  }
  return out;
}

export function leakyRelu(a: Tensor, slope: number): Tensor {
  const out = unaryMap(a, a.dtype, (x) => (x > 0 ? x : x * slope));
  const node = record('LeakyReluBackward0', [a], [out], ([g], n) => [
    g ? mul(g, unaryMap(n.unpack('self'), g.dtype, (x) => (x > 0 ? 1 : slope))) : null,
  ]);
  if (node) node.save('self', a);
  return out;
}

// ---------------------------------------------------------------- comparison and logic

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const cmpFns: Record<Cmp, (x: number, y: number) => number> = {
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

export function compare(op: Cmp, a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  return binaryMap(wrap(a, dt), wrap(b, dt), 'bool', cmpFns[op]);
}

export function logical(op: 'and' | 'or' | 'xor', a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  const f =
    op === 'and'
      ? (x: number, y: number) => (x && y ? 1 : 0)
      : op === 'or'
        ? (x: number, y: number) => (x || y ? 1 : 0)
        : (x: number, y: number) => ((x ? 1 : 0) ^ (y ? 1 : 0));
  return binaryMap(wrap(a, dt), wrap(b, dt), 'bool', f);
}

/** `&`, `|`, `^` on tensors: logical on bool, bitwise on integers. */
export function bitwise(op: 'and' | 'or' | 'xor', a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  if (isFloating(dt)) {
    throw new TorchError('RuntimeError', `"bitwise_${op}_cpu" not implemented for '${dt === 'float32' ? 'Float' : 'Double'}'`);
  }
  if (dt === 'bool') return logical(op, a, b);
  const f =
    op === 'and' ? (x: number, y: number) => x & y : op === 'or' ? (x: number, y: number) => x | y : (x: number, y: number) => x ^ y;
  return binaryMap(wrap(a, dt), wrap(b, dt), dt, f);
}

export function logicalNot(a: Tensor): Tensor {
  return unaryMap(a, 'bool', (x) => (x ? 0 : 1));
}

export function bitwiseNot(a: Tensor): Tensor {
  if (a.dtype === 'bool') return logicalNot(a);
  if (isFloating(a.dtype)) throw new TorchError('RuntimeError', `"bitwise_not_cpu" not implemented for 'Float'`);
  return unaryMap(a, a.dtype, (x) => ~x);
}

export function maximum(a: Tensor, b: Tensor, name = 'MaximumBackward0', pick: (x: number, y: number) => number = Math.max): Tensor {
  const dt = resultType(a, b);
  const out = binaryMap(a, b, dt, pick);
  const node = record(name, [a, b], [out], ([g], n) => {
    if (!g) return [null, null];
    const sa = n.unpack('self');
    const sb = n.unpack('other');
    const wa = binaryMap(sa, sb, g.dtype, (x, y) => (pick(x, y) === x ? (x === y ? 0.5 : 1) : 0));
    const wb = binaryMap(sa, sb, g.dtype, (x, y) => (pick(x, y) === y ? (x === y ? 0.5 : 1) : 0));
    return [mul(g, wa), mul(g, wb)];
  });
  if (node) {
    node.save('self', a);
    node.save('other', b);
  }
  return out;
}

export const minimum = (a: Tensor, b: Tensor): Tensor => maximum(a, b, 'MinimumBackward0', Math.min);

export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const dt = resultType(a, b);
  const ta = wrap(a, dt);
  const tb = wrap(b, dt);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape), tb.shape);
  const c = expandValues(cond, shape);
  const x = expandValues(ta, shape, dt);
  const y = expandValues(tb, shape, dt);
  for (let i = 0; i < x.length; i++) if (!c[i]) x[i] = y[i];
  const exact = Tensor.fromData(x, shape, dt);
  const node = record('WhereBackward0', [tin(a), tin(b)], [exact], ([g], n) => {
    if (!g) return [null, null];
    const m = n.unpack('condition');
    return [binaryMap(m, g, g.dtype, (c, x) => (c ? x : 0)), binaryMap(m, g, g.dtype, (c, x) => (c ? 0 : x))];
  });
  if (node) node.save('condition', cond);
  return exact;
}

// ---------------------------------------------------------------- dtype

/** tensor.to(dtype): ToCopyBackward0 when the dtype changes. */
export function cast(a: Tensor, dtype: DType): Tensor {
  if (a.dtype === dtype) return a;
  const f =
    dtype === 'bool'
      ? (x: number) => (x ? 1 : 0)
      : dtype === 'int32' && isFloating(a.dtype)
        ? // a float out of range (and NaN, ±inf) becomes INT32_MIN on x86 (cvttss2si); integers wrap
          (x: number) => (x >= -2147483648 && x < 2147483648 ? Math.trunc(x) : -2147483648)
        : dtype === 'int32'
        ? (x: number) => x
        : dtype === 'int64'
        ? // NaN and ±inf become INT64_MIN on x86, as a C++ cast there does
          (x: number) => (x >= -9223372036854775808 && x < 9223372036854775808 ? Math.trunc(x) : -9223372036854775808)
        : (x: number) => x;
  const out = unaryMap(a, dtype, f);
  if (isFloating(dtype)) record('ToCopyBackward0', [a], [out], ([g]) => [g ? cast(g, a.dtype) : null]);
  return out;
}

export function zerosLikeT(t: Tensor): Tensor {
  return Tensor.zeros(t.shape, t.dtype);
}
