import { record } from '../autograd/node';
import { isGradEnabled } from '../autograd/gradMode';
import { allocate, castScalar, legacyTypeName } from '../dtype';
import { TorchError } from '../errors';
import { numel } from '../shape';
import { Tensor } from '../tensor';
import { applyInPlace, checkInPlaceAllowed } from './inplace';
import { expandValues } from './kernels';
import { select, slice, unsqueeze } from './views';

/** One entry of an index expression, language-neutral (Python's x[0, 1:3, None, ..., mask]). */
export type IndexItem =
  | { kind: 'int'; index: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  | { kind: 'tensor'; tensor: Tensor };

interface Advanced {
  dim: number;
  index: Tensor; // int64 indices, or bool mask
}

/** Applies the basic (view) part of an index; returns the view and the advanced indices left. */
function basicPart(t: Tensor, items: IndexItem[]): { view: Tensor; adv: Advanced[] } {
  const consumed = items.reduce((n, it) => n + (it.kind === 'int' || it.kind === 'slice' ? 1 : it.kind === 'tensor' ? (it.tensor.dtype === 'bool' ? Math.max(it.tensor.ndim, 1) : 1) : 0), 0);
  const ellipses = items.filter((i) => i.kind === 'ellipsis').length;
  if (ellipses > 1) throw new TorchError('IndexError', 'an index can only have a single ellipsis (\'...\')');
  if (consumed > t.ndim) {
    if (t.ndim === 0) {
      throw new TorchError('IndexError', 'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    }
    throw new TorchError('IndexError', `too many indices for tensor of dimension ${t.ndim}`);
  }
  let view = t;
  let dim = 0;
  const adv: Advanced[] = [];
  for (const it of items) {
    switch (it.kind) {
      case 'int':
        view = select(view, dim, it.index);
        break;
      case 'slice':
        view = slice(view, dim, it.start, it.stop, it.step ?? 1);
        dim++;
        break;
      case 'none':
        view = unsqueeze(view, dim);
        dim++;
        break;
      case 'ellipsis':
        dim += t.ndim - consumed;
        break;
      case 'tensor': {
        const idx = it.tensor;
        if (idx.dtype === 'bool' || idx.dtype === 'int64' || idx.dtype === 'int32') {
          adv.push({ dim, index: idx });
          dim += idx.dtype === 'bool' ? Math.max(idx.ndim, 1) : 1;
        } else {
          throw new TorchError('IndexError', 'tensors used as indices must be long, byte or bool tensors');
        }
        break;
      }
    }
  }
  return { view, adv };
}

/** Converts a bool mask at `dim` into one int64 index tensor per masked dim. */
function expandMasks(view: Tensor, adv: Advanced[]): { dims: number[]; idx: Tensor[] } {
  const dims: number[] = [];
  const idx: Tensor[] = [];
  for (const a of adv) {
    if (a.index.dtype !== 'bool') {
      dims.push(a.dim);
      idx.push(a.index);
      continue;
    }
    const m = a.index;
    const mshape = m.ndim === 0 ? [1] : m.shape;
    mshape.forEach((s, k) => {
      if (view.shape[a.dim + k] !== s) {
        throw new TorchError(
          'IndexError',
          `The shape of the mask [${mshape.join(', ')}] at index ${k} does not match the shape of the indexed tensor [${view.shape.join(', ')}] at index ${a.dim + k}`,
        );
      }
    });
    const mv = m.values();
    const hits: number[][] = mshape.map(() => []);
    for (let i = 0; i < mv.length; i++) {
      if (!mv[i]) continue;
      let rem = i;
      for (let k = mshape.length - 1; k >= 0; k--) {
        hits[k].push(rem % mshape[k]);
        rem = Math.floor(rem / mshape[k]);
      }
    }
    hits.forEach((h, k) => {
      dims.push(a.dim + k);
      idx.push(Tensor.fromData(Float64Array.from(h), [h.length], 'int64'));
    });
  }
  return { dims, idx };
}

interface Gather {
  outShape: number[];
  /** storage offsets (relative to view) of each output element */
  offsets: Int32Array | Float64Array;
}

function planGather(view: Tensor, dims: number[], idx: Tensor[]): Gather {
  // broadcast the index tensors
  let bshape: number[] = [];
  for (const t of idx) {
    const n = Math.max(bshape.length, t.ndim);
    const s: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = bshape[i - (n - bshape.length)] ?? 1;
      const b = t.shape[i - (n - t.ndim)] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        throw new TorchError('IndexError', `shape mismatch: indexing tensors could not be broadcast together with shapes [${bshape.join(', ')}], [${t.shape.join(', ')}]`);
      }
      s.push(a === 1 ? b : a);
    }
    bshape = s;
  }
  const ivals = idx.map((t) => expandValues(t, bshape));
  idx.forEach((_, k) => {
    const size = view.shape[dims[k]];
    const v = ivals[k];
    for (let i = 0; i < v.length; i++) {
      if (v[i] < -size || v[i] >= size) throw new TorchError('IndexError', `index ${v[i]} is out of bounds for dimension ${dims[k]} with size ${size}`);
      if (v[i] < 0) v[i] += size;
    }
  });
  const adjacent = dims.every((d, k) => k === 0 || d === dims[k - 1] + 1);
  const rest = [...Array(view.ndim).keys()].filter((d) => !dims.includes(d));
  const before = adjacent ? rest.filter((d) => d < dims[0]) : [];
  const after = adjacent ? rest.filter((d) => d > dims[0]) : rest;
  const outShape = [...before.map((d) => view.shape[d]), ...bshape, ...after.map((d) => view.shape[d])];
  const nb = numel(bshape);
  const offsets = new Float64Array(numel(outShape));
  const nBefore = numel(before.map((d) => view.shape[d]));
  const nAfter = numel(after.map((d) => view.shape[d]));
  let k = 0;
  for (let o = 0; o < nBefore; o++) {
    let baseO = view.offset;
    let rem = o;
    for (let j = before.length - 1; j >= 0; j--) {
      const s = view.shape[before[j]];
      baseO += (rem % s) * view.strides[before[j]];
      rem = Math.floor(rem / s);
    }
    for (let b = 0; b < nb; b++) {
      let baseB = baseO;
      for (let j = 0; j < dims.length; j++) baseB += ivals[j][b] * view.strides[dims[j]];
      for (let a = 0; a < nAfter; a++) {
        let off = baseB;
        let r = a;
        for (let j = after.length - 1; j >= 0; j--) {
          const s = view.shape[after[j]];
          off += (r % s) * view.strides[after[j]];
          r = Math.floor(r / s);
        }
        offsets[k++] = off;
      }
    }
  }
  return { outShape, offsets };
}

export function getItem(t: Tensor, items: IndexItem[]): Tensor {
  const { view, adv } = basicPart(t, items);
  if (adv.length === 0) return view === t ? aliasAll(t) : view;
  const { dims, idx } = expandMasks(view, adv);
  const plan = planGather(view, dims, idx);
  const data = view.storage.data;
  const out = allocate(view.dtype, plan.offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = data[plan.offsets[i]];
  const res = Tensor.fromData(out, plan.outShape, view.dtype);
  const vShape = view.shape.slice();
  const vStrides = view.strides.slice();
  const vOffset = view.offset;
  record('IndexBackward0', [view], [res], ([g]) => {
    if (!g) return [null];
    // scatter-add into a tensor laid out like the view's storage window
    const gi = Tensor.zeros(vShape, g.dtype);
    const gv = g.values();
    const dense = gi.strides;
    for (let i = 0; i < gv.length; i++) {
      // map the storage offset back to a dense index of the view
      let off = plan.offsets[i] - vOffset;
      let dIdx = 0;
      const order = vStrides.map((s, d) => [s, d]).sort((a, b) => b[0] - a[0]);
      for (const [s, d] of order) {
        if (s === 0) continue;
        const c = Math.floor(off / s);
        off -= c * s;
        dIdx += c * dense[d];
      }
      gi.storage.data[dIdx] += gv[i];
    }
    return [gi];
  });
  return res;
}

/** x[...] / x[:] give a view of the whole tensor (AliasBackward0 in PyTorch). */
function aliasAll(t: Tensor): Tensor {
  const out = t.aliasWith(t.shape.slice(), t.strides.slice(), t.offset);
  record('AliasBackward0', [t], [out], ([g]) => [g]);
  return out;
}

/** Storage offsets written by `t[items] = …` and the shape the value is broadcast to. */
function targetPositions(t: Tensor, items: IndexItem[]): { offsets: ArrayLike<number>; shape: number[]; advanced: boolean } {
  const { view, adv } = basicPart(t, items);
  if (adv.length === 0) {
    return { shape: view.shape, offsets: Float64Array.from({ length: view.numel }, (_, i) => view.storageIndex(i)), advanced: false };
  }
  const { dims, idx } = expandMasks(view, adv);
  const plan = planGather(view, dims, idx);
  return { shape: plan.outShape, offsets: plan.offsets, advanced: true };
}

/**
 * x[index] = value, in place. On a tensor in the autograd graph (or with a value that
 * requires grad) the history is rebased as PyTorch does: CopySlices for basic indexing,
 * IndexPutBackward0 for advanced indexing.
 */
export function setItem(t: Tensor, items: IndexItem[], value: Tensor | number): void {
  const valueNeedsGrad = value instanceof Tensor && value.requiresGrad;
  const target = targetPositions(t, items);
  // basic indexing copies into the view after expanding the value (expand's errors come first)
  if (value instanceof Tensor && !target.advanced) checkBasicSetValue(value, target.shape);
  if (isGradEnabled()) {
    if (t.isLeaf && t.requiresGrad) {
      const basicOnly = items.every((i) => i.kind !== 'tensor');
      throw new TorchError(
        'RuntimeError',
        basicOnly
          ? 'a view of a leaf Variable that requires grad is being used in an in-place operation.'
          : 'a leaf Variable that requires grad is being used in an in-place operation.',
      );
    }
    checkInPlaceAllowed(t);
  }
  if (value instanceof Tensor && target.advanced) {
    // the value's leading 1s are dropped before index_put_ (slicePrefix1sSize)
    let k = 0;
    while (k < value.ndim && value.shape[k] === 1) k++;
    const vshape = value.shape.slice(k);
    if (!broadcastsTo(vshape, target.shape)) {
      throw new TorchError(
        'RuntimeError',
        `shape mismatch: value tensor of shape [${vshape.join(', ')}] cannot be broadcast to indexing result of shape [${target.shape.join(', ')}]`,
      );
    }
  }
  if (isGradEnabled() && (t.requiresGrad || valueNeedsGrad)) {
    applyInPlace(t, (old) => indexPut(old, items, value));
    return;
  }
  const { offsets, shape } = target;
  const data = t.storage.data;
  const src = value instanceof Tensor ? expandValues(value, shape) : new Float64Array(offsets.length).fill(value);
  for (let i = 0; i < offsets.length; i++) data[offsets[i]] = castScalar(t.dtype, src[i]);
  t.bumpVersion();
}

/** Whether a tensor of shape `from` can be expanded to `to` (is_expandable_to). */
function broadcastsTo(from: number[], to: number[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const a = from[from.length - i];
    if (a !== 1 && a !== to[to.length - i]) return false;
  }
  return true;
}

/** copy_to in PyTorch's setitem: leading 1s of the value are dropped, then it is expanded to the view's shape. */
function checkBasicSetValue(value: Tensor, shape: number[]): void {
  if (value.ndim === 0 || value.shape.join() === shape.join()) return;
  let k = 0;
  while (k < value.shape.length && value.shape[k] === 1) k++;
  const vshape = value.shape.slice(k);
  if (vshape.length > shape.length) {
    throw new TorchError(
      'RuntimeError',
      `expand(${legacyTypeName(value.dtype)}{[${vshape.join(', ')}]}, size=[${shape.join(', ')}]): the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${vshape.length})`,
    );
  }
  const lead = shape.length - vshape.length;
  vshape.forEach((cur, j) => {
    const target = shape[j + lead];
    if (cur !== 1 && cur !== target) {
      throw new TorchError(
        'RuntimeError',
        `The expanded size of the tensor (${target}) must match the existing size (${cur}) at non-singleton dimension ${j + lead}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${vshape.join(', ')}]`,
      );
    }
  });
}

/** Out-of-place `old[items] = value` with its gradient (used to rebase an in-place assignment). */
function indexPut(old: Tensor, items: IndexItem[], value: Tensor | number): Tensor {
  const { offsets, shape, advanced } = targetPositions(old, items);
  const out = Tensor.fromData(old.copyValues(), old.shape, old.dtype);
  const src = value instanceof Tensor ? expandValues(value, shape) : new Float64Array(offsets.length).fill(value);
  const base = old.offset;
  for (let i = 0; i < offsets.length; i++) out.storage.data[offsets[i] - base] = castScalar(old.dtype, src[i]);
  const vt = value instanceof Tensor ? value : null;
  record(advanced ? 'IndexPutBackward0' : 'CopySlices', [old, vt], [out], ([g]) => {
    if (!g) return [null, null];
    const gv = g.values();
    const gOld = Tensor.fromData(gv.slice(), g.shape, g.dtype);
    const gVal = allocate(g.dtype, offsets.length);
    for (let i = 0; i < offsets.length; i++) {
      gVal[i] = gv[offsets[i] - base];
      gOld.storage.data[offsets[i] - base] = 0;
    }
    return [gOld, vt ? Tensor.fromData(gVal, shape, g.dtype) : null];
  });
  return out;
}
