import { record } from '../autograd/node';
import { allocate, isFloating, scalarTypeName } from '../dtype';
import { TorchError } from '../errors';
import { normDim, numel, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { warn } from '../warnings';
import { abs, asBackwardOp, div, exp as expOp, mul, neg, sub } from './elementwise';
import { isGradEnabled } from '../autograd/gradMode';
import { expandValues } from './kernels';
import { mean, sum } from './reduce';
import { torchSum } from './cascadeSum';
import { resultType } from './scalar';

type Reduction = 'mean' | 'sum' | 'none';

/** Visits each 1-D lane along `dim`: callback gets (values, base index, stride, length). */
function lanes(shape: number[], dim: number, f: (base: number, stride: number, len: number) => void): void {
  const inner = numel(shape.slice(dim + 1));
  const outer = numel(shape.slice(0, dim));
  const len = shape[dim] ?? 1;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * len * inner + i, inner, len);
}

function softmaxImpl(x: Tensor, dim: number, log: boolean): Tensor {
  if (!isFloating(x.dtype)) {
    throw new TorchError('RuntimeError', `"${log ? 'log_softmax' : 'softmax'}_lastdim_kernel_impl" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  const d = x.ndim === 0 ? 0 : normDim(dim, x.ndim);
  const v = x.values();
  const out = allocate(x.dtype, v.length);
  lanes(x.ndim === 0 ? [1] : x.shape, d, (b, s, n) => {
    let m = -Infinity;
    for (let k = 0; k < n; k++) m = Math.max(m, v[b + k * s]);
    let tot = 0;
    for (let k = 0; k < n; k++) tot += Math.exp(v[b + k * s] - m);
    const lse = Math.log(tot);
    for (let k = 0; k < n; k++) out[b + k * s] = log ? v[b + k * s] - m - lse : Math.exp(v[b + k * s] - m) / tot;
  });
  const res = Tensor.fromData(out, x.shape, x.dtype);
  const node = record(log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', [x], [res], ([g], n) => {
    if (!g) return [null];
    if (isGradEnabled()) {
      // create_graph: the same formula from ops in the graph, named as 1.13's _softmax_backward_data
      const rt = n.unpack('result');
      return [
        log
          ? asBackwardOp('LogSoftmaxBackwardDataBackward0', () => sub(g, mul(expOp(rt), sum(g, [d], true))))
          : asBackwardOp('SoftmaxBackwardDataBackward0', () => mul(rt, sub(g, sum(mul(g, rt), [d], true)))),
      ];
    }
    const r = n.unpack('result').values();
    const gv = g.values();
    const gi = allocate(g.dtype, gv.length);
    lanes(x.ndim === 0 ? [1] : x.shape, d, (b, s, len) => {
      let acc = 0;
      if (log) {
        for (let k = 0; k < len; k++) acc += gv[b + k * s];
        for (let k = 0; k < len; k++) gi[b + k * s] = gv[b + k * s] - Math.exp(r[b + k * s]) * acc;
      } else {
        for (let k = 0; k < len; k++) acc += gv[b + k * s] * r[b + k * s];
        for (let k = 0; k < len; k++) gi[b + k * s] = r[b + k * s] * (gv[b + k * s] - acc);
      }
    });
    return [Tensor.fromData(gi, x.shape, g.dtype)];
  });
  if (node) node.save('result', res, true);
  return res;
}

export const softmax = (x: Tensor, dim: number): Tensor => softmaxImpl(x, dim, false);
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxImpl(x, dim, true);

/** The UserWarning of torch/nn/functional.py's losses when target and input sizes differ. */
export function checkTargetSize(input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    warn(
      'UserWarning',
      `Using a target size (torch.Size([${target.shape.join(', ')}])) that is different to the input size (torch.Size([${input.shape.join(', ')}])). ` +
        'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
      'library', // warnings.warn inside torch/nn/functional.py
    );
  }
}

/** at::Reduction::Reduction as the saved `reduction` argument shows it (None, Mean, Sum). */
const REDUCTION_ENUM: Record<Reduction, bigint> = { none: 0n, mean: 1n, sum: 2n };

function reduce(t: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(t) : reduction === 'sum' ? sum(t) : t;
}

/** Broadcasts two tensors to a common shape (no autograd; for the loss kernels). */
function broadcastPair(a: Tensor, b: Tensor): [Float64Array, Float64Array, number[]] {
  const n = Math.max(a.ndim, b.ndim);
  const shape = new Array<number>(n);
  // from the last dim, as ATen's infer_size_impl
  for (let i = n - 1; i >= 0; i--) {
    const x = a.shape[i - (n - a.ndim)] ?? 1;
    const y = b.shape[i - (n - b.ndim)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new TorchError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    shape[i] = x === 1 ? y : x;
  }
  return [Float64Array.from(expandValues(a, shape)), Float64Array.from(expandValues(b, shape)), shape];
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkTargetSize(input, target);
  const [x, y, shape] = broadcastPair(input, target);
  const n = x.length;
  // a binary TensorIterator: float input with a double target gives a double loss
  // (its backward then fails with "Found dtype Double but expected Float")
  const dt = resultType(input, target);
  const f32 = dt === 'float32';
  const r = f32 ? Math.fround : (v: number) => v;
  const diff = allocate(dt, n);
  // ATen's mse kernel: diff = a - b; diff * diff, each in the tensor's precision
  for (let i = 0; i < n; i++) {
    const d = r(x[i] - y[i]);
    diff[i] = d * d;
  }
  let out: Tensor;
  if (reduction === 'none') out = Tensor.fromData(diff, shape, dt);
  else {
    // PyTorch reduces the elementwise loss with sum()/mean(), so the same summation order
    let s = isFloating(dt) ? torchSum(diff, 0, n, dt as 'float32' | 'float64') : Array.from(diff).reduce((a, b) => a + b, 0);
    if (reduction === 'mean') s = f32 ? Math.fround(s / n) : s / n;
    out = Tensor.scalar(s, dt);
  }
  const node = record('MseLossBackward0', [input, target], [out], ([g], nd) => {
    if (!g) return [null, null];
    if (isGradEnabled()) {
      // create_graph: mse_loss_backward from ops in the graph (MseLossBackwardBackward0)
      const x = nd.unpack('self');
      const y = nd.unpack('target');
      const scale = reduction === 'mean' ? 2 / n : 2;
      const gx = asBackwardOp('MseLossBackwardBackward0', () => mul(mul(sub(x, y), scale), g));
      return [gx, nd.next[1] ? mul(gx, -1) : null];
    }
    // mse_loss_backward's TensorIterator requires one dtype for input, target and grad
    if (target.dtype !== input.dtype) {
      throw new TorchError('RuntimeError', `Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}`);
    }
    const [xi, yi] = broadcastPair(nd.unpack('self'), nd.unpack('target'));
    const gv = expandValues(g, shape);
    const rg = g.dtype === 'float32' ? Math.fround : (v: number) => v;
    // mse_loss_backward: norm * (self - target) * grad, norm = 2/N cast to the dtype
    const scale = rg(reduction === 'mean' ? 2 / n : 2);
    const gx = allocate(g.dtype, n);
    for (let i = 0; i < n; i++) gx[i] = rg(scale * rg(xi[i] - yi[i])) * gv[i];
    const gt = Tensor.fromData(gx, shape, g.dtype);
    return [gt, nd.next[1] ? mul(gt, -1) : null];
  });
  if (node) {
    node.save('self', input);
    node.save('target', target);
    node.attrs.reduction = REDUCTION_ENUM[reduction];
  }
  return out;
}

/** l1_loss is composite in 1.13: abs(input - target) then the reduction. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkTargetSize(input, target);
  return reduce(abs(sub(input, target)), reduction);
}

export function binaryCrossEntropy(input: Tensor, target: Tensor, reduction: Reduction = 'mean', weight: Tensor | null = null): Tensor {
  if (!sameShape(input.shape, target.shape)) {
    throw new TorchError(
      'ValueError',
      `Using a target size (torch.Size([${target.shape.join(', ')}])) that is different to the input size (torch.Size([${input.shape.join(', ')}])) is deprecated. Please ensure they have the same size.`,
    );
  }
  // the CPU kernel's TensorIterator requires one dtype for input and target
  if (target.dtype !== input.dtype) {
    throw new TorchError('RuntimeError', `Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}`);
  }
  const x = input.values();
  const y = target.values();
  const w = weight ? expandValues(weight, input.shape) : null;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] <= 1)) throw new TorchError('RuntimeError', 'all elements of input should be between 0 and 1');
  }
  const n = x.length;
  const dt = input.dtype;
  const r = dt === 'float32' ? Math.fround : (v: number) => v;
  const l = allocate(dt, n);
  // ATen's kernel: (y - 1) * max(log(1 - x), -100) - y * max(log(x), -100), in the tensor's precision
  for (let i = 0; i < n; i++) {
    const lx = Math.max(r(Math.log(x[i])), -100);
    const l1x = Math.max(r(Math.log(r(1 - x[i]))), -100);
    l[i] = r(r((y[i] - 1) * l1x) - r(y[i] * lx));
    if (w) l[i] = l[i] * w[i];
  }
  let out: Tensor;
  if (reduction === 'none') out = Tensor.fromData(l, input.shape, dt);
  else {
    const s = isFloating(dt) ? torchSum(l, 0, n, dt as 'float32' | 'float64') : 0;
    out = Tensor.scalar(reduction === 'mean' ? r(s / n) : s, dt);
  }
  const node = record('BinaryCrossEntropyBackward0', [input, target], [out], ([g], nd) => {
    if (!g) return [null, null];
    const xi = nd.unpack('self').values();
    const yi = nd.unpack('target').values();
    const gv = expandValues(g, input.shape);
    const rg = g.dtype === 'float32' ? Math.fround : (v: number) => v;
    const gx = allocate(g.dtype, n);
    const EPS = 1e-12;
    // grad * (x - y) / max((1 - x) * x, eps), then * weight, then / N for the mean
    for (let i = 0; i < n; i++) {
      let v = rg(rg(gv[i] * rg(xi[i] - yi[i])) / rg(Math.max(rg(rg(1 - xi[i]) * xi[i]), EPS)));
      if (w) v = rg(v * w[i]);
      if (reduction === 'mean') v = v / n;
      gx[i] = v;
    }
    return [Tensor.fromData(gx, input.shape, g.dtype), null];
  });
  if (node) {
    node.save('self', input);
    node.save('target', target);
  }
  return out;
}

/** binary_cross_entropy_with_logits (BinaryCrossEntropyWithLogitsBackward0): (1-y)x + log(1+e^-x), stably. */
export function bceWithLogits(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const x = input.values();
  const y = target.values();
  const n = x.length;
  const dt = input.dtype;
  const l = allocate(dt, n);
  for (let i = 0; i < n; i++) {
    const mx = Math.max(-x[i], 0);
    l[i] = (1 - y[i]) * x[i] + mx + Math.log(Math.exp(-mx) + Math.exp(-x[i] - mx));
  }
  let out: Tensor;
  if (reduction === 'none') out = Tensor.fromData(l, input.shape, dt);
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s = dt === 'float32' ? Math.fround(s + l[i]) : s + l[i];
    out = Tensor.scalar(reduction === 'mean' ? s / n : s, dt);
  }
  const node = record('BinaryCrossEntropyWithLogitsBackward0', [input, target], [out], ([g], nd) => {
    if (!g) return [null, null];
    const xi = nd.unpack('self').values();
    const yi = nd.unpack('target').values();
    const gv = expandValues(g, input.shape);
    const scale = reduction === 'mean' ? 1 / n : 1;
    const gx = allocate(g.dtype, n);
    for (let i = 0; i < n; i++) gx[i] = scale * gv[i] * (1 / (1 + Math.exp(-xi[i])) - yi[i]);
    return [Tensor.fromData(gx, input.shape, g.dtype), null];
  });
  if (node) {
    node.save('self', input);
    node.save('target', target);
  }
  return out;
}

export function nllLoss(logp: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  // nll_loss_nd, then nll_loss_forward's meta checks, then the kernel's
  if (logp.ndim < 1) throw new TorchError('ValueError', `Expected 1 or more dimensions (got ${logp.ndim})`);
  if (logp.ndim !== 1 && logp.shape[0] !== (target.shape[0] ?? 1)) {
    throw new TorchError('ValueError', `Expected input batch_size (${logp.shape[0]}) to match target batch_size (${target.shape[0] ?? 1}).`);
  }
  if (logp.ndim > 2) throw new TorchError('NotImplementedError', 'nll_loss / cross_entropy over more than 2 dimensions is not supported by Autograd Lens yet');
  if (target.ndim > 1) throw new TorchError('RuntimeError', '0D or 1D target tensor expected, multi-target not supported');
  if (!(logp.ndim === 1 && target.ndim === 0) && logp.shape[0] !== target.shape[0]) {
    throw new TorchError('RuntimeError', `size mismatch (got input: [${logp.shape.join(', ')}], target: [${target.shape.join(', ')}])`);
  }
  if (target.dtype !== 'int64') {
    throw new TorchError('RuntimeError', `expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
  }
  const batched = logp.ndim === 2;
  const nCls = batched ? logp.shape[1] : logp.shape[0];
  const nB = batched ? logp.shape[0] : 1;
  if (batched && target.shape[0] !== nB) {
    throw new TorchError('ValueError', `Expected input batch_size (${nB}) to match target batch_size (${target.shape[0]}).`);
  }
  const lv = logp.values();
  const tv = target.values();
  const per = allocate(logp.dtype, nB);
  for (let b = 0; b < nB; b++) {
    const c = tv[b];
    if (c < 0 || c >= nCls) throw new TorchError('IndexError', `Target ${c} is out of bounds.`);
    per[b] = -lv[b * nCls + c];
  }
  let out: Tensor;
  if (reduction === 'none') out = Tensor.fromData(per, batched ? [nB] : [], logp.dtype);
  else {
    let s = 0;
    for (let b = 0; b < nB; b++) s = logp.dtype === 'float32' ? Math.fround(s + per[b]) : s + per[b];
    out = Tensor.scalar(reduction === 'mean' ? s / nB : s, logp.dtype);
  }
  // target is non-differentiable in nll_loss: the node has one input
  const node = record('NllLossBackward0', [logp], [out], ([g], nd) => {
    if (!g) return [null];
    const t = nd.unpack('target').values();
    const gv = g.values();
    const gx = allocate(g.dtype, nB * nCls);
    for (let b = 0; b < nB; b++) gx[b * nCls + t[b]] = -(reduction === 'none' ? gv[b] : gv[0]) / (reduction === 'mean' ? nB : 1);
    const res = Tensor.fromData(gx, logp.shape, g.dtype);
    if (isGradEnabled()) {
      // create_graph: nll_loss_backward is linear in grad and constant in self (NllLossBackwardBackward0)
      record('NllLossBackwardBackward0', [g, logp], [res], ([gg]) => {
        if (!gg) return [null, null];
        const ggv = gg.values();
        const back = allocate(gg.dtype, reduction === 'none' ? nB : 1);
        for (let b = 0; b < nB; b++) back[reduction === 'none' ? b : 0] += -ggv[b * nCls + t[b]] / (reduction === 'mean' ? nB : 1);
        return [Tensor.fromData(back, g.shape.slice(), gg.dtype), Tensor.zeros(logp.shape.slice(), gg.dtype)];
      });
    }
    return [res];
  });
  if (node) {
    node.save('target', target);
    Object.assign(node.attrs, { ignore_index: -100n, reduction: REDUCTION_ENUM[reduction] });
  }
  return out;
}

export function crossEntropy(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  // 1.13 takes equal shapes to mean class probabilities, whatever the target's dtype
  if (sameShape(input.shape, target.shape)) {
    // as cross_entropy_loss_prob_target writes it:
    // mean -(lp * target).sum() / (numel / C), sum -(lp * target).sum(), none -(lp * target).sum(class_dim)
    const classDim = input.ndim === 1 ? 0 : 1;
    if (!isFloating(target.dtype)) {
      throw new TorchError('RuntimeError', `Expected floating point type for target with class probabilities, got ${scalarTypeName(target.dtype)}`);
    }
    const lp = logSoftmax(input, classDim);
    const prod = mul(lp, target);
    if (reduction === 'none') return neg(sum(prod, [classDim]));
    const total = neg(sum(prod));
    return reduction === 'sum' ? total : div(total, BigInt(Math.trunc(input.numel / input.shape[classDim])));
  }
  return nllLoss(logSoftmax(input, input.ndim === 1 ? 0 : 1), target, reduction);
}

