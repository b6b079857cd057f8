import { record } from '../autograd/node';
import { allocate, DType, isFloating, scalarTypeName } from '../dtype';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';
import { add, mul } from './elementwise';
import { matmulKernel } from './kernels';
import { expand, reshape, squeeze, t2, transpose, unsqueeze, view } from './views';

/**
 * C[m×n] = A[m×k] · B[k×n] on contiguous row-major data. float32 accumulates with one
 * rounding per multiply-add, like the FMA kernels of CPU BLAS (the tiled loops are in kernels.ts).
 */
export function gemm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, dtype: DType): ArrayLike<number> & { [i: number]: number } {
  return matmulKernel(a, b, m, k, n, dtype);
}

function checkDtypes(a: Tensor, b: Tensor, style: 'mm' | 'scalar'): void {
  if (a.dtype !== b.dtype) {
    if (style === 'mm') throw new TorchError('RuntimeError', 'mat1 and mat2 must have the same dtype');
    throw new TorchError('RuntimeError', `expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`);
  }
  if (a.dtype === 'bool') throw new TorchError('RuntimeError', `"addmm_impl_cpu_" not implemented for 'Bool'`);
}

/** Raw product of two 2-D tensors (no autograd). */
function mmRaw(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape;
  const n = b.shape[1];
  return Tensor.fromData(gemm(a.values(), b.values(), m, k, n, a.dtype) as never, [m, n], a.dtype);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new TorchError('RuntimeError', 'self must be a matrix');
  if (b.ndim !== 2) throw new TorchError('RuntimeError', 'mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) {
    throw new TorchError(
      'RuntimeError',
      `mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`,
    );
  }
  checkDtypes(a, b, 'scalar');
  const out = mmRaw(a, b);
  const node = record('MmBackward0', [a, b], [out], ([g], n) => {
    if (!g) return [null, null];
    return [
      n.next[0] ? mmRaw(g, transposed(n.unpack('mat2'))) : null,
      n.next[1] ? mmRaw(transposed(n.unpack('self')), g) : null,
    ];
  });
  if (node) {
    if (node.next[1]) node.save('self', a);
    if (node.next[0]) node.save('mat2', b);
  }
  return out;
}

/** A contiguous transpose of a 2-D tensor (no autograd). */
function transposed(t: Tensor): Tensor {
  const v = new Tensor(t.storage, t.dtype, [t.shape[1], t.shape[0]], [t.strides[1], t.strides[0]], t.offset);
  return Tensor.fromData(v.copyValues(), v.shape, t.dtype);
}

/** addmm(bias, x, w): bias + x @ w (AddmmBackward0, nn.Linear's op for 2-D input). */
export function addmm(bias: Tensor, a: Tensor, b: Tensor, beta = 1, alpha = 1): Tensor {
  if (a.shape[1] !== b.shape[0]) {
    throw new TorchError(
      'RuntimeError',
      `mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`,
    );
  }
  checkDtypes(a, b, 'mm');
  const prod = mmRaw(a, b);
  const m = prod.shape[0];
  const n = prod.shape[1];
  const bb = bias.ndim === 2 ? bias : bias.ndim === 1 ? reshapeRaw(bias, [1, bias.shape[0]]) : reshapeRaw(bias, [1, 1]);
  const out = allocate(a.dtype, m * n);
  const pv = prod.values();
  const bv = bb.values();
  const bc = bb.shape[1];
  const br = bb.shape[0];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = beta * bv[(br === 1 ? 0 : i) * bc + (bc === 1 ? 0 : j)] + alpha * pv[i * n + j];
  const res = Tensor.fromData(out, [m, n], a.dtype);
  const node = record('AddmmBackward0', [bias, a, b], [res], ([g], nd) => {
    if (!g) return [null, null, null];
    return [
      nd.next[0] ? (beta === 1 ? g : mul(g, beta)) : null,
      nd.next[1] ? mmRaw(g, transposed(nd.unpack('mat2'))) : null,
      nd.next[2] ? mmRaw(transposed(nd.unpack('mat1')), g) : null,
    ];
  });
  if (node) {
    if (node.next[2]) node.save('mat1', a);
    if (node.next[1]) node.save('mat2', b);
  }
  return res;
}

