/**
 * More elementwise, reduction and shape ops with PyTorch 1.13's node names: exp2, frac, sgn,
 * atan2, lerp, hypot, logit, xlogy, nansum, std_mean / var_mean, diff, roll, diagonal, dist,
 * and einsum for tensors outside the graph.
 */
import { record } from '../autograd/node';
import { isGradEnabled } from '../autograd/gradMode';
import { allocate, DType, isFloating } from '../dtype';
import { TorchError } from '../errors';
import { broadcastShapes, normDim, numel } from '../shape';
import { Tensor } from '../tensor';
import { mul, neg, sub, wrap } from './elementwise';
import { binaryMap, expandValues, unaryMap } from './kernels';
import { getDefaultDtype, isTensor, Operand, resultType, Scalar, scalarValue } from './scalar';
import { mean, normDims, sumToShape } from './reduce';

const toShape = (g: Tensor, shape: readonly number[]): Tensor =>
  sumToShape(g, shape, () => {
    throw new TorchError('RuntimeError', `cannot sum a gradient of shape [${g.shape.join(', ')}] to [${shape.join(', ')}]`);
  });
import { narrow, reshape } from './views';

const floatOf = (d: DType): DType => (isFloating(d) ? d : getDefaultDtype());

/** A unary op computed in double, rounded to the dtype; `deriv(x, y)` is dy/dx. */
function unary(name: string, f: (x: number) => number, deriv: (x: number, y: number) => number, keepInt = false) {
  return (a: Tensor): Tensor => {
    const dt = keepInt ? a.dtype : floatOf(a.dtype);
    const out = unaryMap(a, dt, f);
    const node = record(name, [a], [out], ([g], n) => {
      if (!g) return [null];
      return [mul(g, binaryMap(n.unpack('self'), n.unpack('result'), g.dtype, deriv))];
    });
    if (node) {
      node.save('self', a);
      node.save('result', out, true);
    }
    return out;
  };
}

export const exp2 = unary('Exp2Backward0', (x) => Math.pow(2, x), (_x, y) => y * Math.LN2);
export const frac = unary('FracBackward0', (x) => x - Math.trunc(x), () => 1, true);
export const sgn = unary('SgnBackward0', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), () => 0, true);

export function logit(a: Tensor, eps: number | null): Tensor {
  const lo = eps === null ? null : eps;
  const clampIt = (x: number) => (lo === null ? x : Math.min(Math.max(x, lo), 1 - lo));
  const out = unaryMap(a, floatOf(a.dtype), (x) => {
    const z = clampIt(x);
    return Math.log(z / (1 - z));
  });
  const node = record('LogitBackward0', [a], [out], ([g], n) => {
    if (!g) return [null];
    const d = unaryMap(n.unpack('self'), g.dtype, (x) =>
      lo !== null && (x < lo || x > 1 - lo) ? 0 : 1 / (x * (1 - x)),
    );
    return [mul(g, d)];
  });
  if (node) {
    node.save('self', a);
    node.attrs.eps = eps;
  }
  return out;
}

/** A binary float op with both partials; `name` is PyTorch's node. */
function binary(name: string, f: (x: number, y: number) => number, dx: (x: number, y: number, r: number) => number, dy: (x: number, y: number, r: number) => number) {
  return (a: Operand, b: Operand): Tensor => {
    const dt = floatOf(resultType(a, b));
    const ta = wrap(a, dt);
    const tb = wrap(b, dt);
    const out = binaryMap(ta, tb, dt, f);
    const shape = out.shape;
    const node = record(name, [isTensor(a) ? a : null, isTensor(b) ? b : null], [out], ([g], n) => {
      if (!g) return [null, null];
      const xa = expandValues(n.unpack('self'), shape);
      const xb = expandValues(n.unpack('other'), shape);
      const r = out.values();
      const gv = expandValues(g, shape);
      const part = (d: typeof dx, target: Tensor | null) => {
        if (!target) return null;
        const o = allocate(g.dtype, gv.length);
        for (let i = 0; i < o.length; i++) o[i] = gv[i] * d(xa[i], xb[i], r[i]);
        return toShape(Tensor.fromData(o, shape, g.dtype), target.shape);
      };
      return [n.next[0] ? part(dx, ta) : null, n.next[1] ? part(dy, tb) : null];
    });
    if (node) {
      node.save('self', ta);
      node.save('other', tb);
    }
    return out;
  };
}

