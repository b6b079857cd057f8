import { record } from '../autograd/node';
import { isGradEnabled } from '../autograd/gradMode';
import { allocate, legacyTypeName, promoteTypes as promote } from '../dtype';
import { TorchError } from '../errors';
import { contiguousStrides, normDim, numel, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { expandValues } from './kernels';
import { sum } from './reduce';

/** A view of t with autograd: `name` is PyTorch's node, `back` maps the view's gradient to t's. */
function viewOp(
  t: Tensor,
  name: string,
  shape: number[],
  strides: number[],
  offset: number,
  back: (g: Tensor) => Tensor,
  attrs?: Record<string, unknown>,
): Tensor {
  const out = t.aliasWith(shape, strides, offset);
  const node = record(name, [t], [out], ([g]) => [g ? back(g) : null]);
  // what grad_fn._saved_<name> shows (derivatives.yaml's saved arguments)
  if (node && attrs) Object.assign(node.attrs, attrs);
  return out;
}

/** With create_graph, a gradient that is itself in the graph must stay there. */
const tracked = (g: Tensor): boolean => isGradEnabled() && g.requiresGrad;

/** A gradient with the given shape, as a fresh contiguous tensor (a reshape in the graph with create_graph). */
const reshapeGrad = (g: Tensor, shape: number[]): Tensor => (tracked(g) ? reshape(g, shape) : Tensor.fromData(g.values(), shape, g.dtype));

/** Resolves a -1 in a requested shape, with PyTorch's errors. */
export function inferShape(shape: number[], n: number): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw new TorchError('RuntimeError', 'only one dimension can be inferred');
      infer = i;
    } else if (s < 0) {
      throw new TorchError('RuntimeError', `invalid shape dimension ${s}`);
    } else known *= s;
  });
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new TorchError('RuntimeError', `shape '[${shape.join(', ')}]' is invalid for input of size ${n}`);
    out[infer] = n / known;
  } else if (known !== n) {
    throw new TorchError('RuntimeError', `shape '[${shape.join(', ')}]' is invalid for input of size ${n}`);
  }
  return out;
}