const reshapeRaw = (t: Tensor, shape: number[]): Tensor => Tensor.fromData(t.values(), shape, t.dtype);

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) {
    throw new TorchError('RuntimeError', `vector + matrix @ vector expected, got 1, ${a.ndim}, ${v.ndim}`);
  }
  if (a.shape[1] !== v.shape[0]) {
    throw new TorchError('RuntimeError', `size mismatch, got ${a.shape[0]}, ${a.shape[0]}x${a.shape[1]},${v.shape[0]}`);
  }
  checkDtypes(a, v, 'scalar');
  const [m, k] = a.shape;
  const out = Tensor.fromData(gemm(a.values(), v.values(), m, k, 1, a.dtype) as never, [m], a.dtype);
  const node = record('MvBackward0', [a, v], [out], ([g], n) => {
    if (!g) return [null, null];
    const gv = reshapeRaw(g, [m, 1]);
    return [
      n.next[0] ? mmRaw(gv, reshapeRaw(n.unpack('vec'), [1, k])) : null,
      n.next[1] ? reshapeRaw(mmRaw(transposed(n.unpack('self')), gv), [k]) : null,
    ];
  });
  if (node) {
    node.save('self', a);
    node.save('vec', v);
  }
  return out;
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new TorchError('RuntimeError', `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new TorchError(
      'RuntimeError',
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  if (a.dtype !== b.dtype) {
    throw new TorchError(
      'RuntimeError',
      `dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`,
    );
  }
  const out = Tensor.fromData(gemm(a.values(), b.values(), 1, a.shape[0], 1, a.dtype) as never, [], a.dtype);
  const node = record('DotBackward0', [a, b], [out], ([g], n) => {
    if (!g) return [null, null];
    return [n.next[0] ? mul(n.unpack('tensor'), g) : null, n.next[1] ? mul(n.unpack('self'), g) : null];
  });
  if (node) {
    node.save('self', a);
    node.save('tensor', b);
  }
  return out;
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new TorchError('RuntimeError', 'batch1 must be a 3D tensor');
  const [bs, m, k] = a.shape;
  if (b.shape[0] !== bs || b.shape[1] !== k) {
    throw new TorchError(
      'RuntimeError',
      `Expected size for first two dimensions of batch2 tensor to be: [${bs}, ${k}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  checkDtypes(a, b, 'scalar');
  const n = b.shape[2];
  const av = a.values();
  const bv = b.values();
  const out = allocate(a.dtype, bs * m * n);
  for (let i = 0; i < bs; i++) {
    const c = gemm(av.subarray(i * m * k, (i + 1) * m * k), bv.subarray(i * k * n, (i + 1) * k * n), m, k, n, a.dtype);
    for (let j = 0; j < m * n; j++) out[i * m * n + j] = c[j];
  }
  const res = Tensor.fromData(out, [bs, m, n], a.dtype);
  const node = record('BmmBackward0', [a, b], [res], ([g], nd) => {
    if (!g) return [null, null];
    const sa = nd.unpack('self');
    const sb = nd.unpack('mat2');
    return [bmm(g, transpose(sb, 1, 2)), bmm(transpose(sa, 1, 2), g)];
  });
  if (node) {
    node.save('self', a);
    node.save('mat2', b);
  }
  return res;
}

/** torch.matmul with 1.13's dispatch, so the graph has the same nodes as PyTorch's. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.ndim;
  const db = b.ndim;
  if (da === 0 || db === 0) {
    throw new TorchError('RuntimeError', `both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  }
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) {
    const r = mm(unsqueeze(a, 0), b);
    return squeezeInPlace(r);
  }
  if (da === 2 && db === 2) return mm(a, b);
  if (da >= 3 && (db === 1 || db === 2)) {
    const k = a.shape[da - 1];
    const t2m = db === 1 ? unsqueeze(b, -1) : b;
    if (t2m.shape[0] !== k) {
      if (db === 1) throw new TorchError('RuntimeError', `size mismatch, got ${a.numel / k}, ${a.numel / k}x${k},${b.shape[0]}`);
      throw new TorchError(
        'RuntimeError',
        `mat1 and mat2 shapes cannot be multiplied (${a.numel / k}x${k} and ${t2m.shape[0]}x${t2m.shape[1]})`,
      );
    }
    const folded = mm(reshape(a, [-1, k]), t2m);
    const outShape = db === 1 ? a.shape.slice(0, -1) : [...a.shape.slice(0, -1), b.shape[1]];
    return unsafeView(folded, outShape);
  }
  // batched: broadcast the batch dims and use bmm
  const aa = da === 1 ? unsqueeze(a, 0) : a;
  const bb = db === 1 ? unsqueeze(b, -1) : b;
  const batchA = aa.shape.slice(0, -2);
  const batchB = bb.shape.slice(0, -2);
  const batch = broadcastBatch(batchA, batchB);
  const m = aa.shape[aa.ndim - 2];
  const k = aa.shape[aa.ndim - 1];
  const n = bb.shape[bb.ndim - 1];
  if (bb.shape[bb.ndim - 2] !== k) {
    throw new TorchError(
      'RuntimeError',
      `Expected size for first two dimensions of batch2 tensor to be: [${batch.reduce((x, y) => x * y, 1)}, ${k}] but got: [${batch.reduce((x, y) => x * y, 1)}, ${bb.shape[bb.ndim - 2]}].`,
    );
  }
  const bs = batch.reduce((x, y) => x * y, 1);
  const ea = reshape(expandTo(aa, [...batch, m, k]), [bs, m, k]);
  const eb = reshape(expandTo(bb, [...batch, k, n]), [bs, k, n]);
  let out = unsafeView(bmm(ea, eb), [...batch, m, n]);
  if (da === 1) out = squeeze(out, -2);
  if (db === 1) out = squeeze(out, -1);
  return out;
}

const expandTo = (t: Tensor, shape: number[]): Tensor => expand(t, shape);

function broadcastBatch(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim, as ATen's infer_size_impl
  for (let i = n - 1; i >= 0; i--) {
    const x = a[i - (n - a.length)] ?? 1;
    const y = b[i - (n - b.length)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new TorchError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

function unsafeView(t: Tensor, shape: number[]): Tensor {
  const out = Tensor.fromData(t.values(), shape, t.dtype);
  const inShape = t.shape.slice();
  record('UnsafeViewBackward0', [t], [out], ([g]) => [g ? reshapeRaw(g, inShape) : null]);
  return out;
}

/** matmul's squeeze_(0) on its own result: in place, so the node is SqueezeBackward3. */
function squeezeInPlace(r: Tensor): Tensor {
  const out = Tensor.fromData(r.values(), r.shape.slice(1), r.dtype);
  const inShape = r.shape.slice();
  record('SqueezeBackward3', [r], [out], ([g]) => [g ? reshapeRaw(g, inShape) : null]);
  return out;
}

export function outer(a: Tensor, b: Tensor): Tensor {
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** F.linear: addmm for 2-D input with bias, matmul (+ in-place bias add) otherwise. */
export function linear(x: Tensor, w: Tensor, bias: Tensor | null): Tensor {
  if (!isFloating(x.dtype) || x.dtype !== w.dtype) {
    if (x.ndim === 2) throw new TorchError('RuntimeError', 'mat1 and mat2 must have the same dtype');
    throw new TorchError('RuntimeError', `expected scalar type ${scalarTypeName(w.dtype)} but found ${scalarTypeName(x.dtype)}`);
  }
  if (x.ndim === 2 && bias) return addmm(bias, x, t2(w));
  // 1.13's fused path for contiguous 3-D input: addmm on the flattened batch, then a view back
  if (x.ndim === 3 && bias && x.isContiguous()) {
    const [b, s, f] = x.shape;
    const r = addmm(bias, view(x, [b * s, f]), t2(w));
    return view(r, [b, s, r.shape[1]]);
  }
  const out = matmul(x, t2(w));
  return bias ? add(out, bias) : out;
}


/** torch.diag: a vector to a diagonal matrix, or a matrix's diagonal (DiagBackward0). */
export function diag(t: Tensor, diagonal = 0): Tensor {
  if (t.ndim === 1) {
    const n = t.shape[0] + Math.abs(diagonal);
    const out = Tensor.zeros([n, n], t.dtype);
    const v = t.values();
    for (let i = 0; i < v.length; i++) {
      const r = diagonal >= 0 ? i : i - diagonal;
      const c = diagonal >= 0 ? i + diagonal : i;
      out.storage.data[r * n + c] = v[i];
    }
    record('DiagBackward0', [t], [out], ([g]) => {
      if (!g) return [null];
      const gv = g.values();
      const back = allocate(g.dtype, v.length);
      for (let i = 0; i < v.length; i++) back[i] = gv[(diagonal >= 0 ? i : i - diagonal) * n + (diagonal >= 0 ? i + diagonal : i)];
      return [Tensor.fromData(back, t.shape, g.dtype)];
    });
    return out;
  }
  if (t.ndim !== 2) throw new TorchError('RuntimeError', 'diag(): Supports 1D or 2D tensors. Got ' + t.ndim + 'D');
  const [rows, cols] = t.shape;
  const v = t.values();
  const vals: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < rows; i++) {
    const j = i + diagonal;
    if (j >= 0 && j < cols) {
      vals.push(v[i * cols + j]);
      idx.push(i * cols + j);
    }
  }
  const data = allocate(t.dtype, vals.length);
  data.set(vals);
  const out = Tensor.fromData(data, [vals.length], t.dtype);
  record('DiagBackward0', [t], [out], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const back = allocate(g.dtype, rows * cols);
    idx.forEach((p, i) => (back[p] = gv[i]));
    return [Tensor.fromData(back, t.shape, g.dtype)];
  });
  return out;
}

/** torch.trace: the sum of a matrix's diagonal (TraceBackward0). */
export function trace(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new TorchError('RuntimeError', 'trace: expected a matrix, but got tensor with dim ' + t.ndim);
  const [rows, cols] = t.shape;
  const v = t.values();
  let s = 0;
  for (let i = 0; i < Math.min(rows, cols); i++) s = t.dtype === 'float32' ? Math.fround(s + v[i * cols + i]) : s + v[i * cols + i];
  const out = Tensor.scalar(s, isFloating(t.dtype) ? t.dtype : 'int64');
  record('TraceBackward0', [t], [out], ([g]) => {
    if (!g) return [null];
    const back = allocate(g.dtype, rows * cols);
    const gv = g.item();
    for (let i = 0; i < Math.min(rows, cols); i++) back[i * cols + i] = gv;
    return [Tensor.fromData(back, t.shape, g.dtype)];
  });
  return out;
}