export const atan2 = binary('Atan2Backward0', Math.atan2, (x, y) => y / (x * x + y * y), (x, y) => -x / (x * x + y * y));
export const hypot = binary('HypotBackward0', Math.hypot, (x, _y, r) => x / r, (_x, y, r) => y / r);
export const xlogy = binary(
  'XlogyBackward0',
  (x, y) => (Number.isNaN(y) ? NaN : x === 0 ? 0 : x * Math.log(y)),
  (x, y) => (x === 0 && !Number.isNaN(y) ? 0 : Math.log(y)),
  (x, y) => (x === 0 && !Number.isNaN(y) ? 0 : x / y),
);

/** lerp(start, end, weight): start + weight * (end - start). LerpBackward0 (number weight) / LerpBackward1 (tensor). */
export function lerp(start: Tensor, end: Tensor, weight: Tensor | Scalar): Tensor {
  const dt = resultType(start, end);
  const wT = isTensor(weight) ? weight : null;
  const wv = wT ? null : scalarValue(weight as Scalar);
  const shape = broadcastShapes(broadcastShapes(start.shape, end.shape), wT ? wT.shape : []);
  const s = expandValues(start, shape);
  const e = expandValues(end, shape);
  const w = wT ? expandValues(wT, shape) : null;
  const out = allocate(dt, s.length);
  // ATen's lerp kernel: weight < 0.5 ? start + w*(end-start) : end - (end-start)*(1-w)
  for (let i = 0; i < out.length; i++) {
    const wi = w ? w[i] : wv!;
    const diff = e[i] - s[i];
    out[i] = Math.abs(wi) < 0.5 ? s[i] + wi * diff : e[i] - diff * (1 - wi);
  }
  const res = Tensor.fromData(out, shape, dt);
  const node = record(wT ? 'LerpBackward1' : 'LerpBackward0', wT ? [start, end, wT] : [start, end], [res], ([g]) => {
    if (!g) return wT ? [null, null, null] : [null, null];
    const gv = expandValues(g, shape);
    const gs = allocate(g.dtype, gv.length);
    const ge = allocate(g.dtype, gv.length);
    const gw = allocate(g.dtype, gv.length);
    for (let i = 0; i < gv.length; i++) {
      const wi = w ? w[i] : wv!;
      gs[i] = gv[i] * (1 - wi);
      ge[i] = gv[i] * wi;
      gw[i] = gv[i] * (e[i] - s[i]);
    }
    const back = (v: ArrayLike<number>, t: Tensor) => toShape(Tensor.fromData(v as never, shape, g.dtype), t.shape);
    const r = [back(gs, start), back(ge, end)];
    return wT ? [...r, back(gw, wT)] : r;
  });
  if (node) node.attrs.weight = wT ? undefined : weight;
  return res;
}

/** nansum: the sum with nan taken as 0 (NansumBackward0: the gradient is masked where self is nan). */
export function nansum(t: Tensor, dims: number[] | null, keepdim: boolean): Tensor {
  const nd = normDims(dims, t.ndim);
  const clean = unaryMap(t, t.dtype, (x) => (Number.isNaN(x) ? 0 : x));
  const keptShape = t.shape.map((s, d) => (nd.includes(d) ? 1 : s));
  const outShape = keepdim ? keptShape : t.shape.filter((_, d) => !nd.includes(d));
  const summed = toShape(clean, keptShape);
  const out = Tensor.fromData(summed.values(), outShape, isFloating(t.dtype) ? t.dtype : 'int64');
  const node = record('NansumBackward0', [t], [out], ([g], n) => {
    if (!g) return [null];
    const gx = expandValues(reshape(g, keptShape), t.shape);
    const sv = n.unpack('self').values();
    for (let i = 0; i < gx.length; i++) if (Number.isNaN(sv[i])) gx[i] = 0;
    return [Tensor.fromData(gx, t.shape.slice(), g.dtype)];
  });
  if (node) node.save('self', t);
  return out;
}

