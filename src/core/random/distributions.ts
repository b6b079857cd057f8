/**
 * PyTorch 1.13.1 CPU sampling kernels (ATen/native/cpu/DistributionTemplates.h and
 * DistributionKernels.cpp as built for AVX2), bit for bit. Every function draws from
 * `gen` in exactly the order ATen does, so interleaving calls reproduces a script.
 *
 * Element order is memory (row-major) order; `out` is a contiguous buffer.
 */
import { fma32, fma64 } from './fma';
import { Generator } from './generator';
import { normalFill16Avx2 } from './avxMath';
import { glibcCos, glibcLog, glibcSin } from './libm';

export type FloatDType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export function allocateFloat(dtype: FloatDType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

// -------------------------------------------------------------------- uniform

/**
 * tensor.uniform_(a, b): a and b are first cast to the dtype, then each element is
 * u * (b - a) + a with u uniform in [0, 1), computed as one fused multiply-add in the
 * dtype (the kernel is FMA-contracted). Float32 draws one 32-bit word per element,
 * float64 two.
 */
export function uniformFill(gen: Generator, out: FloatArray, a: number, b: number): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    const from = Math.fround(a);
    const to = Math.fround(b);
    const span = Math.fround(to - from);
    if (from === 0 && span === 1) {
      for (let i = 0; i < n; i++) out[i] = gen.randomFloat();
    } else {
      for (let i = 0; i < n; i++) out[i] = fma32(gen.randomFloat(), span, from);
    }
  } else {
    const span = b - a;
    if (a === 0 && span === 1) {
      for (let i = 0; i < n; i++) out[i] = gen.randomDouble();
    } else {
      for (let i = 0; i < n; i++) out[i] = fma64(gen.randomDouble(), span, a);
    }
  }
}

/**
 * tensor.bernoulli_(p) with a scalar p, as ATen's CPU kernel does it without MKL (Debian's
 * build links none): serially in memory order, each element one
 * at::bernoulli_distribution<double>(p) draw — a uniform_real_distribution<double> sample (the
 * low 53 bits of random64()) compared with p: 1 if below, else 0.
 */
export function bernoulliFill(gen: Generator, out: Float32Array | Float64Array, p: number): void {
  for (let i = 0; i < out.length; i++) out[i] = gen.randomDouble() < p ? 1 : 0;
}

/**
 * tensor.bernoulli_(p) with a tensor of probabilities (already expanded to the output's shape):
 * per element at::bernoulli_distribution of p's type — for float64 probabilities a uniform double
 * (53 bits of random64()), for float32 a uniform float (24 bits of one random()).
 */
export function bernoulliFillFrom(gen: Generator, out: Float32Array | Float64Array, probs: Float32Array | Float64Array): void {
  if (probs instanceof Float64Array) for (let i = 0; i < out.length; i++) out[i] = gen.randomDouble() < probs[i] ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = gen.randomFloat() < probs[i] ? 1 : 0;
}

/** torch.rand(n, dtype): uniform_(0, 1) on a fresh tensor. */
export function rand(gen: Generator, n: number, dtype: FloatDType = 'float32'): FloatArray {
  const out = allocateFloat(dtype, n);
  uniformFill(gen, out, 0, 1);
  return out;
}

// --------------------------------------------------------------------- normal

/**
 * The scalar normal path (numel < 16, or a non-contiguous tensor): per element one
 * sample of at::normal_distribution<double> (which uses and refills the generator's
 * cached second sample), then sample * std + mean fused in double, then cast.
 */
export function normalFillScalar(gen: Generator, out: FloatArray, mean: number, std: number): void {
  const n = out.length;
  if (mean === 0 && std === 1) {
    for (let i = 0; i < n; i++) out[i] = gen.normalDouble() + 0;
  } else {
    for (let i = 0; i < n; i++) out[i] = fma64(gen.normalDouble(), std, mean);
  }
}

/** normal_fill_16<double>: Box-Muller on lanes j and j+8 with glibc's log/cos/sin. */
function normalFill16Double(data: Float64Array, off: number, mean: number, std: number): void {
  const plain = mean === 0 && std === 1;
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[off + j];
    const u2 = data[off + j + 8];
    const radius = Math.sqrt(-2 * glibcLog(u1));
    const theta = 2 * Math.PI * u2;
    const n1 = radius * glibcCos(theta);
    const n2 = radius * glibcSin(theta);
    if (plain) {
      data[off + j] = n1 + 0;
      data[off + j + 8] = n2 + 0;
    } else {
      data[off + j] = fma64(n1, std, mean);
      data[off + j + 8] = fma64(n2, std, mean);
    }
  }
}

