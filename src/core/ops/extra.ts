/**
 * Ops beyond the core tutorial set, each with PyTorch 1.13's node name and gradient:
 * gather / scatter / index_select / masked_fill / masked_select, tril / triu, cumprod,
 * float predicates (isnan ...), more activations (gelu, silu, elu, hardtanh, ...) and losses
 * (smooth_l1, huber).
 */
import { record } from '../autograd/node';
import { allocate, DType, isFloating, scalarTypeName } from '../dtype';
import { TorchError } from '../errors';
import { broadcastShapes, normDim, numel, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { checkTargetSize } from './nnfunc';
import { mul } from './elementwise';
import { expandValues, unaryMap } from './kernels';
import { getDefaultDtype, isTensor, Operand, resultType, Scalar, scalarValue } from './scalar';
import { torchSum } from './cascadeSum';

const f32r = (dt: DType) => (dt === 'float32' ? Math.fround : (v: number) => v);

// ---------------------------------------------------------------- gather / scatter

/** Row-major multi-index walk over `shape`, calling f(flat, coords). */
function eachIndex(shape: readonly number[], f: (flat: number, c: number[]) => void): void {
  const n = numel(shape);
  const c = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    f(i, c);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d] < shape[d]) break;
      c[d] = 0;
    }
  }
}

const flatOf = (c: number[], shape: readonly number[], dim: number, at: number): number => {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + (d === dim ? at : c[d]);
  return f;
};

function checkIndexDtype(method: string, index: Tensor): void {
  if (index.dtype !== 'int64') throw new TorchError('RuntimeError', `${method}(): Expected dtype int64 for index`);
}

/** ScatterGatherChecks.h: same rank, and index no larger than self (and src) outside `dim`. */
function gatherShapeCheck(self: Tensor, dim: number, index: Tensor, src: Tensor | null, method: 'gather' | 'scatter'): void {
  const nd = (t: Tensor) => Math.max(t.ndim, 1);
  if (nd(self) !== nd(index)) {
    throw new TorchError('RuntimeError', 'Index tensor must have the same number of dimensions as ' + (method === 'gather' ? 'input' : 'self') + ' tensor');
  }
  if (src && nd(src) !== nd(index)) throw new TorchError('RuntimeError', 'Index tensor must have the same number of dimensions as src tensor');
  const size = (t: Tensor, d: number) => (t.ndim === 0 ? 1 : t.shape[d]);
  for (let d = 0; d < nd(self); d++) {
    if (method === 'gather' && d !== dim && size(index, d) > size(self, d)) {
      throw new TorchError(
        'RuntimeError',
        `Size does not match at dimension ${d} expected index [${index.shape.join(', ')}] to be smaller than self [${self.shape.join(', ')}] apart from dimension ${dim}`,
      );
    }
    if (method === 'scatter' && ((d !== dim && size(index, d) > size(self, d)) || (src && size(index, d) > size(src, d)))) {
      throw new TorchError(
        'RuntimeError',
        `Expected index [${index.shape.join(', ')}] to be smaller than self [${self.shape.join(', ')}] apart from dimension ${dim}` +
          (src ? ` and to be smaller size than src [${src.shape.join(', ')}]` : ''),
      );
    }
  }
}

function readIndex(index: Tensor, limit: number, dim: number): Float64Array {
  const iv = Float64Array.from(index.values());
  for (let i = 0; i < iv.length; i++) {
    if (!(iv[i] >= 0 && iv[i] < limit)) throw new TorchError('RuntimeError', `index ${iv[i]} is out of bounds for dimension ${dim} with size ${limit}`);
  }
  return iv;
}

/** torch.gather(input, dim, index): out[i][j] = input[index[i][j]][j] (dim 0). GatherBackward0. */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexDtype('gather', index);
  const d = normDim(dim, input.ndim);
  gatherShapeCheck(input, d, index, null, 'gather');
  const ishape = input.ndim === 0 ? [1] : input.shape;
  const xshape = index.ndim === 0 ? [1] : index.shape;
  const iv = readIndex(index, ishape[d], d);
  const xv = input.values();
  const out = allocate(input.dtype, iv.length);
  eachIndex(xshape, (i, c) => {
    out[i] = xv[flatOf(c, ishape, d, iv[i])];
  });
  const res = Tensor.fromData(out, index.shape.slice(), input.dtype);
  const inShape = input.shape.slice();
  const node = record('GatherBackward0', [input], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, numel(inShape));
    eachIndex(xshape, (i, c) => {
      gi[flatOf(c, ishape, d, iv[i])] += gv[i];
    });
    return [Tensor.fromData(gi, inShape, g.dtype)];
  });
  if (node) {
    node.attrs.dim = BigInt(d);
    node.attrs.sparse_grad = false;
    node.save('index', index);
  }
  return res;
}