/**
 * std_mean / var_mean: one node with two outputs (StdMeanBackward0 / VarMeanBackward0). Values
 * as torch.var / torch.mean compute them; the gradient adds both outputs' contributions.
 */
export function varMean(t: Tensor, dims: number[] | null, correction: number, keepdim: boolean, isStd: boolean): [Tensor, Tensor] {
  if (!isFloating(t.dtype)) {
    throw new TorchError('RuntimeError', `std_mean and var_mean only support floating point and complex dtypes`);
  }
  const nd = normDims(dims, t.ndim);
  const keptShape = t.shape.map((s, d) => (nd.includes(d) ? 1 : s));
  const outShape = keepdim ? keptShape : t.shape.filter((_, d) => !nd.includes(d));
  const n = numel(nd.map((d) => t.shape[d]));
  const xv = t.values();
  const m = mean(detachedCopy(t), nd, true).values();
  const centered = new Float64Array(xv.length);
  const mFull = expandValues(Tensor.fromData(m, keptShape, t.dtype), t.shape);
  for (let i = 0; i < xv.length; i++) centered[i] = xv[i] - mFull[i];
  const sq = toShape(Tensor.fromData(Float64Array.from(centered, (c) => c * c), t.shape.slice(), 'float64'), keptShape).values();
  const v = allocate(t.dtype, sq.length);
  for (let i = 0; i < v.length; i++) {
    const va = sq[i] / Math.max(0, n - correction);
    v[i] = isStd ? Math.sqrt(va) : va;
  }
  const o0 = Tensor.fromData(v, outShape, t.dtype);
  const o1 = Tensor.fromData(m, outShape.slice(), t.dtype);
  const node = record(isStd ? 'StdMeanBackward0' : 'VarMeanBackward0', [t], [o0, o1], ([g0, g1]) => {
    if (!g0 && !g1) return [null];
    const dt = (g0 ?? g1)!.dtype;
    const gx = allocate(dt, xv.length);
    if (g0) {
      const gf = expandValues(reshape(g0, keptShape), t.shape);
      const sf = isStd ? expandValues(Tensor.fromData(v, keptShape, t.dtype), t.shape) : null;
      for (let i = 0; i < gx.length; i++) {
        const d = (2 * centered[i]) / (n - correction);
        gx[i] += gf[i] * (isStd ? d / (2 * sf![i]) : d);
      }
    }
    if (g1) {
      const gf = expandValues(reshape(g1, keptShape), t.shape);
      for (let i = 0; i < gx.length; i++) gx[i] += gf[i] / n;
    }
    return [Tensor.fromData(gx, t.shape.slice(), dt)];
  });
  if (node) node.attrs.correction = BigInt(correction);
  return [o0, o1];
}

function detachedCopy(t: Tensor): Tensor {
  return Tensor.fromData(t.copyValues(), t.shape.slice(), t.dtype);
}

/** torch.diff: narrow(1, n-1) - narrow(0, n-1), n times (SubBackward0 as in 1.13's composite). */
export function diff(t: Tensor, n: number, dim: number): Tensor {
  if (t.ndim === 0) throw new TorchError('RuntimeError', 'diff expects input to be at least one-dimensional');
  const d = normDim(dim, t.ndim);
  let out = t;
  for (let k = 0; k < n && out.shape[d] > 0; k++) {
    const len = out.shape[d] - 1;
    out = out.dtype === 'bool' ? bitXor(narrow(out, d, 1, len), narrow(out, d, 0, len)) : sub(narrow(out, d, 1, len), narrow(out, d, 0, len));
  }
  return out;
}

function bitXor(a: Tensor, b: Tensor): Tensor {
  return binaryMap(a, b, 'bool', (x, y) => ((x ? 1 : 0) ^ (y ? 1 : 0)));
}

