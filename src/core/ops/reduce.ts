import { record } from '../autograd/node';
import { allocate, DType, isFloating, scalarTypeName } from '../dtype';
import { TorchError } from '../errors';
import { normDim, numel, Shape } from '../shape';
import { Tensor } from '../tensor';
import { div, mul, sub, exp as expOp } from './elementwise';
import { expandValues, fromValues } from './kernels';
import { expand, reshape } from './views';
import { getDefaultDtype } from './scalar';
import { torchSum } from './cascadeSum';

/** Reduced dims normalised and sorted; `null` dims means all. */
export function normDims(dims: number[] | null, ndim: number): number[] {
  if (dims === null || dims.length === 0) return [...Array(ndim).keys()];
  const out = dims.map((d) => normDim(d, ndim));
  for (let i = 0; i < out.length; i++) {
    if (out.indexOf(out[i]) !== i) throw new TorchError('RuntimeError', `dim ${out[i]} appears multiple times in the list of dims`);
  }
  return out.sort((a, b) => a - b);
}

interface Grouped {
  /** Values rearranged so each output element's inputs are one contiguous run of length `r`. */
  vals: ArrayLike<number>;
  r: number;
  outShape: number[];
  keptShape: number[];
}

/** Groups the elements of t by output position for a reduction over `dims`. */
function group(t: Tensor, dims: number[], keepdim: boolean): Grouped {
  const kept = [...Array(t.ndim).keys()].filter((d) => !dims.includes(d));
  const perm = [...kept, ...dims];
  const shape = perm.map((d) => t.shape[d]);
  const strides = perm.map((d) => t.strides[d]);
  const view = new Tensor(t.storage, t.dtype, shape, strides, t.offset);
  const r = numel(dims.map((d) => t.shape[d]));
  const keptShape = t.shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const outShape = keepdim ? keptShape : kept.map((d) => t.shape[d]);
  return { vals: view.values(), r, outShape, keptShape };
}

/** Sums a run of floats in PyTorch's order and precision (see cascadeSum.ts); integers exactly. */
function sumRun(v: ArrayLike<number>, start: number, r: number, f32: boolean, inner = true, isFloat = true): number {
  if (isFloat) return torchSum(v, start, r, f32 ? 'float32' : 'float64', inner);
  let s = 0;
  for (let i = 0; i < r; i++) s += v[start + i];
  return s;
}

/** Whether a reduction over `dims` reads contiguous runs (it includes the innermost non-trivial dim). */
function innerReduction(t: Tensor, dims: number[]): boolean {
  let last = t.ndim - 1;
  while (last > 0 && t.shape[last] === 1) last--;
  return t.ndim === 0 || dims.includes(last) || dims.length === t.ndim;
}

function reduceWith(t: Tensor, dims: number[], keepdim: boolean, outDtype: DType, f: (v: ArrayLike<number>, start: number, r: number) => number): Tensor {
  const g = group(t, dims, keepdim);
  const n = numel(g.outShape);
  const out = allocate(outDtype, n);
  for (let i = 0; i < n; i++) out[i] = f(g.vals, i * g.r, g.r);
  return Tensor.fromData(out, g.outShape, outDtype);
}

const sumDtype = (d: DType): DType => (isFloating(d) ? d : 'int64');

/** Gradient of a reduction over dims: reshape to keepdim shape then broadcast to the input shape. */
function expandGrad(g: Tensor, inputShape: number[], dims: number[], keepdim: boolean): Tensor {
  const keptShape = inputShape.map((s, d) => (dims.includes(d) ? 1 : s));
  const gk = keepdim || sameShapeArr(g.shape, keptShape) ? g : reshape(g, keptShape);
  return expand(gk, inputShape);
}

const sameShapeArr = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function sum(t: Tensor, dims: number[] | null = null, keepdim = false, dtype?: DType): Tensor {
  const all = dims === null;
  const nd = normDims(dims, t.ndim);
  const od = dtype ?? sumDtype(t.dtype);
  const f32 = od === 'float32';
  const inner = innerReduction(t, nd);
  const fl = isFloating(od);
  const out = reduceWith(t, nd, keepdim, od, (v, s, r) => sumRun(v, s, r, f32, inner, fl));
  const shape = t.shape.slice();
  const node = record(all ? 'SumBackward0' : 'SumBackward1', [t], [out], ([g]) => [g ? expandGrad(g, shape, nd, keepdim || all) : null]);
  if (node) Object.assign(node.attrs, all ? { self_sym_sizes: shape } : { dim: dims.map(BigInt), keepdim, self_sym_sizes: shape });
  return out;
}