/** PyTorch's computeStride: strides for viewing t as `shape` without copying, or null if impossible. */
function viewStrides(t: Tensor, shape: number[]): number[] | null {
  if (t.numel === 0) return contiguousStrides(shape);
  const oldShape = t.shape;
  const oldStrides = t.strides;
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export function view(t: Tensor, shape: number[]): Tensor {
  const s = inferShape(shape, t.numel);
  const st = t.ndim === 0 ? contiguousStrides(s) : viewStrides(t, s);
  if (!st) {
    throw new TorchError(
      'RuntimeError',
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inShape = t.shape.slice();
  return viewOp(t, 'ViewBackward0', s, st, t.offset, (g) => reshapeGrad(g, inShape), { self_sym_sizes: inShape });
}

/** reshape: a view when possible (ReshapeAliasBackward0 in 1.13), else a copy (UnsafeViewBackward0). */
export function reshape(t: Tensor, shape: number[]): Tensor {
  const s = inferShape(shape, t.numel);
  const st = t.ndim === 0 ? contiguousStrides(s) : viewStrides(t, s);
  const inShape = t.shape.slice();
  if (st) return viewOp(t, 'ReshapeAliasBackward0', s, st, t.offset, (g) => reshapeGrad(g, inShape), { self_sym_sizes: inShape });
  const c = clone(t);
  const out = Tensor.fromData(c.values(), s, t.dtype);
  record('UnsafeViewBackward0', [c], [out], ([g]) => [g ? reshapeGrad(g, inShape) : null]);
  return out;
}

export function flatten(t: Tensor, start = 0, end = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normDim(start, t.ndim);
  const e = normDim(end, t.ndim);
  if (s > e) throw new TorchError('RuntimeError', 'flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return t;
  const shape = [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}

export function permute(t: Tensor, dims: number[], name = 'PermuteBackward0'): Tensor {
  if (dims.length !== t.ndim) {
    throw new TorchError(
      'RuntimeError',
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${t.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const d = dims.map((x) => normDim(x, t.ndim));
  if (new Set(d).size !== d.length) throw new TorchError('RuntimeError', 'permute(): duplicate dims are not allowed.');
  const inv = new Array<number>(d.length);
  d.forEach((p, i) => (inv[p] = i));
  return viewOp(t, name, d.map((i) => t.shape[i]), d.map((i) => t.strides[i]), t.offset, (g) => permuteValues(g, inv), { dims: dims.slice() });
}

/** A contiguous copy of g permuted (no autograd unless g is in the graph). */
function permuteValues(g: Tensor, dims: number[]): Tensor {
  if (tracked(g)) return permute(g, dims);
  const v = new Tensor(g.storage, g.dtype, dims.map((i) => g.shape[i]), dims.map((i) => g.strides[i]), g.offset);
  return Tensor.fromData(v.copyValues(), v.shape, g.dtype);
}

export function transpose(t: Tensor, d0: number, d1: number, name = 'TransposeBackward0'): Tensor {
  const saved = name === 'TransposeBackward0' ? { dim0: BigInt(d0), dim1: BigInt(d1) } : undefined;
  if (t.ndim === 0) return viewOp(t, name, [], [], t.offset, (g) => g, saved);
  const a = normDim(d0, t.ndim);
  const b = normDim(d1, t.ndim);
  const perm = [...Array(t.ndim).keys()];
  perm[a] = b;
  perm[b] = a;
  return viewOp(t, name, perm.map((i) => t.shape[i]), perm.map((i) => t.strides[i]), t.offset, (g) => permuteValues(g, perm), saved);
}

/** t(): only for tensors of at most 2 dims (TBackward0). */
export function t2(t: Tensor): Tensor {
  if (t.ndim > 2) throw new TorchError('RuntimeError', `t() expects a tensor with <= 2 dimensions, but self is ${t.ndim}D`);
  if (t.ndim < 2) return viewOp(t, 'TBackward0', t.shape.slice(), t.strides.slice(), t.offset, (g) => g);
  return transpose(t, 0, 1, 'TBackward0');
}

/** .T: reverses all dims (PermuteBackward0). */
export function T(t: Tensor): Tensor {
  return permute(t, [...Array(t.ndim).keys()].reverse());
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normDim(dim, t.ndim + 1);
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < t.ndim ? t.strides[d] * t.shape[d] : 1);
  const inShape = t.shape.slice();
  // its gradient is grad.squeeze(dim) (SqueezeBackward1 when it is itself in the graph)
  return viewOp(t, 'UnsqueezeBackward0', shape, strides, t.offset, (g) => (tracked(g) ? squeeze(g, d) : reshapeGrad(g, inShape)), { dim: BigInt(dim) });
}

export function squeeze(t: Tensor, dim?: number): Tensor {
  const inShape = t.shape.slice();
  const keep = t.shape.map((s, i) => (dim === undefined ? s !== 1 : i !== normDim(dim, t.ndim) || s !== 1));
  if (dim !== undefined) normDim(dim, t.ndim);
  return viewOp(
    t,
    dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1',
    t.shape.filter((_, i) => keep[i]),
    t.strides.filter((_, i) => keep[i]),
    t.offset,
    // unsqueeze_to(grad, dim, sizes): one unsqueeze for squeeze(dim), a reshape otherwise
    (g) => (tracked(g) && dim !== undefined && inShape[normDim(dim, inShape.length)] === 1 ? unsqueeze(g, normDim(dim, inShape.length)) : reshapeGrad(g, inShape)),
    dim === undefined ? { self_sym_sizes: inShape } : { dim: BigInt(dim), self_sym_sizes: inShape },
  );
}

export function expand(t: Tensor, sizes: number[]): Tensor {
  if (sizes.length < t.ndim) {
    throw new TorchError(
      'RuntimeError',
      `expand(${legacyTypeName(t.dtype)}{[${t.shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${t.ndim})`,
    );
  }
  const lead = sizes.length - t.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  sizes.forEach((s, i) => {
    const j = i - lead;
    const cur = j >= 0 ? t.shape[j] : 1;
    const target = s === -1 ? cur : s;
    if (j >= 0 && cur !== 1 && cur !== target) {
      throw new TorchError(
        'RuntimeError',
        `The expanded size of the tensor (${target}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${t.shape.join(', ')}]`,
      );
    }
    shape.push(target);
    strides.push(j >= 0 && cur === target ? t.strides[j] : 0);
  });
  const inShape = t.shape.slice();
  return viewOp(t, 'ExpandBackward0', shape, strides, t.offset, (g) => sumToShapeSimple(g, inShape), { self_sym_sizes: inShape });
}

function sumToShapeSimple(g: Tensor, shape: number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  if (!dims.length) return g;
  if (tracked(g)) return reshape(sum(g, dims, true), shape);
  return Tensor.fromData(sum(g, dims, true).values(), shape, g.dtype);
}

export function select(t: Tensor, dim: number, index: number): Tensor {
  if (t.ndim === 0) throw new TorchError('IndexError', 'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
  const d = normDim(dim, t.ndim);
  const size = t.shape[d];
  if (index < -size || index >= size) {
    throw new TorchError('IndexError', `index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const inShape = t.shape.slice();
  return viewOp(
    t,
    'SelectBackward0',
    t.shape.filter((_, k) => k !== d),
    t.strides.filter((_, k) => k !== d),
    t.offset + i * t.strides[d],
    (g) => embed(g, inShape, d, i, 1, 1, true),
    { dim: BigInt(dim), index: BigInt(index), self_sym_sizes: inShape },
  );
}

/** Places g into zeros of `shape` at positions start, start+step, ... along dim. */
function embed(g: Tensor, shape: number[], dim: number, start: number, step: number, len: number, dropped: boolean): Tensor {
  const res = embedValues(g, shape, dim, start, step, len, dropped);
  if (tracked(g)) {
    // select_backward / slice_backward are ops of their own; their gradient takes the region back
    record(dropped && len === 1 ? 'SelectBackwardBackward0' : 'SliceBackwardBackward0', [g], [res], ([gg]) => [
      gg ? (dropped && len === 1 ? select(gg, dim, start) : slice(gg, dim, start, start + (len - 1) * step + 1, step)) : null,
    ]);
  }
  return res;
}

function embedValues(g: Tensor, shape: number[], dim: number, start: number, step: number, len: number, dropped: boolean): Tensor {
  const out = Tensor.zeros(shape, g.dtype);
  const strides = out.strides.slice();
  const vShape = shape.slice();
  const vStrides = strides.slice();
  if (dropped) {
    vShape.splice(dim, 1);
    vStrides.splice(dim, 1);
  } else {
    vShape[dim] = len;
    vStrides[dim] = strides[dim] * step;
  }
  const target = new Tensor(out.storage, g.dtype, vShape, vStrides, start * strides[dim]);
  const gv = g.values();
  const data = out.storage.data;
  for (let k = 0; k < gv.length; k++) data[target.storageIndex(k)] += gv[k];
  return out;
}

/** Python slice semantics on one dim (SliceBackward0). */
export function slice(t: Tensor, dim: number, start: number | null, stop: number | null, step: number): Tensor {
  if (step <= 0) throw new TorchError('ValueError', 'step must be greater than zero');
  const d = normDim(dim, t.ndim);
  const size = t.shape[d];
  const clampIdx = (v: number | null, dflt: number) => {
    if (v === null) return dflt;
    if (v < 0) v += size;
    return Math.min(Math.max(v, 0), size);
  };
  const s = clampIdx(start, 0);
  const e = Math.max(clampIdx(stop, size), s);
  const len = Math.ceil((e - s) / step);
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  shape[d] = len;
  strides[d] = t.strides[d] * step;
  const inShape = t.shape.slice();
  // saved as given: Python's x[a:] passes PY_SSIZE_T_MAX as the end, x[:b] 0 as the start
  const saved = { dim: BigInt(dim), start: BigInt(start ?? 0), end: stop === null ? 9223372036854775807n : BigInt(stop), step: BigInt(step), self_sym_sizes: inShape };
  return viewOp(t, 'SliceBackward0', shape, strides, t.offset + s * t.strides[d], (g) => embed(g, inShape, d, s, step, len, false), saved);
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  return slice(t, dim, start, start + length, 1);
}

/** Several outputs of one node (SplitBackward0 / SplitWithSizesBackward0 / UnbindBackward0). */
function splitOp(t: Tensor, dim: number, sizes: number[], name: string, drop = false): Tensor[] {
  const d = normDim(dim, t.ndim);
  const outs: Tensor[] = [];
  let start = 0;
  for (const len of sizes) {
    const shape = t.shape.slice();
    const strides = t.strides.slice();
    shape[d] = len;
    if (drop) {
      shape.splice(d, 1);
      strides.splice(d, 1);
    }
    outs.push(t.aliasWith(shape, strides, t.offset + start * t.strides[d]));
    start += len;
  }
  const inShape = t.shape.slice();
  record(name, [t], outs, (grads) => {
    const out = Tensor.zeros(inShape, t.dtype);
    let pos = 0;
    grads.forEach((g, k) => {
      if (g) {
        const part = embed(g, inShape, d, pos, 1, sizes[k], drop);
        const pv = part.values();
        const od = out.storage.data;
        for (let i = 0; i < pv.length; i++) od[i] += pv[i];
      }
      pos += sizes[k];
    });
    return [out];
  });
  return outs;
}

export function split(t: Tensor, sizeOrSizes: number | number[], dim = 0): Tensor[] {
  if (t.ndim === 0) throw new TorchError('RuntimeError', `${Array.isArray(sizeOrSizes) ? 'split_with_sizes' : 'split'} expects at least a 1-dimensional tensor`);
  const d = normDim(dim, t.ndim);
  const n = t.shape[d];
  if (Array.isArray(sizeOrSizes)) {
    const total = sizeOrSizes.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw new TorchError(
        'RuntimeError',
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${sizeOrSizes.join(', ')}]`,
      );
    }
    return splitOp(t, d, sizeOrSizes, 'SplitWithSizesBackward0');
  }
  if (sizeOrSizes < 0) throw new TorchError('RuntimeError', `split expects split_size be non-negative, but got split_size=${sizeOrSizes}`);
  if (sizeOrSizes === 0 && n !== 0) {
    throw new TorchError('RuntimeError', `split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  }
  const sizes: number[] = [];
  for (let s = 0; s < n; s += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, n - s));
  if (n === 0) sizes.push(0);
  return splitOp(t, d, sizes, 'SplitBackward0');
}

export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  if (t.ndim === 0) throw new TorchError('RuntimeError', 'chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new TorchError('RuntimeError', `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, t.ndim);
  const size = Math.ceil(t.shape[d] / chunks);
  return split(t, size, d);
}

export function unbind(t: Tensor, dim = 0): Tensor[] {
  const d = normDim(dim, t.ndim);
  return splitOp(t, d, new Array<number>(t.shape[d]).fill(1), 'UnbindBackward0', true);
}

export function clone(t: Tensor): Tensor {
  const out = Tensor.fromData(t.copyValues(), t.shape, t.dtype);
  record('CloneBackward0', [t], [out], ([g]) => [g]);
  return out;
}

export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : clone(t);
}

/** detach(): same storage and version counter, no history. */
export function detach(t: Tensor): Tensor {
  const out = new Tensor(t.storage, t.dtype, t.shape.slice(), t.strides.slice(), t.offset);
  out.versionCounter = t.versionCounter;
  return out;
}

export function cat(ts: Tensor[], dim = 0): Tensor {
  if (ts.length === 0) throw new TorchError('RuntimeError', 'torch.cat(): expected a non-empty list of Tensors');
  const parts = ts.filter((x) => !(x.ndim === 1 && x.numel === 0));
  const ref = parts[0] ?? ts[0];
  if (ref.ndim === 0) throw new TorchError('RuntimeError', 'zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normDim(dim, ref.ndim);
  parts.forEach((x, i) => {
    if (x.ndim !== ref.ndim) {
      throw new TorchError('RuntimeError', `Tensors must have same number of dimensions: got ${ref.ndim} and ${x.ndim}`);
    }
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && x.shape[k] !== ref.shape[k]) {
        throw new TorchError(
          'RuntimeError',
          `Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${x.shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
  });
  let dt = ref.dtype;
  for (const x of parts) dt = promote(dt, x.dtype);
  const shape = ref.shape.slice();
  shape[d] = parts.reduce((a, x) => a + x.shape[d], 0);
  const out = allocate(dt, numel(shape));
  const outer = numel(shape.slice(0, d));
  const inner = numel(shape.slice(d + 1));
  let pos = 0;
  for (const x of parts) {
    const xv = x.values();
    const w = x.shape[d] * inner;
    for (let o = 0; o < outer; o++) for (let i = 0; i < w; i++) out[o * shape[d] * inner + pos * inner + i] = xv[o * w + i];
    pos += x.shape[d];
  }
  const res = Tensor.fromData(out, shape, dt);
  const sizes = ts.map((x) => (x.ndim === 1 && x.numel === 0 ? 0 : x.shape[d]));
  const shapes = ts.map((x) => x.shape.slice());
  const catNode = record('CatBackward0', ts, [res], ([g]) => {
    if (!g) return ts.map(() => null);
    let p = 0;
    return ts.map((_, k) => {
      const piece = slice(g, d, p, p + sizes[k], 1);
      p += sizes[k];
      return tracked(g) ? piece : Tensor.fromData(piece.copyValues(), shapes[k], g.dtype);
    });
  });
  if (catNode) catNode.attrs.dim = BigInt(dim);
  return res;
}

export function stack(ts: Tensor[], dim = 0): Tensor {
  if (ts.length === 0) throw new TorchError('RuntimeError', 'stack expects a non-empty TensorList');
  const ref = ts[0];
  ts.forEach((x, i) => {
    if (!sameShape(x.shape, ref.shape)) {
      throw new TorchError(
        'RuntimeError',
        `stack expects each tensor to be equal size, but got [${ref.shape.join(', ')}] at entry 0 and [${x.shape.join(', ')}] at entry ${i}`,
      );
    }
  });
  const d = normDim(dim, ref.ndim + 1);
  let dt = ref.dtype;
  for (const x of ts) dt = promote(dt, x.dtype);
  const shape = ref.shape.slice();
  shape.splice(d, 0, ts.length);
  const outer = numel(ref.shape.slice(0, d));
  const inner = numel(ref.shape.slice(d));
  const out = allocate(dt, numel(shape));
  ts.forEach((x, k) => {
    const xv = x.values();
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[(o * ts.length + k) * inner + i] = xv[o * inner + i];
  });
  const res = Tensor.fromData(out, shape, dt);
  const node = record('StackBackward0', ts, [res], ([g]) =>
    g ? ts.map((_, k) => (tracked(g) ? select(g, d, k) : Tensor.fromData(select(g, d, k).copyValues(), ref.shape, g.dtype))) : ts.map(() => null),
  );
  if (node) node.attrs.dim = BigInt(dim);
  return res;
}

export function repeat(t: Tensor, reps: number[]): Tensor {
  if (reps.length < t.ndim) {
    throw new TorchError('RuntimeError', 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  const lead = reps.length - t.ndim;
  const src = [...new Array<number>(lead).fill(1), ...t.shape];
  const shape = src.map((s, i) => s * reps[i]);
  const base = Tensor.fromData(t.values(), src, t.dtype);
  const out = allocate(t.dtype, numel(shape));
  const res = Tensor.fromData(out, shape, t.dtype);
  for (let k = 0; k < out.length; k++) {
    let rem = k;
    let srcIdx = 0;
    for (let d = shape.length - 1, mult = 1; d >= 0; d--) {
      const i = rem % shape[d];
      rem = (rem - i) / shape[d];
      srcIdx += (i % src[d]) * mult;
      mult *= src[d];
    }
    out[k] = base.storage.data[srcIdx];
  }
  const repNode = record('RepeatBackward0', [t], [res], ([g]) => {
    if (!g) return [null];
    const gs: number[] = [];
    src.forEach((s, i) => gs.push(reps[i], s));
    const r = Tensor.fromData(g.values(), gs, g.dtype);
    const dims = gs.map((_, i) => i).filter((i) => i % 2 === 0);
    return [Tensor.fromData(sum(r, dims).values(), t.shape, g.dtype)];
  });
  if (repNode) Object.assign(repNode.attrs, { repeats: reps.slice(), self_sym_sizes: t.shape.slice() });
  return res;
}

export function flip(t: Tensor, dims: number[]): Tensor {
  const ds = dims.map((d) => normDim(d, t.ndim));
  const strides = t.strides.slice();
  let offset = t.offset;
  for (const d of ds) {
    offset += (t.shape[d] - 1) * t.strides[d];
    strides[d] = -strides[d];
  }
  const v = new Tensor(t.storage, t.dtype, t.shape.slice(), strides, offset);
  const res = Tensor.fromData(v.copyValues(), t.shape, t.dtype);
  record('FlipBackward0', [t], [res], ([g]) => [g ? flip(g, ds) : null]);
  return res;
}

export { expandValues };