/**
 * scatter(self, dim, index, src | value) and scatter_add: out-of-place; the in-place forms go
 * through applyInPlace. Node names: ScatterBackward0 (src tensor), ScatterBackward1 (value),
 * ScatterAddBackward0.
 */
export function scatter(self: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduceAdd = false): Tensor {
  const method = reduceAdd ? 'scatter_add' : 'scatter';
  checkIndexDtype(method, index);
  const d = normDim(dim, self.ndim);
  const srcT = isTensor(src) ? src : null;
  if (srcT && srcT.dtype !== self.dtype) {
    throw new TorchError('RuntimeError', `${method}(): Expected self.dtype to be equal to src.dtype`);
  }
  gatherShapeCheck(self, d, index, srcT, 'scatter');
  const sshape = self.ndim === 0 ? [1] : self.shape;
  const xshape = index.ndim === 0 ? [1] : index.shape;
  const srcShape = srcT ? (srcT.ndim === 0 ? [1] : srcT.shape) : null;
  const iv = readIndex(index, sshape[d], d);
  const out = self.copyValues();
  const sv = srcT ? srcT.values() : null;
  const sval = srcT ? 0 : scalarValue(src as Scalar);
  const cast = f32r(self.dtype);
  eachIndex(xshape, (i, c) => {
    const v = sv ? sv[flatOf(c, srcShape!, -1, 0)] : sval;
    const at = flatOf(c, sshape, d, iv[i]);
    out[at] = reduceAdd ? cast(out[at] + v) : v;
  });
  const res = Tensor.fromData(out, self.shape.slice(), self.dtype);
  const name = reduceAdd ? 'ScatterAddBackward0' : srcT ? 'ScatterBackward0' : 'ScatterBackward1';
  const node = record(name, [self, srcT], [res], ([g]) => {
    if (!g) return [null, null];
    const gv = g.values();
    // self: grad with the scattered positions zeroed (scatter) or passed through (scatter_add)
    const gs = Float64Array.from(gv);
    if (!reduceAdd) eachIndex(xshape, (i, c) => (gs[flatOf(c, sshape, d, iv[i])] = 0));
    let gsrc: Tensor | null = null;
    if (srcT) {
      // src: grad.gather(dim, index), laid out in index's shape (zeros elsewhere in src's shape)
      const gsv = allocate(g.dtype, srcT.numel);
      eachIndex(xshape, (i, c) => {
        gsv[flatOf(c, srcShape!, -1, 0)] = gv[flatOf(c, sshape, d, iv[i])];
      });
      gsrc = Tensor.fromData(gsv, srcT.shape.slice(), g.dtype);
    }
    return [castTo(gs, self.shape.slice(), g.dtype), gsrc];
  });
  if (node) {
    node.attrs.dim = BigInt(d);
    node.save('index', index);
  }
  return res;
}

function castTo(v: Float64Array, shape: number[], dt: DType): Tensor {
  const out = allocate(dt, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return Tensor.fromData(out, shape, dt);
}

/** index_select(self, dim, index): IndexSelectBackward0. */
export function indexSelect(self: Tensor, dim: number, index: Tensor): Tensor {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new TorchError('RuntimeError', 'index_select(): Expected dtype int32 or int64 for index');
  }
  if (index.ndim > 1) throw new TorchError('IndexError', 'index_select(): Index is supposed to be a vector');
  const d = normDim(dim, self.ndim);
  const shape = self.ndim === 0 ? [1] : self.shape;
  const iv = Float64Array.from(index.values());
  for (let i = 0; i < iv.length; i++) {
    if (!(iv[i] >= 0 && iv[i] < shape[d])) throw new TorchError('IndexError', 'index out of range in self');
  }
  const outShape = shape.slice();
  outShape[d] = iv.length;
  const xv = self.values();
  const out = allocate(self.dtype, numel(outShape));
  eachIndex(outShape, (i, c) => {
    out[i] = xv[flatOf(c, shape, d, iv[c[d]])];
  });
  const res = Tensor.fromData(out, self.ndim === 0 ? [] : outShape, self.dtype);
  const inShape = self.shape.slice();
  const node = record('IndexSelectBackward0', [self], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, numel(inShape));
    eachIndex(outShape, (i, c) => {
      gi[flatOf(c, shape, d, iv[c[d]])] += gv[i];
    });
    return [Tensor.fromData(gi, inShape, g.dtype)];
  });
  if (node) {
    node.attrs.dim = BigInt(d);
    node.save('index', index);
  }
  return res;
}

