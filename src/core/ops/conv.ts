/**
 * conv1d / conv2d (ConvolutionBackward0), max_pool2d (MaxPool2DWithIndicesBackward0) and
 * avg_pool2d (AvgPool2DBackward0) on CPU, by direct loops: each output accumulates in double
 * and is rounded once to the dtype.
 */
import { record } from '../autograd/node';
import { allocate } from '../dtype';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';

export interface ConvParams {
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

const sizeStr = (s: readonly number[]) => `[${s.join(', ')}]`;

/** conv over the last 1 or 2 dims of x ([N,] C, *spatial); weight [O, C/groups, *kernel]. */
export function convolution(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  const sd = w.ndim - 2;
  const batched = x.ndim === sd + 2;
  if (!batched && x.ndim !== sd + 1) {
    throw new TorchError(
      'RuntimeError',
      `Expected ${sd + 1}D (unbatched) or ${sd + 2}D (batched) input to conv${sd}d, but got input of size: ${sizeStr(x.shape)}`,
    );
  }
  if (x.dtype !== w.dtype) {
    throw new TorchError('RuntimeError', `expected scalar type ${x.dtype === 'float64' ? 'Double' : 'Float'} but found ${w.dtype === 'float64' ? 'Double' : 'Float'}`);
  }
  const xs = batched ? x.shape : [1, ...x.shape];
  const [N, C] = xs;
  const H = sd === 2 ? xs[2] : 1;
  const W = sd === 2 ? xs[3] : xs[2];
  const O = w.shape[0];
  const Cg = w.shape[1];
  const KH = sd === 2 ? w.shape[2] : 1;
  const KW = sd === 2 ? w.shape[3] : w.shape[2];
  const g = p.groups;
  if (Cg * g !== C) {
    throw new TorchError(
      'RuntimeError',
      `Given groups=${g}, weight of size ${sizeStr(w.shape)}, expected input${sizeStr(batched ? x.shape : [1, ...x.shape])} to have ${Cg * g} channels, but got ${C} channels instead`,
    );
  }
  const [sh, sw] = sd === 2 ? p.stride : [1, p.stride[0]];
  const [ph, pw] = sd === 2 ? p.padding : [0, p.padding[0]];
  const [dh, dw] = sd === 2 ? p.dilation : [1, p.dilation[0]];
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  if (OH <= 0 || OW <= 0) {
    const inSz = sd === 2 ? `${H + 2 * ph} x ${W + 2 * pw}` : `${W + 2 * pw}`;
    const kSz = sd === 2 ? `${dh * (KH - 1) + 1} x ${dw * (KW - 1) + 1}` : `${dw * (KW - 1) + 1}`;
    throw new TorchError('RuntimeError', `Calculated padded input size per channel: (${inSz}). Kernel size: (${kSz}). Kernel size can't be greater than actual input size`);
  }
  const Og = O / g;
  const xv = x.values();
  const wv = w.values();
  const bv = b ? b.values() : null;
  const out = allocate(x.dtype, N * O * OH * OW);
  const xi = (n: number, c: number, h: number, ww: number) => ((n * C + c) * H + h) * W + ww;
  const wi = (o: number, c: number, kh: number, kw: number) => ((o * Cg + c) * KH + kh) * KW + kw;
  // every (output, input, weight) triple, visited once for the forward and the backward
  const each = (f: (oi: number, xIdx: number, wIdx: number) => void) => {
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++) {
        const grp = Math.floor(o / Og);
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            const oi = ((n * O + o) * OH + oh) * OW + ow;
            for (let c = 0; c < Cg; c++)
              for (let kh = 0; kh < KH; kh++) {
                const ih = oh * sh - ph + kh * dh;
                if (ih < 0 || ih >= H) continue;
                for (let kw = 0; kw < KW; kw++) {
                  const iw = ow * sw - pw + kw * dw;
                  if (iw < 0 || iw >= W) continue;
                  f(oi, xi(n, grp * Cg + c, ih, iw), wi(o, c, kh, kw));
                }
              }
          }
      }
  };
  const acc = new Float64Array(out.length);
  each((oi, a, k) => (acc[oi] += xv[a] * wv[k]));
  for (let oi = 0; oi < acc.length; oi++) out[oi] = acc[oi] + (bv ? bv[Math.floor(oi / (OH * OW)) % O] : 0);
  const outShape = sd === 2 ? [N, O, OH, OW] : [N, O, OW];
  const res = Tensor.fromData(out, batched ? outShape : outShape.slice(1), x.dtype);
  const node = record('ConvolutionBackward0', [x, w, b], [res], ([gr], nd) => {
    if (!gr) return [null, null, null];
    const gv = gr.values();
    const gx = nd.next[0] ? new Float64Array(xv.length) : null;
    const gw = nd.next[1] ? new Float64Array(wv.length) : null;
    each((oi, a, k) => {
      if (gx) gx[a] += gv[oi] * wv[k];
      if (gw) gw[k] += gv[oi] * xv[a];
    });
    let gb: Tensor | null = null;
    if (nd.next[2]) {
      const s = new Float64Array(O);
      for (let oi = 0; oi < gv.length; oi++) s[Math.floor(oi / (OH * OW)) % O] += gv[oi];
      gb = castTo(s, [O], gr.dtype);
    }
    return [gx ? castTo(gx, x.shape.slice(), gr.dtype) : null, gw ? castTo(gw, w.shape.slice(), gr.dtype) : null, gb];
  });
  if (node) {
    node.attrs.stride = p.stride;
    node.attrs.padding = p.padding;
    node.attrs.dilation = p.dilation;
    node.attrs.groups = p.groups;
  }
  return res;
}

