import { record } from '../autograd/node';
import { allocate } from '../dtype';
import { TorchError } from '../errors';
import { normDim, numel } from '../shape';
import { Tensor } from '../tensor';

/** Lanes along `dim`: base offset, stride and length of each 1-D slice of a contiguous layout. */
function lanes(shape: number[], dim: number): { base: number; stride: number; len: number }[] {
  const inner = numel(shape.slice(dim + 1));
  const outer = numel(shape.slice(0, dim));
  const len = shape[dim] ?? 1;
  const out = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out.push({ base: o * len * inner + i, stride: inner, len });
  return out;
}

/** Order of a lane's values: stable, NaN last (largest), like PyTorch's CPU sort. */
function order(v: ArrayLike<number>, base: number, stride: number, len: number, descending: boolean): number[] {
  const idx = Array.from({ length: len }, (_, k) => k);
  const key = (k: number) => v[base + k * stride];
  idx.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) === !descending ? 1 : -1;
    return x === y ? a - b : descending ? y - x : x - y;
  });
  return idx;
}

/** Values and indices of the first k along dim (all of them for sort); the gradient scatters back. */
function selectSorted(t: Tensor, dim: number, k: number, descending: boolean, name: string): [Tensor, Tensor] {
  const d = t.ndim === 0 ? 0 : normDim(dim, t.ndim);
  const shape = t.ndim === 0 ? [1] : t.shape.slice();
  const v = t.values();
  const outShape = shape.slice();
  outShape[d] = k;
  const vals = allocate(t.dtype, numel(outShape));
  const inds = new Float64Array(numel(outShape));
  const inLanes = lanes(shape, d);
  const outLanes = lanes(outShape, d);
  inLanes.forEach((ln, li) => {
    const o = order(v, ln.base, ln.stride, ln.len, descending);
    const ol = outLanes[li];
    for (let j = 0; j < k; j++) {
      vals[ol.base + j * ol.stride] = v[ln.base + o[j] * ln.stride];
      inds[ol.base + j * ol.stride] = o[j];
    }
  });
  const finalShape = t.ndim === 0 ? [] : outShape;
  const values = Tensor.fromData(vals, finalShape, t.dtype);
  const indices = Tensor.fromData(inds, finalShape, 'int64');
  const node = record(name, [t], [values], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, v.length);
    inLanes.forEach((ln, li) => {
      const ol = outLanes[li];
      for (let j = 0; j < k; j++) gi[ln.base + inds[ol.base + j * ol.stride] * ln.stride] += gv[ol.base + j * ol.stride];
    });
    return [Tensor.fromData(gi, t.shape, g.dtype)];
  });
  if (node) node.save('indices', indices);
  return [values, indices];
}

export function sort(t: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  const d = t.ndim === 0 ? 0 : normDim(dim, t.ndim);
  return selectSorted(t, d, t.ndim === 0 ? 1 : t.shape[d], descending, 'SortBackward0');
}

export function topk(t: Tensor, k: number, dim = -1, largest = true): [Tensor, Tensor] {
  const d = t.ndim === 0 ? 0 : normDim(dim, t.ndim);
  const size = t.ndim === 0 ? 1 : t.shape[d];
  if (k < 0 || k > size) throw new TorchError('RuntimeError', 'selected index k out of range');
  return selectSorted(t, d, k, largest, 'TopkBackward0');
}

/** median() of all elements: the lower middle value (MedianBackward0). */
export function median(t: Tensor): Tensor {
  if (t.numel === 0) throw new TorchError('RuntimeError', 'median() input tensor cannot be empty');
  const flat = Tensor.fromData(t.values(), [t.numel], t.dtype);
  const o = order(flat.values(), 0, 1, t.numel, false);
  const pos = o[Math.floor((t.numel - 1) / 2)];
  const out = Tensor.scalar(flat.values()[pos], t.dtype);
  record('MedianBackward0', [t], [out], ([g]) => {
    if (!g) return [null];
    const gi = allocate(g.dtype, t.numel);
    gi[pos] = g.item();
    return [Tensor.fromData(gi, t.shape, g.dtype)];
  });
  return out;
}

/** median along a dim: the lower median of each lane and its index (MedianBackward1). */
export function medianDim(t: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const d = normDim(dim, t.ndim);
  const shape = t.ndim === 0 ? [1] : t.shape;
  const size = shape[d];
  if (size === 0) throw new TorchError('IndexError', `median(): Expected reduction dim ${d} to have non-zero size.`);
  const inner = numel(shape.slice(d + 1));
  const outer = numel(shape.slice(0, d));
  const v = t.values();
  const vals = allocate(t.dtype, outer * inner);
  const idx = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const lane = o * size * inner + i;
      const ord = order(v, lane, inner, size, false);
      const k = ord[Math.floor((size - 1) / 2)];
      vals[o * inner + i] = v[lane + k * inner];
      idx[o * inner + i] = k;
    }
  const outShape = t.ndim === 0 ? [] : keepdim ? shape.map((s, j) => (j === d ? 1 : s)) : shape.filter((_, j) => j !== d);
  const values = Tensor.fromData(vals, outShape, t.dtype);
  const indices = Tensor.fromData(idx, outShape.slice(), 'int64');
  record('MedianBackward1', [t], [values], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = allocate(g.dtype, t.numel);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) gi[o * size * inner + idx[o * inner + i] * inner + i] = gv[o * inner + i];
    return [Tensor.fromData(gi, t.shape.slice(), g.dtype)];
  });
  return [values, indices];
}