function checkMask(mask: Tensor, fname: string): void {
  if (mask.dtype !== 'bool') {
    throw new TorchError('NotImplementedError', `${fname} with a non-bool mask (dtype ${scalarTypeName(mask.dtype)}) is not supported by Autograd Lens yet`);
  }
}

/**
 * masked_fill(self, mask, value): MaskedFillBackward0 for a number, MaskedFillBackward1 for a
 * 0-dim tensor value (which receives the masked gradient's sum).
 */
export function maskedFill(self: Tensor, mask: Tensor, value: Operand): Tensor {
  checkMask(mask, 'masked_fill');
  const valueT = isTensor(value) ? value : null;
  if (valueT && valueT.ndim !== 0) {
    throw new TorchError('RuntimeError', `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${valueT.ndim} dimension(s).`);
  }
  // out of place, self is expanded to the mask's broadcast shape (the in-place form then fails on the shape)
  const shape = broadcastShapes(self.shape, mask.shape);
  const m = expandValues(mask, shape);
  const out = expandValues(self, shape);
  const v = valueT ? valueT.item() : scalarValue(value as Scalar);
  const cast = f32r(self.dtype);
  const vv = self.dtype === 'bool' ? (v ? 1 : 0) : isFloating(self.dtype) ? cast(v) : Math.trunc(v);
  for (let i = 0; i < out.length; i++) if (m[i]) out[i] = vv;
  const res = Tensor.fromData(out, shape, self.dtype);
  const node = record(valueT ? 'MaskedFillBackward1' : 'MaskedFillBackward0', valueT ? [self, valueT] : [self], [res], ([g]) => {
    if (!g) return valueT ? [null, null] : [null];
    const gv = g.values();
    const gs = allocate(g.dtype, gv.length);
    let acc = 0;
    for (let i = 0; i < gv.length; i++) {
      if (m[i]) acc += gv[i];
      else gs[i] = gv[i];
    }
    const gFull = Tensor.fromData(gs, g.shape.slice(), g.dtype);
    const gSelf = sameShape(g.shape, self.shape) ? gFull : sumToShape(gFull, self.shape);
    return valueT ? [gSelf, Tensor.scalar(acc, valueT.dtype)] : [gSelf];
  });
  if (node) node.save('mask', mask);
  return res;
}

/** masked_select(self, mask): a 1-D tensor of the selected values. MaskedSelectBackward0. */
export function maskedSelect(self: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool') throw new TorchError('RuntimeError', `masked_select: expected BoolTensor for mask`);
  const shape = broadcastShapes(self.shape, mask.shape);
  const m = expandValues(mask, shape);
  const xv = expandValues(self, shape);
  const picked: number[] = [];
  const pos: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (m[i]) {
      picked.push(xv[i]);
      pos.push(i);
    }
  }
  const out = allocate(self.dtype, picked.length);
  out.set(picked);
  const res = Tensor.fromData(out, [picked.length], self.dtype);
  const inShape = self.shape.slice();
  record('MaskedSelectBackward0', [self], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const full = allocate(g.dtype, numel(shape));
    for (let i = 0; i < pos.length; i++) full[pos[i]] = gv[i];
    const ft = Tensor.fromData(full, shape, g.dtype);
    return [sameShape(shape, inShape) ? ft : sumToShape(ft, inShape)];
  });
  return res;
}