export function mean(t: Tensor, dims: number[] | null = null, keepdim = false, dtype?: DType): Tensor {
  const od = dtype ?? t.dtype;
  if (!isFloating(od)) {
    throw new TorchError(
      'RuntimeError',
      // mean.dim's meta function names the dtype= argument when one was given
      `mean(): could not infer output dtype. ${dtype ? 'Optional' : 'Input'} dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(od)}`,
    );
  }
  const all = dims === null;
  const nd = normDims(dims, t.ndim);
  const f32 = od === 'float32';
  const inner = innerReduction(t, nd);
  const out = reduceWith(t, nd, keepdim, od, (v, s, r) => {
    const total = sumRun(v, s, r, f32, inner);
    return f32 ? Math.fround(total / r) : total / r;
  });
  const shape = t.shape.slice();
  const count = numel(nd.map((d) => t.shape[d]));
  const node = record(all ? 'MeanBackward0' : 'MeanBackward1', [t], [out], ([g]) => [g ? div(expandGrad(g, shape, nd, keepdim || all), count) : null]);
  if (node) Object.assign(node.attrs, all ? { self_sym_sizes: shape } : { dim: dims.map(BigInt), keepdim, self_sym_sizes: shape });
  return out;
}

export function prod(t: Tensor, dim: number | null = null, keepdim = false): Tensor {
  const all = dim === null;
  const nd = normDims(all ? null : [dim], t.ndim);
  const od = sumDtype(t.dtype);
  const f32 = od === 'float32';
  const out = reduceWith(t, nd, keepdim, od, (v, s, r) => {
    let p = 1;
    for (let i = 0; i < r; i++) p = f32 ? Math.fround(p * v[s + i]) : p * v[s + i];
    return p;
  });
  const node = record(all ? 'ProdBackward0' : 'ProdBackward1', [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const shape = x.shape;
    // d prod / d x_i = product of the others (exact with zeros)
    const gr = group(x, nd, true);
    const dv = new Float64Array(gr.vals.length);
    for (let o = 0; o * gr.r < gr.vals.length; o++) {
      for (let i = 0; i < gr.r; i++) {
        let p = 1;
        for (let j = 0; j < gr.r; j++) if (j !== i) p *= gr.vals[o * gr.r + j];
        dv[o * gr.r + i] = p;
      }
    }
    const kept = [...Array(x.ndim).keys()].filter((d) => !nd.includes(d));
    const deriv = unpermute(dv, x.shape, [...kept, ...nd], g.dtype);
    return [mul(expandGrad(g, shape, nd, keepdim || all), deriv)];
  });
  if (node) node.save('self', t);
  return out;
}

/** Inverse of `group`'s permutation: values laid out in permuted order back to `shape`. */
function unpermute(vals: ArrayLike<number>, shape: number[], perm: number[], dtype: DType): Tensor {
  const pshape = perm.map((d) => shape[d]);
  const src = Tensor.fromData(Float64Array.from(vals), pshape, 'float64');
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  const view = new Tensor(src.storage, 'float64', inv.map((i) => pshape[i]), inv.map((i) => src.strides[i]), 0);
  return fromValues(view.values(), shape, dtype);
}