/** torch.roll along dims (RollBackward0), or of the flattened tensor without dims. */
export function roll(t: Tensor, shifts: number[], dims: number[]): Tensor {
  if (dims.length === 0) {
    const flat = reshape(detachedCopy(t), [-1]);
    const rolled = rollValues(flat, shifts[0], 0);
    const out = Tensor.fromData(rolled.values(), t.shape.slice(), t.dtype);
    record('RollBackward0', [t], [out], ([g]) => [g ? Tensor.fromData(rollValues(reshape(g, [-1]), -shifts[0], 0).values(), t.shape.slice(), g.dtype) : null]);
    return out;
  }
  if (shifts.length !== dims.length) {
    throw new TorchError('RuntimeError', `shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  }
  let vals = detachedCopy(t);
  dims.forEach((d, i) => (vals = rollValues(vals, shifts[i], normDim(d, t.ndim))));
  const out = vals;
  record('RollBackward0', [t], [out], ([g]) => {
    if (!g) return [null];
    let r = g;
    dims.forEach((d, i) => (r = rollValues(r, -shifts[i], normDim(d, t.ndim))));
    return [r];
  });
  return out;
}

function rollValues(t: Tensor, shift: number, d: number): Tensor {
  const v = t.values();
  const out = allocate(t.dtype, v.length);
  const size = t.shape[d] ?? 1;
  const inner = numel(t.shape.slice(d + 1));
  const outer = numel(t.shape.slice(0, d));
  const s = ((shift % size) + size) % size;
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < size; k++)
      for (let i = 0; i < inner; i++) out[(o * size + ((k + s) % size)) * inner + i] = v[(o * size + k) * inner + i];
  return Tensor.fromData(out, t.shape.slice(), t.dtype);
}

/** Tensor.diagonal(offset, dim1, dim2): a view in PyTorch; here a copy with DiagonalBackward0. */
export function diagonal(t: Tensor, offset: number, dim1: number, dim2: number): Tensor {
  const d1 = normDim(dim1, t.ndim);
  const d2 = normDim(dim2, t.ndim);
  if (d1 === d2) throw new TorchError('RuntimeError', `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const rest = t.shape.map((_, d) => d).filter((d) => d !== d1 && d !== d2);
  const len = Math.max(0, offset >= 0 ? Math.min(t.shape[d1], t.shape[d2] - offset) : Math.min(t.shape[d1] + offset, t.shape[d2]));
  const outShape = [...rest.map((d) => t.shape[d]), len];
  const v = t.values();
  const strides = t.shape.map((_, d) => numel(t.shape.slice(d + 1)));
  const positions: number[] = [];
  const restShape = rest.map((d) => t.shape[d]);
  const nRest = numel(restShape);
  for (let r = 0; r < nRest; r++) {
    let base = 0;
    let rem = r;
    for (let j = rest.length - 1; j >= 0; j--) {
      base += (rem % restShape[j]) * strides[rest[j]];
      rem = Math.floor(rem / restShape[j]);
    }
    for (let k = 0; k < len; k++) {
      const i1 = offset >= 0 ? k : k - offset;
      const i2 = offset >= 0 ? k + offset : k;
      positions.push(base + i1 * strides[d1] + i2 * strides[d2]);
    }
  }
  const out = allocate(t.dtype, positions.length);
  positions.forEach((p, i) => (out[i] = v[p]));
  const res = Tensor.fromData(out, outShape, t.dtype);
  const inShape = t.shape.slice();
  record('DiagonalBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, numel(inShape));
    positions.forEach((p, i) => (gi[p] += gv[i]));
    return [Tensor.fromData(gi, inShape, g.dtype)];
  });
  return res;
}

/**
 * torch.einsum, values only: with operands in the autograd graph it raises NotImplementedError,
 * since 1.13 builds its result from permutes, views and bmm whose node names are not modelled.
 */
export function einsum(equation: string, operands: Tensor[]): Tensor {
  if (isGradEnabled() && operands.some((t) => t.requiresGrad)) {
    throw new TorchError('NotImplementedError', 'torch.einsum on tensors that require grad is not supported by Autograd Lens yet');
  }
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhsGiven] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== operands.length) {
    throw new TorchError('RuntimeError', `einsum(): more operands were provided than specified in the equation`);
  }
  if (terms.some((s) => s.includes('.'))) throw new TorchError('NotImplementedError', 'torch.einsum with ellipsis is not supported by Autograd Lens yet');
  const sizes = new Map<string, number>();
  terms.forEach((term, k) => {
    const t = operands[k];
    if (term.length !== t.ndim) {
      throw new TorchError('RuntimeError', `einsum(): the number of subscripts in the equation (${term.length}) does not match the number of dimensions (${t.ndim}) for operand ${k} and no ellipsis was given`);
    }
    [...term].forEach((c, d) => {
      const s = t.shape[d];
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new TorchError('RuntimeError', `einsum(): operands do not broadcast with remapped shapes (original->remapped): [${t.shape.join(', ')}]`);
      }
      sizes.set(c, prev === undefined || prev === 1 ? s : prev);
    });
  });
  let rhs = rhsGiven;
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const c of terms.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = [...counts.keys()].filter((c) => counts.get(c) === 1).sort().join('');
  }
  const outLabels = [...rhs];
  const sumLabels = [...sizes.keys()].filter((c) => !outLabels.includes(c));
  const outShape = outLabels.map((c) => sizes.get(c)!);
  const dt = operands.map((t) => t.dtype).reduce((a, b) => resultType(Tensor.zeros([1], a), Tensor.zeros([1], b)));
  const vals = operands.map((t) => t.values());
  const strides = operands.map((t, k) => [...terms[k]].map((_, d) => (t.shape[d] === 1 ? 0 : numel(t.shape.slice(d + 1)))));
  const out = allocate(dt, numel(outShape));
  const all = [...outLabels, ...sumLabels];
  const allSizes = all.map((c) => sizes.get(c)!);
  const idx = new Map<string, number>();
  const nOut = numel(outShape);
  const nSum = numel(sumLabels.map((c) => sizes.get(c)!));
  for (let o = 0; o < nOut; o++) {
    let rem = o;
    for (let j = outLabels.length - 1; j >= 0; j--) {
      idx.set(outLabels[j], rem % allSizes[j]);
      rem = Math.floor(rem / allSizes[j]);
    }
    let acc = 0;
    for (let s = 0; s < nSum; s++) {
      let r2 = s;
      for (let j = sumLabels.length - 1; j >= 0; j--) {
        const size = sizes.get(sumLabels[j])!;
        idx.set(sumLabels[j], r2 % size);
        r2 = Math.floor(r2 / size);
      }
      let prod = 1;
      for (let k = 0; k < operands.length; k++) {
        let p = 0;
        [...terms[k]].forEach((c, d) => (p += idx.get(c)! * strides[k][d]));
        prod *= vals[k][p];
      }
      acc += prod;
    }
    out[o] = acc;
  }
  return Tensor.fromData(out, outShape, dt);
}