/** Sums a broadcast gradient back to `shape` (values only). */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const out = allocate(g.dtype, numel(shape));
  const gv = g.values();
  const lead = g.ndim - shape.length;
  eachIndex(g.shape, (i, c) => {
    let f = 0;
    for (let d = 0; d < shape.length; d++) f = f * shape[d] + (shape[d] === 1 ? 0 : c[d + lead]);
    out[f] += gv[i];
  });
  return Tensor.fromData(out, shape.slice(), g.dtype);
}

// ---------------------------------------------------------------- tril / triu / cumprod / predicates

/** tril / triu over the last two dims: TrilBackward0 / TriuBackward0. */
export function triangle(self: Tensor, diagonal: number, lower: boolean): Tensor {
  const name = lower ? 'tril' : 'triu';
  if (self.ndim < 2) throw new TorchError('RuntimeError', `${name}: input tensor must have at least 2 dimensions`);
  const r = self.shape[self.ndim - 2];
  const c = self.shape[self.ndim - 1];
  const keep = (i: number, j: number) => (lower ? j - i <= diagonal : j - i >= diagonal);
  const apply = (v: ArrayLike<number>, dt: DType) => {
    const out = allocate(dt, v.length);
    for (let k = 0; k < v.length; k++) {
      const j = k % c;
      const i = Math.floor(k / c) % r;
      if (keep(i, j)) out[k] = v[k];
    }
    return out;
  };
  const res = Tensor.fromData(apply(self.values(), self.dtype), self.shape.slice(), self.dtype);
  const node = record(lower ? 'TrilBackward0' : 'TriuBackward0', [self], [res], ([g]) => (g ? [Tensor.fromData(apply(g.values(), g.dtype), g.shape.slice(), g.dtype)] : [null]));
  if (node) node.attrs.diagonal = BigInt(diagonal);
  return res;
}

/** cumprod along dim (accumulated in double, each store rounded): CumprodBackward0. */
export function cumprod(t: Tensor, dim: number): Tensor {
  const d = normDim(dim, t.ndim);
  const shape = t.ndim === 0 ? [1] : t.shape;
  const od: DType = isFloating(t.dtype) ? t.dtype : 'int64';
  const v = t.values();
  const out = allocate(od, v.length);
  const inner = numel(shape.slice(d + 1));
  const size = shape[d];
  const outer = numel(shape.slice(0, d));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let acc = 1;
      for (let k = 0; k < size; k++) {
        const p = (o * size + k) * inner + i;
        acc *= v[p];
        out[p] = acc;
      }
    }
  const res = Tensor.fromData(out, t.shape.slice(), od);
  const node = record('CumprodBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    // d out[k] / d x[j] = prod_{m<=k, m!=j} x[m] for k >= j (exact, also with zeros)
    const gv = g.values();
    const gi = allocate(g.dtype, gv.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => (o * size + k) * inner + i;
        for (let j = 0; j < size; j++) {
          let s = 0;
          let prefix = 1;
          for (let m = 0; m < j; m++) prefix *= v[at(m)];
          let run = prefix;
          for (let k = j; k < size; k++) {
            if (k > j) run *= v[at(k)];
            s += gv[at(k)] * run;
          }
          gi[at(j)] = s;
        }
      }
    return [Tensor.fromData(gi, g.shape.slice(), g.dtype)];
  });
  if (node) {
    node.attrs.dim = BigInt(d);
    node.save('self', t);
    node.save('result', res, true);
  }
  return res;
}

/** isnan / isinf / isfinite / isposinf / isneginf: bool results, no history. */
export function floatPredicate(t: Tensor, kind: 'nan' | 'inf' | 'finite' | 'posinf' | 'neginf'): Tensor {
  const f = {
    nan: (x: number) => (Number.isNaN(x) ? 1 : 0),
    inf: (x: number) => (x === Infinity || x === -Infinity ? 1 : 0),
    finite: (x: number) => (Number.isFinite(x) ? 1 : 0),
    posinf: (x: number) => (x === Infinity ? 1 : 0),
    neginf: (x: number) => (x === -Infinity ? 1 : 0),
  }[kind];
  return unaryMap(t, 'bool', f);
}

