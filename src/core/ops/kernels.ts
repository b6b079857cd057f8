import { allocate, DType, Storage } from '../dtype';
import { broadcastShapes, contiguousStrides, numel, sameShape, Shape } from '../shape';
import { Tensor } from '../tensor';

/** Strides that read `t` as if it had been expanded to `shape` (0 on broadcast dims). */
export function broadcastStrides(t: Tensor, shape: Shape): number[] {
  const nd = shape.length;
  const off = nd - t.ndim;
  const out = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.ndim; i++) out[i + off] = t.shape[i] === 1 && shape[i + off] !== 1 ? 0 : t.strides[i];
  return out;
}

/**
 * Elementwise f(a, b) with broadcasting, computed in double and stored in `outDtype`
 * (the store rounds to float32 / the caller truncates integers as needed).
 */
export function binaryMap(a: Tensor, b: Tensor, outDtype: DType, f: (x: number, y: number) => number): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape.slice() : broadcastShapes(a.shape, b.shape);
  const n = numel(shape);
  const out = allocate(outDtype, n);
  const ad = a.storage.data;
  const bd = b.storage.data;
  if (a.isContiguous() && b.isContiguous() && numel(a.shape) === n && numel(b.shape) === n) {
    const ao = a.offset;
    const bo = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(ad[ao + i], bd[bo + i]);
  } else if (b.numel === 1 && a.isContiguous() && a.numel === n) {
    const y = bd[b.offset];
    const ao = a.offset;
    for (let i = 0; i < n; i++) out[i] = f(ad[ao + i], y);
  } else if (a.numel === 1 && b.isContiguous() && b.numel === n) {
    const x = ad[a.offset];
    const bo = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(x, bd[bo + i]);
  } else {
    const sa = broadcastStrides(a, shape);
    const sb = broadcastStrides(b, shape);
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    let pa = a.offset;
    let pb = b.offset;
    for (let k = 0; k < n; k++) {
      out[k] = f(ad[pa], bd[pb]);
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]++;
        pa += sa[d];
        pb += sb[d];
        if (idx[d] < shape[d]) break;
        pa -= sa[d] * shape[d];
        pb -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
  return Tensor.fromData(out, shape, outDtype);
}

/** Elementwise f(a) into a new contiguous tensor of `outDtype`. */
export function unaryMap(a: Tensor, outDtype: DType, f: (x: number) => number): Tensor {
  const src = a.values();
  const n = src.length;
  const out = allocate(outDtype, n);
  for (let i = 0; i < n; i++) out[i] = f(src[i]);
  return Tensor.fromData(out, a.shape, outDtype);
}

/** Writes `vals` (row-major, length numel(t)) into t's possibly strided storage. */
export function scatterInto(t: Tensor, vals: ArrayLike<number>): void {
  const data = t.storage.data;
  if (t.isContiguous()) {
    const o = t.offset;
    for (let i = 0; i < vals.length; i++) data[o + i] = vals[i];
    return;
  }
  const n = t.numel;
  for (let i = 0; i < n; i++) data[t.storageIndex(i)] = vals[i];
}

/** Values of `t` broadcast to `shape`, as a contiguous array (used by expand-like copies). */
export function expandValues(t: Tensor, shape: Shape, dtype: DType = t.dtype): Storage {
  const view = new Tensor(t.storage, t.dtype, shape.slice(), broadcastStrides(t, shape), t.offset);
  const v = view.values();
  if (dtype === t.dtype) return v.buffer === t.storage.data.buffer ? (v.slice() as Storage) : v;
  const out = allocate(dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return out;
}

export function fromValues(vals: ArrayLike<number>, shape: Shape, dtype: DType): Tensor {
  const out = allocate(dtype, vals.length);
  if (dtype === 'int64' || dtype === 'int32') for (let i = 0; i < vals.length; i++) out[i] = Math.trunc(vals[i]);
  else if (dtype === 'bool') for (let i = 0; i < vals.length; i++) out[i] = vals[i] ? 1 : 0;
  else out.set(vals as ArrayLike<number>);
  return Tensor.fromData(out, shape, dtype);
}

export { contiguousStrides };