/** torch.dist(a, b, p): the p-norm of a - b (DistBackward0). */
export function dist(a: Tensor, b: Tensor, p: number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const dt = floatOf(resultType(a, b));
  const x = expandValues(a, shape);
  const y = expandValues(b, shape);
  let acc = 0;
  let mx = 0;
  let nz = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (p === Infinity) mx = Math.max(mx, d);
    else if (p === 0) nz += d !== 0 ? 1 : 0;
    else acc += Math.pow(d, p);
  }
  const v = p === Infinity ? mx : p === 0 ? nz : Math.pow(acc, 1 / p);
  const out = Tensor.scalar(v, dt);
  const node = record('DistBackward0', [a, b], [out], ([g]) => {
    if (!g) return [null, null];
    const r = out.item();
    const gv = g.item();
    const o = allocate(g.dtype, x.length);
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      o[i] = r === 0 || p === 0 ? 0 : gv * Math.sign(d) * Math.pow(Math.abs(d), p - 1) / Math.pow(r, p - 1);
    }
    const full = Tensor.fromData(o, shape, g.dtype);
    return [toShape(full, a.shape), toShape(neg(full), b.shape)];
  });
  if (node) node.attrs.p = p;
  return out;
}



/**
 * The out-of-place value of self.copy_(src): src broadcast to self's shape and cast to its
 * dtype, recorded as CopyBackwards (self's old value gets a zero gradient, src the gradient
 * summed back to its shape).
 */