/** nan_to_num: nan → nan (0), ±inf → the dtype's largest finite values unless given. NanToNumBackward0. */
export function nanToNum(t: Tensor, nan: number | null, posinf: number | null, neginf: number | null): Tensor {
  const big = t.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const pn = nan ?? 0;
  const pp = posinf ?? big;
  const pm = neginf ?? -big;
  const out = unaryMap(t, t.dtype, (x) => (Number.isNaN(x) ? pn : x === Infinity ? pp : x === -Infinity ? pm : x));
  const node = record('NanToNumBackward0', [t], [out], ([g], n) => {
    if (!g) return [null];
    const s = n.unpack('self').values();
    const gv = g.values();
    const gi = allocate(g.dtype, gv.length);
    for (let i = 0; i < gv.length; i++) gi[i] = Number.isFinite(s[i]) ? gv[i] : 0;
    return [Tensor.fromData(gi, g.shape.slice(), g.dtype)];
  });
  if (node) node.save('self', t);
  return out;
}

// ---------------------------------------------------------------- activations

/** erf in double: Taylor series near 0, a continued fraction for erfc in the tails. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let s = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      s += add;
      if (Math.abs(add) < 1e-17 * Math.abs(s)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * s;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/**
 * An elementwise activation computed in double and rounded to the dtype, with its derivative
 * as a function of the input: `name` is PyTorch's node.
 */
function activation(name: string, f: (x: number) => number, df: (x: number) => number, attrs: Record<string, unknown> = {}) {
  return (a: Tensor): Tensor => {
    if (!isFloating(a.dtype)) {
      throw new TorchError('RuntimeError', `"${name.replace(/Backward\d$/, '').toLowerCase()}" not implemented for '${scalarTypeName(a.dtype)}'`);
    }
    const out = unaryMap(a, a.dtype, f);
    const node = record(name, [a], [out], ([g], n) => {
      if (!g) return [null];
      const s = n.unpack('self');
      return [mul(g, unaryMap(s, g.dtype, df))];
    });
    if (node) {
      node.save('self', a);
      Object.assign(node.attrs, attrs);
    }
    return out;
  };
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const sig = (x: number) => 1 / (1 + Math.exp(-x));

export function gelu(a: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    return activation(
      'GeluBackward0',
      (x) => 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x))),
      (x) => {
        const inner = k * (x + 0.044715 * x * x * x);
        const t = Math.tanh(inner);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
      },
      { approximate: 'tanh' },
    )(a);
  }
  return activation(
    'GeluBackward0',
    (x) => x * 0.5 * (1 + erf(x * SQRT1_2)),
    (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI,
    { approximate: 'none' },
  )(a);
}

export const silu = activation('SiluBackward0', (x) => x / (1 + Math.exp(-x)), (x) => {
  const s = sig(x);
  return s * (1 + x * (1 - s));
});

export const mish = activation('MishBackward0', (x) => x * Math.tanh(Math.log1p(Math.exp(x))), (x) => {
  const sp = Math.log1p(Math.exp(x));
  const t = Math.tanh(sp);
  return t + x * sig(x) * (1 - t * t);
});