/**
 * The block normal path (numel >= 16, contiguous): fill with uniforms, transform every
 * full block of 16, and if numel is not a multiple of 16 draw 16 fresh uniforms into
 * the last 16 slots (overwriting transformed values) and transform them.
 * float32 uses the AVX2 kernel (float32 math with FMA); float64 uses libm in double.
 * The generator's cached scalar sample is neither used nor cleared.
 */
function normalFillBlocks(gen: Generator, out: FloatArray, mean: number, std: number): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    const m = Math.fround(mean);
    const s = Math.fround(std);
    for (let i = 0; i < n; i++) out[i] = gen.randomFloat();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Avx2(out, i, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = gen.randomFloat();
      normalFill16Avx2(out, n - 16, m, s);
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = gen.randomDouble();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(out, i, mean, std);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = gen.randomDouble();
      normalFill16Double(out, n - 16, mean, std);
    }
  }
}

/**
 * tensor.normal_(mean, std) on a tensor whose storage is `out`. `contiguous = false`
 * forces the scalar path, as ATen does for non-contiguous tensors of any size.
 * (Argument checks such as std >= 0 are the caller's.)
 */
export function normalFill(
  gen: Generator,
  out: FloatArray,
  mean = 0,
  std = 1,
  contiguous = true,
): void {
  if (out.length >= 16 && contiguous) normalFillBlocks(gen, out, mean, std);
  else normalFillScalar(gen, out, mean, std);
}

/** torch.randn(n, dtype): normal_(0, 1) on a fresh contiguous tensor. */
export function randn(gen: Generator, n: number, dtype: FloatDType = 'float32'): FloatArray {
  const out = allocateFloat(dtype, n);
  normalFill(gen, out, 0, 1);
  return out;
}

// ------------------------------------------------------------------- integers

const TWO_POW_32 = 4294967296;

/**
 * torch.randint(low, high, (n,)) / tensor.random_(low, high): per element
 * random() % (high - low) + low, or random64() when the range is 2^32 or more.
 * Values are int64, returned in a Float64Array (exact up to 2^53).
 */
export function randint(gen: Generator, low: number, high: number, n: number): Float64Array {
  if (!(low < high)) {
    // (quotes spelled as escapes so that no import-scanning regex mistakes this text for an import)
    throw new RangeError(`random_ expects \u0027from\u0027 to be less than \u0027to\u0027, but got from=${low} >= to=${high}`);
  }
  const out = new Float64Array(n);
  const range = high - low;
  if (range < TWO_POW_32) {
    for (let i = 0; i < n; i++) out[i] = (gen.random() % range) + low;
  } else {
    const r = BigInt(range);
    const base = BigInt(low);
    for (let i = 0; i < n; i++) out[i] = Number((gen.random64() % r) + base);
  }
  return out;
}

/**
 * torch.randperm(n): arange(n), then for i in 0..n-2 swap r[i] with r[i + z],
 * z = random() % (n - i). int64 values in a Float64Array.
 */
export function randperm(gen: Generator, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = r[i];
    r[i] = r[i + z];
    r[i + z] = t;
  }
  return r;
}

// -------------------------------------------------------------------- nn.init

/**
 * Bound of nn.init.kaiming_uniform_(w, a, mode='fan_in', nonlinearity='leaky_relu'):
 * sqrt(3) * gain / sqrt(fan_in) with gain = sqrt(2 / (1 + a^2)), in double.
 * (Python squares `a` with libm pow; a*a is identical for the a = sqrt(5) of nn.Linear
 * and for a = 0.)
 */
export function kaimingUniformBound(fanIn: number, a = Math.sqrt(5)): number {
  const gain = Math.sqrt(2 / (1 + a * a));
  const std = gain / Math.sqrt(fanIn);
  return Math.sqrt(3) * std;
}

/** Bound of nn.Linear's bias init: 1 / sqrt(fan_in), or 0 when fan_in is 0. */
export function linearBiasBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/**
 * nn.Linear(inFeatures, outFeatures, bias).reset_parameters(): the (out, in) weight
 * from kaiming_uniform_(a = sqrt(5)) drawn row-major, then the bias from
 * uniform_(-1/sqrt(in), 1/sqrt(in)). A zero-element weight is left at 0 without
 * drawing (PyTorch warns "Initializing zero-element tensors is a no-op").
 */
export function linearInit(
  gen: Generator,
  inFeatures: number,
  outFeatures: number,
  bias = true,
): { weight: Float32Array; bias: Float32Array | null } {
  const weight = new Float32Array(inFeatures * outFeatures);
  if (weight.length > 0) {
    const bound = kaimingUniformBound(inFeatures);
    uniformFill(gen, weight, -bound, bound);
  }
  let b: Float32Array | null = null;
  if (bias) {
    b = new Float32Array(outFeatures);
    const bb = linearBiasBound(inFeatures);
    uniformFill(gen, b, -bb, bb);
  }
  return { weight, bias: b };
}