export function copyFrom(old: Tensor, src: Tensor): Tensor {
  const vals = expandValues(src, old.shape);
  const out = allocate(old.dtype, vals.length);
  for (let i = 0; i < vals.length; i++) out[i] = old.dtype === 'bool' ? (vals[i] ? 1 : 0) : isFloating(old.dtype) ? vals[i] : Math.trunc(vals[i]);
  const res = Tensor.fromData(out, old.shape.slice(), old.dtype);
  record('CopyBackwards', [old, src], [res], ([g]) => {
    if (!g) return [null, null];
    const gs = toShape(g, src.shape);
    if (gs.dtype === src.dtype || !isFloating(src.dtype)) return [Tensor.zeros(g.shape.slice(), g.dtype), gs];
    const c = allocate(src.dtype, gs.numel);
    c.set(gs.values());
    return [Tensor.zeros(g.shape.slice(), g.dtype), Tensor.fromData(c, gs.shape.slice(), src.dtype)];
  });
  return res;
}

// ---------------------------------------------------------------- small dense linear algebra

/** LU with partial pivoting (LAPACK getrf order), every operation rounded to the dtype. */
function luFactor(a: Float64Array, n: number, round: (x: number) => number): { lu: Float64Array; piv: number[]; sign: number; singular: boolean } {
  const lu = Float64Array.from(a);
  const piv: number[] = [];
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    piv.push(p);
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
    }
    const d = lu[k * n + k];
    if (d === 0) {
      singular = true;
      continue;
    }
    const inv = round(1 / d);
    for (let i = k + 1; i < n; i++) {
      const l = round(lu[i * n + k] * inv);
      lu[i * n + k] = l;
      for (let j = k + 1; j < n; j++) lu[i * n + j] = round(lu[i * n + j] - round(l * lu[k * n + j]));
    }
  }
  return { lu, piv, sign, singular };
}

const squareCheck = (t: Tensor, fname: string) => {
  if (t.ndim !== 2) throw new TorchError('NotImplementedError', `${fname} of a batch of matrices is not supported by Autograd Lens yet`);
  if (t.shape[0] !== t.shape[1]) throw new TorchError('RuntimeError', `${fname}: A must be batches of square matrices, but they are ${t.shape[0]} by ${t.shape[1]} matrices`);
  if (!isFloating(t.dtype)) throw new TorchError('RuntimeError', `${fname}: Expected a floating point or complex tensor as input. Got ${t.dtype === 'int64' ? 'Long' : t.dtype}`);
};

/** The inverse of an n×n matrix from its LU factors (columns of the identity solved one by one). */
function invertValues(a: Float64Array, n: number, round: (x: number) => number): Float64Array | null {
  const { lu, piv, singular } = luFactor(a, n, round);
  if (singular) return null;
  const out = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const b = new Float64Array(n);
    b[c] = 1;
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) b[i] = round(b[i] - round(lu[i * n + j] * b[j]));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++) b[i] = round(b[i] - round(lu[i * n + j] * b[j]));
      b[i] = round(b[i] / lu[i * n + i]);
    }
    for (let r = 0; r < n; r++) out[r * n + c] = b[r];
  }
  return out;
}

/** torch.det / linalg.det (LinalgDetBackward0): product of the LU diagonal with the pivot sign. */
export function det(t: Tensor, fname = 'linalg.det'): Tensor {
  squareCheck(t, fname);
  const n = t.shape[0];
  const round = t.dtype === 'float32' ? Math.fround : (x: number) => x;
  const { lu, sign } = luFactor(Float64Array.from(t.values()), n, round);
  let d = sign;
  for (let i = 0; i < n; i++) d = round(d * lu[i * n + i]);
  const out = Tensor.scalar(n === 0 ? 1 : d, t.dtype);
  const node = record('LinalgDetBackward0', [t], [out], ([g]) => {
    if (!g) return [null];
    const inv = invertValues(Float64Array.from(t.values()), n, round);
    if (!inv) throw new TorchError('NotImplementedError', 'the gradient of det at a singular matrix is not supported by Autograd Lens yet');
    const gv = g.item() * out.item();
    const o = allocate(g.dtype, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) o[i * n + j] = gv * inv[j * n + i];
    return [Tensor.fromData(o, [n, n], g.dtype)];
  });
  if (node) {
    node.save('A', t);
    node.save('result', out, true);
  }
  return out;
}