function castTo(v: Float64Array, shape: number[], dt: Tensor['dtype']): Tensor {
  const o = allocate(dt, v.length);
  o.set(v);
  return Tensor.fromData(o, shape, dt);
}

export interface PoolParams {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // the last window must start inside the input or left padding
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

/** max_pool2d / avg_pool2d over the last two dims of a 3-D or 4-D input. */
export function pool2d(x: Tensor, p: PoolParams, kind: 'max' | 'avg', countIncludePad = true): [Tensor, Tensor | null] {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new TorchError('RuntimeError', `non-empty 3D or 4D (batch mode) tensor expected for input`);
  }
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  if (ph > kh / 2 || pw > kw / 2) throw new TorchError('RuntimeError', 'pad should be at most half of effective kernel size, but got pad=' + ph + ', kernel_size=' + kh + ' and dilation=' + dh);
  const H = x.shape[x.ndim - 2];
  const W = x.shape[x.ndim - 1];
  const planes = x.numel / (H * W);
  const OH = poolOut(H, kh, sh, ph, dh, p.ceilMode);
  const OW = poolOut(W, kw, sw, pw, dw, p.ceilMode);
  const xv = x.values();
  const out = allocate(x.dtype, planes * OH * OW);
  const idx = new Float64Array(out.length);
  for (let pl = 0; pl < planes; pl++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const oi = (pl * OH + oh) * OW + ow;
        if (kind === 'max') {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const ih = oh * sh - ph + i * dh;
              const iw = ow * sw - pw + j * dw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const v = xv[pl * H * W + ih * W + iw];
              if (v > best || Number.isNaN(v) || at < 0) {
                best = v;
                at = ih * W + iw;
                if (Number.isNaN(v)) break;
              }
            }
          out[oi] = best;
          idx[oi] = at;
        } else {
          const h0 = oh * sh - ph;
          const w0 = ow * sw - pw;
          const h1 = Math.min(h0 + kh, H + ph);
          const w1 = Math.min(w0 + kw, W + pw);
          const poolSize = (h1 - h0) * (w1 - w0);
          let s = 0;
          let cnt = 0;
          for (let ih = Math.max(h0, 0); ih < Math.min(h1, H); ih++)
            for (let iw = Math.max(w0, 0); iw < Math.min(w1, W); iw++) {
              s += xv[pl * H * W + ih * W + iw];
              cnt++;
            }
          out[oi] = s / (countIncludePad ? poolSize : cnt);
          idx[oi] = countIncludePad ? poolSize : cnt;
        }
      }
  const outShape = [...x.shape.slice(0, x.ndim - 2), OH, OW];
  const res = Tensor.fromData(out, outShape, x.dtype);
  const indices = kind === 'max' ? Tensor.fromData(idx, outShape.slice(), 'int64') : null;
  record(kind === 'max' ? 'MaxPool2DWithIndicesBackward0' : 'AvgPool2DBackward0', [x], [res], ([g]) => {
    if (!g) return [null];
    const gv = g.values();
    const gi = new Float64Array(xv.length);
    for (let pl = 0; pl < planes; pl++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const oi = (pl * OH + oh) * OW + ow;
          if (kind === 'max') {
            if (idx[oi] >= 0) gi[pl * H * W + idx[oi]] += gv[oi];
          } else {
            const h0 = oh * sh - ph;
            const w0 = ow * sw - pw;
            for (let ih = Math.max(h0, 0); ih < Math.min(h0 + kh, H); ih++)
              for (let iw = Math.max(w0, 0); iw < Math.min(w0 + kw, W); iw++) gi[pl * H * W + ih * W + iw] += gv[oi] / idx[oi];
          }
        }
    return [castTo(gi, x.shape.slice(), g.dtype)];
  });
  return [res, indices];
}
