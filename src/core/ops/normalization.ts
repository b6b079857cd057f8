/**
 * layer_norm, batch_norm and embedding with 1.13's nodes (NativeLayerNormBackward0,
 * NativeBatchNormBackward0, EmbeddingBackward0). Statistics are accumulated in double and
 * each result rounded to the tensor's dtype.
 */
import { record } from '../autograd/node';
import { allocate, isFloating } from '../dtype';
import { TorchError } from '../errors';
import { numel } from '../shape';
import { Tensor } from '../tensor';

const shapeStr = (s: readonly number[]) => `[${s.join(', ')}]`;

export function layerNorm(x: Tensor, normalized: number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const k = normalized.length;
  const tail = x.shape.slice(x.ndim - k);
  if (x.ndim < k || tail.join() !== normalized.join()) {
    throw new TorchError(
      'RuntimeError',
      `Given normalized_shape=${shapeStr(normalized)}, expected input with shape [*, ${normalized.join(', ')}], but got input of size${shapeStr(x.shape)}`,
    );
  }
  const N = numel(normalized);
  const M = N === 0 ? 0 : x.numel / N;
  const xv = x.values();
  const w = weight ? weight.values() : null;
  const b = bias ? bias.values() : null;
  const xhat = new Float64Array(xv.length);
  const rstd = new Float64Array(M);
  const out = allocate(x.dtype, xv.length);
  for (let m = 0; m < M; m++) {
    let mu = 0;
    for (let i = 0; i < N; i++) mu += xv[m * N + i];
    mu /= N;
    let va = 0;
    for (let i = 0; i < N; i++) va += (xv[m * N + i] - mu) ** 2;
    va /= N;
    rstd[m] = 1 / Math.sqrt(va + eps);
    for (let i = 0; i < N; i++) {
      const h = (xv[m * N + i] - mu) * rstd[m];
      xhat[m * N + i] = h;
      out[m * N + i] = h * (w ? w[i] : 1) + (b ? b[i] : 0);
    }
  }
  const res = Tensor.fromData(out, x.shape.slice(), x.dtype);
  const node = record('NativeLayerNormBackward0', [x, weight, bias], [res], ([g], n) => {
    if (!g) return [null, null, null];
    const gv = g.values();
    const gx = allocate(g.dtype, gv.length);
    const gw = w ? new Float64Array(N) : null;
    const gb = b ? new Float64Array(N) : null;
    for (let m = 0; m < M; m++) {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < N; i++) {
        const dh = gv[m * N + i] * (w ? w[i] : 1);
        s1 += dh;
        s2 += dh * xhat[m * N + i];
        if (gw) gw[i] += gv[m * N + i] * xhat[m * N + i];
        if (gb) gb[i] += gv[m * N + i];
      }
      for (let i = 0; i < N; i++) {
        const dh = gv[m * N + i] * (w ? w[i] : 1);
        gx[m * N + i] = (rstd[m] / N) * (N * dh - s1 - xhat[m * N + i] * s2);
      }
    }
    const cast = (v: Float64Array | null, t: Tensor | null) => {
      if (!v || !t) return null;
      const o = allocate(g.dtype, v.length);
      o.set(v);
      return Tensor.fromData(o, t.shape.slice(), g.dtype);
    };
    return [n.next[0] ? Tensor.fromData(gx, x.shape.slice(), g.dtype) : null, cast(gw, weight), cast(gb, bias)];
  });
  if (node) node.attrs.normalized_shape = normalized;
  return res;
}