/** max()/min() over all elements: ties share the gradient evenly (MaxBackward1). */
export function maxAll(t: Tensor, isMax = true): Tensor {
  if (t.numel === 0) {
    throw new TorchError(
      'RuntimeError',
      `${isMax ? 'max' : 'min'}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
  const v = t.values();
  let m = v[0];
  for (let i = 1; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      m = x;
      break;
    }
    if (isMax ? x > m : x < m) m = x;
  }
  const out = Tensor.scalar(m, t.dtype);
  const node = record(isMax ? 'MaxBackward1' : 'MinBackward1', [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const r = n.unpack('result').item();
    const xv = x.values();
    let count = 0;
    for (let i = 0; i < xv.length; i++) if (xv[i] === r) count++;
    const gv = g.item() / count;
    const d = allocate(g.dtype, xv.length);
    for (let i = 0; i < xv.length; i++) d[i] = xv[i] === r ? gv : 0;
    return [Tensor.fromData(d, x.shape, g.dtype)];
  });
  if (node) {
    node.save('self', t);
    node.save('result', out, true);
  }
  return out;
}

/** amax/amin over dims: ties share the gradient evenly. */
export function amax(t: Tensor, dims: number[] | null, keepdim: boolean, isMax = true): Tensor {
  const nd = normDims(dims, t.ndim);
  const out = reduceWith(t, nd, keepdim, t.dtype, (v, s, r) => {
    let m = v[s];
    for (let i = 1; i < r; i++) if (isMax ? v[s + i] > m : v[s + i] < m) m = v[s + i];
    return m;
  });
  const node = record(isMax ? 'AmaxBackward0' : 'AminBackward0', [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const res = expandGrad(n.unpack('result'), x.shape, nd, keepdim);
    const mask = fromValues(
      Array.from(x.values(), (xv, i) => (xv === res.values()[i] ? 1 : 0)),
      x.shape,
      g.dtype,
    );
    const counts = sum(mask, nd, true);
    return [div(mul(expandGrad(g, x.shape, nd, keepdim), mask), Tensor.fromData(expandValues(counts, x.shape), x.shape, g.dtype))];
  });
  if (node) {
    node.save('self', t);
    node.save('result', out, true);
  }
  return out;
}

/** max(dim)/min(dim): values and the index of the first extreme; the gradient goes to that index (MaxBackward0). */
export function maxDim(t: Tensor, dim: number, keepdim: boolean, isMax = true): [Tensor, Tensor] {
  const d = normDim(dim, t.ndim);
  if (t.ndim > 0 && t.shape[d] === 0) {
    throw new TorchError(
      'IndexError',
      `${isMax ? 'max' : 'min'}(): Expected reduction dim ${d} to have non-zero size.`,
    );
  }
  const nd = t.ndim === 0 ? [] : [d];
  const g = group(t, nd, keepdim);
  const n = numel(g.outShape);
  const vals = allocate(t.dtype, n);
  const idx = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const s = o * g.r;
    let m = g.vals[s];
    let mi = 0;
    for (let i = 1; i < g.r; i++) {
      const x = g.vals[s + i];
      if (Number.isNaN(m)) break;
      if (Number.isNaN(x) || (isMax ? x > m : x < m)) {
        m = x;
        mi = i;
      }
    }
    vals[o] = m;
    idx[o] = mi;
  }
  const values = Tensor.fromData(vals, g.outShape, t.dtype);
  const indices = Tensor.fromData(idx, g.outShape, 'int64');
  const shape = t.shape.slice();
  const node = record(isMax ? 'MaxBackward0' : 'MinBackward0', [t], [values], ([gr], node) => {
    if (!gr) return [null];
    const ind = node.unpack('indices');
    return [indexSelectBackward(gr, ind, shape, d)];
  });
  if (node) {
    node.save('indices', indices);
    Object.assign(node.attrs, { dim: BigInt(dim), keepdim, self_sym_sizes: shape });
  }
  return [values, indices];
}

/** Scatters grad (reduced over dim) back to the positions given by indices along dim. */
function indexSelectBackward(g: Tensor, ind: Tensor, shape: number[], dim: number): Tensor {
  const out = allocate(g.dtype, numel(shape));
  const outer = numel(shape.slice(0, dim));
  const inner = numel(shape.slice(dim + 1));
  const size = shape[dim] ?? 1;
  const gv = g.values();
  const iv = ind.values();
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      out[(o * size + iv[k]) * inner + i] += gv[k];
    }
  }
  return Tensor.fromData(out, shape, g.dtype);
}

export function argmax(t: Tensor, dim: number | null, keepdim: boolean, isMax = true): Tensor {
  if (dim === null) {
    const src = t.isContiguous() ? new Tensor(t.storage, t.dtype, [t.numel], [1], t.offset) : Tensor.fromData(t.values(), [t.numel], t.dtype);
    const [, i] = maxDim(src, 0, false, isMax);
    return i;
  }
  return maxDim(t, dim, keepdim, isMax)[1];
}

/** var/std with Bessel's correction by default (VarBackward0 / StdBackward0). */
export function variance(t: Tensor, dims: number[] | null, correction: number, keepdim: boolean, isStd: boolean): Tensor {
  if (!isFloating(t.dtype)) throw new TorchError('RuntimeError', 'std and var only support floating point and complex dtypes');
  const nd = normDims(dims, t.ndim);
  const out = reduceWith(t, nd, keepdim, t.dtype, (v, s, r) => {
    let m = 0;
    for (let i = 0; i < r; i++) m += v[s + i];
    m /= r;
    let acc = 0;
    for (let i = 0; i < r; i++) acc += (v[s + i] - m) * (v[s + i] - m);
    const va = acc / Math.max(0, r - correction);
    return isStd ? Math.sqrt(va) : va;
  });
  const count = numel(nd.map((d) => t.shape[d]));
  const node = record(isStd ? 'StdBackward0' : 'VarBackward0', [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const mu = mean(x, nd, true);
    const centered = sub(x, Tensor.fromData(expandValues(mu, x.shape), x.shape, x.dtype));
    // dvar/dx = 2 (x - mean) / (N - correction)
    let gradVar = expandGrad(g, x.shape, nd, keepdim);
    if (isStd) gradVar = div(gradVar, mul(Tensor.fromData(expandValues(reshapeKeep(n.unpack('result'), x.shape, nd, keepdim), x.shape), x.shape, x.dtype), 2));
    else gradVar = mul(gradVar, 1);
    return [mul(gradVar, div(mul(centered, 2), count - correction))];
  });
  if (node) {
    node.save('self', t);
    node.save('result', out, true);
    // var.correction / std.correction(self, dim, *, correction, keepdim)
    Object.assign(node.attrs, { dim: dims === null ? null : dims.map(BigInt), correction: BigInt(correction), keepdim });
  }
  return out;
}

function reshapeKeep(r: Tensor, shape: number[], dims: number[], keepdim: boolean): Tensor {
  if (keepdim) return r;
  return Tensor.fromData(r.values(), shape.map((s, d) => (dims.includes(d) ? 1 : s)), r.dtype);
}

/** p-norm over all elements or dims (NormBackward1). */
/**
 * Σx² as ATen's 2-norm computes it in the tensor's precision: over the last (contiguous) dim,
 * `lanes` vector lanes each adding x*x (a rounded product, then a rounded sum), the lanes folded
 * left, then the tail added with a fused multiply-add; otherwise one fused running sum.
 */
function sumOfSquares(v: ArrayLike<number>, s: number, r: number, lastDim: boolean, lanes: number, rd: (x: number) => number): number {
  if (!lastDim) {
    let acc = 0;
    for (let i = 0; i < r; i++) acc = rd(acc + v[s + i] * v[s + i]);
    return acc;
  }
  const body = r - (r % lanes);
  const lane = new Array<number>(lanes).fill(0);
  for (let d = 0; d < body; d += lanes) for (let j = 0; j < lanes; j++) lane[j] = rd(lane[j] + rd(v[s + d + j] * v[s + d + j]));
  let buf = lane[0];
  for (let j = 1; j < lanes; j++) buf = rd(buf + lane[j]);
  for (let d = body; d < r; d++) buf = rd(buf + v[s + d] * v[s + d]);
  return buf;
}

export function norm(t: Tensor, p: number, dims: number[] | null, keepdim: boolean, name = 'NormBackward1'): Tensor {
  const nd = normDims(dims, t.ndim);
  const od = isFloating(t.dtype) ? t.dtype : getDefaultDtype();
  const rd = od === 'float32' ? Math.fround : (x: number) => x;
  const lastDim = innerReduction(t, nd);
  const out = reduceWith(t, nd, keepdim, od, (v, s, r) => {
    if (p === Infinity) {
      let m = 0;
      for (let i = 0; i < r; i++) m = Math.max(m, Math.abs(v[s + i]));
      return m;
    }
    if (p === 2) return rd(Math.sqrt(sumOfSquares(v, s, r, lastDim, od === 'float32' ? 8 : 4, rd)));
    let acc = 0;
    for (let i = 0; i < r; i++) acc += Math.pow(Math.abs(v[s + i]), p);
    return p === 1 ? acc : Math.pow(acc, 1 / p);
  });
  const node = record(name, [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const res = Tensor.fromData(expandValues(reshapeKeep(n.unpack('result'), x.shape, nd, keepdim), x.shape), x.shape, x.dtype);
    const xv = x.values();
    const rv = res.values();
    const d = allocate(x.dtype, xv.length);
    for (let i = 0; i < xv.length; i++) {
      const ax = Math.abs(xv[i]);
      if (p === 2) d[i] = rv[i] === 0 ? 0 : xv[i] / rv[i];
      else if (p === 1) d[i] = Math.sign(xv[i]);
      else d[i] = rv[i] === 0 ? 0 : (Math.sign(xv[i]) * Math.pow(ax, p - 1)) / Math.pow(rv[i], p - 1);
    }
    return [mul(expandGrad(g, x.shape, nd, keepdim), Tensor.fromData(d, x.shape, x.dtype))];
  });
  if (node) {
    node.save('self', t);
    node.save('result', out, true);
  }
  return out;
}

export function cumsum(t: Tensor, dim: number): Tensor {
  const d = normDim(dim, t.ndim);
  const v = t.values();
  const od = sumDtype(t.dtype);
  const out = allocate(od, v.length);
  const shape = t.shape;
  const inner = numel(shape.slice(d + 1));
  const size = shape[d] ?? 1;
  const outer = numel(shape.slice(0, d));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0; k < size; k++) {
        const p = (o * size + k) * inner + i;
        acc += v[p]; // ATen's cumsum accumulates in double (acc_type on CPU) and rounds each store
        out[p] = acc;
      }
    }
  const res = Tensor.fromData(out, shape, od);
  const cumNode = record('CumsumBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    // reverse cumulative sum of the gradient
    const gv = g.values();
    const r = allocate(g.dtype, gv.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let k = size - 1; k >= 0; k--) {
          const p = (o * size + k) * inner + i;
          acc += gv[p];
          r[p] = acc;
        }
      }
    return [Tensor.fromData(r, shape, g.dtype)];
  });
  if (cumNode) cumNode.attrs.dim = BigInt(dim);
  return res;
}

export function logsumexp(t: Tensor, dims: number[], keepdim: boolean): Tensor {
  const nd = normDims(dims, t.ndim);
  // integral inputs give the default floating dtype
  const out = reduceWith(t, nd, keepdim, isFloating(t.dtype) ? t.dtype : getDefaultDtype(), (v, s, r) => {
    let m = -Infinity;
    for (let i = 0; i < r; i++) m = Math.max(m, v[s + i]);
    let acc = 0;
    for (let i = 0; i < r; i++) acc += Math.exp(v[s + i] - m);
    return m + Math.log(acc);
  });
  const node = record('LogsumexpBackward0', [t], [out], ([g], n) => {
    if (!g) return [null];
    const x = n.unpack('self');
    const res = Tensor.fromData(expandValues(reshapeKeep(n.unpack('result'), x.shape, nd, keepdim), x.shape), x.shape, x.dtype);
    return [mul(expandGrad(g, x.shape, nd, keepdim), expOp(sub(x, res)))];
  });
  if (node) {
    node.save('self', t);
    node.save('result', out, true);
  }
  return out;
}

export function allAny(t: Tensor, isAll: boolean, dim: number | null = null, keepdim = false): Tensor {
  const nd = normDims(dim === null ? null : [dim], t.ndim);
  return reduceWith(t, nd, keepdim, 'bool', (v, s, r) => {
    for (let i = 0; i < r; i++) if (isAll ? !v[s + i] : v[s + i]) return isAll ? 0 : 1;
    return isAll ? 1 : 0;
  });
}

/**
 * Sums `g` down to `shape` (undoing broadcasting): the one shared helper every op's
 * gradient goes through (the engine calls it when a gradient's shape differs from its input's).
 */
export function sumToShape(g: Tensor, shape: Shape, onError: () => never): Tensor {
  const lead = g.ndim - shape.length;
  if (lead < 0) onError();
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) dims.push(i);
    else if (shape[i - lead] !== g.shape[i]) onError();
  }
  if (dims.length === 0) return Tensor.fromData(g.values(), shape, g.dtype);
  const inner = innerReduction(g, dims);
  const r = reduceWith(g, dims, true, g.dtype, (v, s, n) => sumRun(v, s, n, g.dtype === 'float32', inner, isFloating(g.dtype)));
  return Tensor.fromData(r.values(), shape, g.dtype);
}