/** torch.inverse / linalg.inv (LinalgInvExBackward0): -A⁻ᵀ grad A⁻ᵀ. */
export function inverse(t: Tensor, fname = 'linalg.inv'): Tensor {
  squareCheck(t, fname);
  const n = t.shape[0];
  const round = t.dtype === 'float32' ? Math.fround : (x: number) => x;
  const inv = invertValues(Float64Array.from(t.values()), n, round);
  if (!inv) {
    throw new TorchError('RuntimeError', `${fname}: The diagonal element ${singularIndex(t, round)} is zero, the inversion could not be completed because the input matrix is singular.`);
  }
  const out = Tensor.fromData(inv.slice(), [n, n], t.dtype);
  const res = t.dtype === 'float32' ? Tensor.fromData(Float32Array.from(inv), [n, n], 'float32') : out;
  const node = record('LinalgInvExBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    // -inv^T @ g @ inv^T
    const tmp = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += inv[k * n + i] * gv[k * n + j];
      tmp[i * n + j] = s;
    }
    const o = allocate(g.dtype, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += tmp[i * n + k] * inv[j * n + k];
      o[i * n + j] = -s;
    }
    return [Tensor.fromData(o, [n, n], g.dtype)];
  });
  if (node) node.save('inverse', res, true);
  return res;
}

function singularIndex(t: Tensor, round: (x: number) => number): number {
  const n = t.shape[0];
  const { lu } = luFactor(Float64Array.from(t.values()), n, round);
  for (let i = 0; i < n; i++) if (lu[i * n + i] === 0) return i + 1;
  return n;
}

/** F.pad(x, pad, value) in constant mode (ConstantPadNdBackward0); pad pairs start at the last dim. */
export function constantPad(t: Tensor, pad: number[], value: number): Tensor {
  if (pad.length % 2 !== 0) throw new TorchError('RuntimeError', 'Padding length must be divisible by 2');
  if (pad.length / 2 > t.ndim) throw new TorchError('RuntimeError', 'Padding length too large');
  const before = t.shape.map(() => 0);
  const after = t.shape.map(() => 0);
  for (let k = 0; k < pad.length / 2; k++) {
    const d = t.ndim - 1 - k;
    before[d] = pad[2 * k];
    after[d] = pad[2 * k + 1];
  }
  const outShape = t.shape.map((s, d) => s + before[d] + after[d]);
  if (outShape.some((s) => s < 0)) throw new TorchError('RuntimeError', `The input size ${t.shape.join(', ')}, plus negative padding ${pad.join(', ')} resulted in a negative output size, which is invalid. Check dimension ${outShape.findIndex((s) => s < 0)} of your input.`);
  const out = allocate(t.dtype, numel(outShape));
  out.fill(value);
  const xv = t.values();
  const inStr = t.shape.map((_, d) => numel(t.shape.slice(d + 1)));
  const outStr = outShape.map((_, d) => numel(outShape.slice(d + 1)));
  const map = new Int32Array(xv.length).fill(-1);
  for (let i = 0; i < xv.length; i++) {
    let o = 0;
    let ok = true;
    for (let d = 0; d < t.ndim; d++) {
      const c = Math.floor(i / inStr[d]) % t.shape[d] + before[d];
      if (c < 0 || c >= outShape[d]) {
        ok = false;
        break;
      }
      o += c * outStr[d];
    }
    if (ok) {
      out[o] = xv[i];
      map[i] = o;
    }
  }
  const res = Tensor.fromData(out, outShape, t.dtype);
  record('ConstantPadNdBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, xv.length);
    for (let i = 0; i < xv.length; i++) if (map[i] >= 0) gi[i] = gv[map[i]];
    return [Tensor.fromData(gi, t.shape.slice(), g.dtype)];
  });
  return res;
}