/**
 * batch_norm over dim 1 of (N, C) or (N, C, L) input. In training the batch statistics
 * normalise (biased variance) and the running ones are updated in place with the unbiased
 * variance; otherwise the running statistics are used.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  const C = x.shape[1];
  const L = numel(x.shape.slice(2));
  const B = x.shape[0];
  const count = B * L;
  if (training && count <= 1) {
    throw new TorchError('ValueError', `Expected more than 1 value per channel when training, got input size torch.Size(${shapeStr(x.shape)})`);
  }
  const xv = x.values();
  const at = (b: number, c: number, l: number) => (b * C + c) * L + l;
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  const unbiased = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    if (training || !runningMean || !runningVar) {
      let mu = 0;
      for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) mu += xv[at(b, c, l)];
      mu /= count;
      let va = 0;
      for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) va += (xv[at(b, c, l)] - mu) ** 2;
      mean[c] = mu;
      invstd[c] = 1 / Math.sqrt(va / count + eps);
      unbiased[c] = va / (count - 1);
    } else {
      mean[c] = runningMean.values()[c];
      invstd[c] = 1 / Math.sqrt(runningVar.values()[c] + eps);
    }
  }
  const useBatch = training || !runningMean || !runningVar;
  if (training && runningMean && runningVar) {
    const rm = runningMean.values();
    const rv = runningVar.values();
    const nm = allocate(runningMean.dtype, C);
    const nv = allocate(runningVar.dtype, C);
    for (let c = 0; c < C; c++) {
      nm[c] = momentum * mean[c] + (1 - momentum) * rm[c];
      nv[c] = momentum * unbiased[c] + (1 - momentum) * rv[c];
    }
    writeInto(runningMean, nm);
    writeInto(runningVar, nv);
  }
  const w = weight ? weight.values() : null;
  const bb = bias ? bias.values() : null;
  const out = allocate(x.dtype, xv.length);
  const xhat = new Float64Array(xv.length);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let l = 0; l < L; l++) {
        const i = at(b, c, l);
        xhat[i] = (xv[i] - mean[c]) * invstd[c];
        out[i] = xhat[i] * (w ? w[c] : 1) + (bb ? bb[c] : 0);
      }
  const res = Tensor.fromData(out, x.shape.slice(), x.dtype);
  record('NativeBatchNormBackward0', [x, weight, bias], [res], ([g], n) => {
    if (!g) return [null, null, null];
    const gv = g.values();
    const gx = allocate(g.dtype, gv.length);
    const gw = new Float64Array(C);
    const gb = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      let s1 = 0;
      let s2 = 0;
      for (let b = 0; b < B; b++)
        for (let l = 0; l < L; l++) {
          const i = at(b, c, l);
          s1 += gv[i];
          s2 += gv[i] * xhat[i];
        }
      gw[c] = s2;
      gb[c] = s1;
      const wc = w ? w[c] : 1;
      for (let b = 0; b < B; b++)
        for (let l = 0; l < L; l++) {
          const i = at(b, c, l);
          gx[i] = useBatch ? (wc * invstd[c] / count) * (count * gv[i] - s1 - xhat[i] * s2) : wc * invstd[c] * gv[i];
        }
    }
    const vec = (v: Float64Array, t: Tensor | null) => {
      if (!t) return null;
      const o = allocate(g.dtype, C);
      o.set(v);
      return Tensor.fromData(o, t.shape.slice(), g.dtype);
    };
    return [n.next[0] ? Tensor.fromData(gx, x.shape.slice(), g.dtype) : null, vec(gw, weight), vec(gb, bias)];
  });
  return res;
}

function writeInto(t: Tensor, v: ArrayLike<number>): void {
  const d = t.storage.data;
  for (let i = 0; i < v.length; i++) d[t.offset + i] = v[i];
  t.bumpVersion();
}

/** embedding(indices, weight): rows of weight (EmbeddingBackward0, padding_idx rows get no gradient). */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    const legacy = isFloating(indices.dtype) ? (indices.dtype === 'float32' ? 'torch.FloatTensor' : 'torch.DoubleTensor') : 'torch.BoolTensor';
    throw new TorchError(
      'RuntimeError',
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${legacy} instead (while checking arguments for embedding)`,
    );
  }
  const [num, dim] = weight.shape;
  const iv = indices.values();
  for (let i = 0; i < iv.length; i++) if (!(iv[i] >= 0 && iv[i] < num)) throw new TorchError('IndexError', 'index out of range in self');
  const wv = weight.values();
  const out = allocate(weight.dtype, iv.length * dim);
  for (let i = 0; i < iv.length; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = wv[iv[i] * dim + j];
  const res = Tensor.fromData(out, [...indices.shape, dim], weight.dtype);
  const node = record('EmbeddingBackward0', [weight], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gw = allocate(g.dtype, num * dim);
    for (let i = 0; i < iv.length; i++) {
      if (paddingIdx !== null && iv[i] === paddingIdx) continue;
      for (let j = 0; j < dim; j++) gw[iv[i] * dim + j] += gv[i * dim + j];
    }
    return [Tensor.fromData(gw, [num, dim], g.dtype)];
  });
  if (node) {
    node.save('indices', indices);
    node.attrs.padding_idx = BigInt(paddingIdx ?? -1);
  }
  return res;
}