export const logSigmoid = activation(
  'LogSigmoidBackward0',
  (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  (x) => 1 - sig(x),
);

export const hardsigmoid = activation('HardsigmoidBackward0', (x) => Math.min(Math.max(x + 3, 0), 6) / 6, (x) => (x > -3 && x < 3 ? 1 / 6 : 0));

export const hardswish = activation(
  'HardswishBackward0',
  (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
  (x) => (x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1),
);

export function elu(a: Tensor, alpha: number): Tensor {
  return activation('EluBackward0', (x) => (x > 0 ? x : alpha * Math.expm1(x)), (x) => (x > 0 ? 1 : alpha * Math.exp(x)), { alpha })(a);
}

/** hardtanh (and relu6 = hardtanh(0, 6) in 1.13): gradient where min < x < max. */
export function hardtanh(a: Tensor, lo: number, hi: number): Tensor {
  const out = unaryMap(a, a.dtype, (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi)));
  const node = record('HardtanhBackward0', [a], [out], ([g], n) => {
    if (!g) return [null];
    return [mul(g, unaryMap(n.unpack('self'), g.dtype, (x) => (x > lo && x < hi ? 1 : 0)))];
  });
  if (node) {
    node.save('self', a);
    node.attrs.min_val = lo;
    node.attrs.max_val = hi;
  }
  return out;
}

/** threshold(x, threshold, value): x if x > threshold else value. ThresholdBackward0. */
export function threshold(a: Tensor, th: number, value: number): Tensor {
  const out = unaryMap(a, a.dtype, (x) => (x > th ? x : value));
  const node = record('ThresholdBackward0', [a], [out], ([g], n) => {
    if (!g) return [null];
    return [mul(g, unaryMap(n.unpack('self'), g.dtype, (x) => (x > th ? 1 : 0)))];
  });
  if (node) {
    node.save('self', a);
    node.attrs.threshold = th;
  }
  return out;
}

// ---------------------------------------------------------------- losses

type Reduction = 'mean' | 'sum' | 'none';

/**
 * A pointwise regression loss with its own node (SmoothL1LossBackward0, HuberLossBackward0):
 * l(d) and dl/dd for d = input - target, reduced as sum()/mean() would.
 */
function pointwiseLoss(
  name: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  l: (d: number) => number,
  dl: (d: number) => number,
): Tensor {
  checkTargetSize(input, target);
  const shape = broadcastShapes(input.shape, target.shape);
  const dt = resultType(input, target);
  const r = f32r(dt);
  const x = expandValues(input, shape);
  const y = expandValues(target, shape);
  const n = x.length;
  const lv = allocate(dt, n);
  for (let i = 0; i < n; i++) lv[i] = l(r(x[i] - y[i]));
  let out: Tensor;
  if (reduction === 'none') out = Tensor.fromData(lv, shape, dt);
  else {
    let s = torchSum(lv, 0, n, dt as 'float32' | 'float64');
    if (reduction === 'mean') s = r(s / n);
    out = Tensor.scalar(s, dt);
  }
  const node = record(name, [input, target], [out], ([g]) => {
    if (!g) return [null, null];
    const gv = expandValues(g, shape);
    const rg = f32r(g.dtype);
    const gx = allocate(g.dtype, n);
    for (let i = 0; i < n; i++) {
      let v = rg(dl(r(x[i] - y[i])) * gv[i]);
      if (reduction === 'mean') v = rg(v / n);
      gx[i] = v;
    }
    const gt = Tensor.fromData(gx, shape, g.dtype);
    const gIn = sameShape(shape, input.shape) ? gt : sumToShape(gt, input.shape);
    const gTa = sameShape(shape, target.shape) ? mul(gt, -1) : sumToShape(mul(gt, -1), target.shape);
    return [gIn, gTa];
  });
  if (node) {
    node.save('self', input);
    node.save('target', target);
  }
  return out;
}

export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction, beta: number): Tensor {
  if (beta < 0) throw new TorchError('RuntimeError', 'smooth_l1_loss does not support negative values for beta.');
  if (beta === 0) return reduceL1(input, target, reduction);
  return pointwiseLoss(
    'SmoothL1LossBackward0',
    input,
    target,
    reduction,
    (d) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta),
    (d) => (d < -beta ? -1 : d > beta ? 1 : d / beta),
  );
}

function reduceL1(input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return pointwiseLoss('L1LossBackward0', input, target, reduction, Math.abs, Math.sign);
}

export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction, delta: number): Tensor {
  if (!(delta > 0)) throw new TorchError('RuntimeError', 'huber_loss does not support non-positive values for delta.');
  return pointwiseLoss(
    'HuberLossBackward0',
    input,
    target,
    reduction,
    (d) => (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)),
    (d) => (d < -delta ? -delta : d > delta ? delta : d),
  );
}

// ---------------------------------------------------------------- small composites' helpers

/** torch.logspace(start, end, steps, base): base ** linspace, computed in double then rounded. */
export function logspace(start: number, end: number, steps: number, base: number, dtype: DType | undefined): Tensor {
  if (steps < 0) throw new TorchError('RuntimeError', 'number of steps must be non-negative');
  const dt = dtype ?? getDefaultDtype();
  const out = allocate(dt, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    const e = i < half ? start + step * i : end - step * (steps - i - 1);
    out[i] = Math.pow(base, e);
  }
  return Tensor.fromData(out, [steps], dt);
}


/** torch.erf: ErfBackward0, d/dx = 2/sqrt(pi) * exp(-x^2). */
export const erfOp = activation('ErfBackward0', erf, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
