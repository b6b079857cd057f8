/**
 * One lane of the float32 AVX2 routines PyTorch uses in randn (ATen's avx_mathfun.h:
 * log256_ps and sincos256_ps, derived from cephes), evaluated in float32 exactly as
 * the compiled kernel does. Each +, -, * of float32 values is done in double and
 * rounded once with Math.fround (exact for these operations); the multiply-adds that
 * GCC fused (-mfma with -ffp-contract=fast) are rounded once, like fma32.
 *
 * Hot path: each fused multiply-add is written out as
 *   p = a * b; s = p + c; r = fround(s);
 *   if (r !== s && fround(o = s + (s - r)) === o && p - (s - (t = s - p)) + (c - t) !== 0) hard = true;
 * i.e. fma32 inlined by hand: a*b is exact in double, and fround(s) can only be wrong
 * when s is exactly a float32 rounding midpoint that the exact sum is not on (the last
 * test is TwoSum's error term; exact ties are common and fround rounds them right).
 * A lane where that happens (rare) is then
 * recomputed from scratch by the plain per-lane version (log256Exact, sincos256Exact),
 * which calls fma32 at every fused step. Calling fma32 at twenty sites of the hot loop
 * would exceed V8's inlining budget (every non-inlined call boxes its double result),
 * and rarely taken call sites deoptimise the loop when first reached.
 */
import { fma32 } from './fma';

const f = Math.fround;

const bitsBuf = new Float32Array(1);
const bitsView = new Uint32Array(bitsBuf.buffer);

// log256_ps constants
const MIN_NORM_POS = 2 ** -126;
const SQRTHF = f(0.707106781186547524);
const LOG_P0 = f(7.0376836292e-2);
const LOG_P1 = f(-1.1514610310e-1);
const LOG_P2 = f(1.1676998740e-1);
const LOG_P3 = f(-1.2420140846e-1);
const LOG_P4 = f(1.4249322787e-1);
const LOG_P5 = f(-1.6668057665e-1);
const LOG_P6 = f(2.0000714765e-1);
const LOG_P7 = f(-2.4999993993e-1);
const LOG_P8 = f(3.3333331174e-1);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);

// sincos256_ps constants
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P0 = f(-1.9515295891e-4);
const SIN_P1 = f(8.3321608736e-3);
const SIN_P2 = f(-1.6666654611e-1);
const COS_P0 = f(2.443315711809948e-5);
const COS_P1 = f(-1.388731625493765e-3);
const COS_P2 = f(4.166664568298827e-2);
const FOPI = f(1.27323954473516); // 4 / pi

// ---------------------------------------------------------------- plain versions

/**
 * The exponent/mantissa split of log256_ps: x = (1 + m) * 2^e with 1 + m in
 * [sqrt(1/2), sqrt(2)); writes m to split[0] and e to split[1] (no boxed doubles).
 */
const split = new Float64Array(2);
function logSplit(x: number): void {
  if (x < MIN_NORM_POS) x = MIN_NORM_POS;
  bitsBuf[0] = x;
  const b = bitsView[0];
  let e = (b >>> 23) - 127 + 1; // small integer: exact in float32
  bitsView[0] = (b & 0x807fffff) | 0x3f000000; // mantissa scaled into [0.5, 1)
  x = bitsBuf[0];
  let tmp = 0;
  if (x < SQRTHF) {
    e = e - 1;
    tmp = x;
  }
  split[0] = f(f(x - 1) + tmp);
  split[1] = e;
}

/** log256_ps on one lane (float32 x > 0), every fused step through fma32. */
export function log256Exact(x0: number): number {
  logSplit(x0);
  let x = split[0];
  const e = split[1];
  const z = f(x * x);
  let y = LOG_P0;
  y = fma32(y, x, LOG_P1);
  y = fma32(y, x, LOG_P2);
  y = fma32(y, x, LOG_P3);
  y = fma32(y, x, LOG_P4);
  y = fma32(y, x, LOG_P5);
  y = fma32(y, x, LOG_P6);
  y = fma32(y, x, LOG_P7);
  y = fma32(y, x, LOG_P8);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1)); // y*z + e*q1, y*z fused
  y = fma32(-z, 0.5, y); // y - z*0.5, fused
  x = f(x + y);
  return fma32(e, LOG_Q2, x); // x + e*q2, fused
}

/** Results of the last sincos256Exact / sincos256 call (avoids allocating a pair). */
export const sincosOut = { sin: 0, cos: 0 };

/** sincos256_ps on one lane, every fused step through fma32; results in `sincosOut`. */
export function sincos256Exact(x: number): void {
  const negative = x < 0 || (x === 0 && 1 / x < 0);
  x = Math.abs(x);
  let k = f(x * FOPI) | 0; // truncation, like cvttps2dq
  k = (k + 1) & ~1; // octant rounded up to even
  // extended-precision reduction x - k*pi/4
  x = fma32(k, DP1, x);
  x = fma32(k, DP2, x);
  x = fma32(k, DP3, x);
  const z = f(x * x);
  // cosine polynomial: ((C0 z + C1) z + C2) z z - z/2 + 1
  let yc = fma32(COS_P0, z, COS_P1);
  yc = fma32(yc, z, COS_P2);
  yc = f(yc * z);
  yc = fma32(yc, z, -f(z * 0.5));
  yc = f(yc + 1);
  // sine polynomial: ((S0 z + S1) z + S2) z x + x
  let ys = fma32(SIN_P0, z, SIN_P1);
  ys = fma32(ys, z, SIN_P2);
  ys = f(ys * z);
  ys = fma32(ys, x, x);
  // octant bookkeeping: which polynomial is the sine, and the signs
  const swap = (k & 2) !== 0;
  const sinNegative = negative !== ((k & 4) !== 0);
  const cosNegative = (~(k - 2) & 4) !== 0;
  const sv = swap ? yc : ys;
  const cv = swap ? ys : yc;
  sincosOut.sin = sinNegative ? -sv : sv;
  sincosOut.cos = cosNegative ? -cv : cv;
}

// --------------------------------------------------------------- hot versions

/** log256_ps on lanes 0..n-1 of `v` (float32 values > 0), in place. Same results as log256Exact. */
export function log256Lanes(v: Float64Array, n: number): void {
  let p = 0;
  let s = 0;
  let r = 0;
  let o = 0;
  let t = 0;
  for (let j = 0; j < n; j++) {
    let hard = false;
    logSplit(v[j]);
    let x = split[0];
    const e = split[1];
    const z = f(x * x);
    let y = LOG_P0;
    p = y * x; s = p + LOG_P1; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P1 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P2; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P2 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P3; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P3 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P4; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P4 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P5; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P5 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P6; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P6 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P7; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P7 - t) !== 0) hard = true; y = r;
    p = y * x; s = p + LOG_P8; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (LOG_P8 - t) !== 0) hard = true; y = r;
    y = f(y * x);
    const eq1 = f(e * LOG_Q1);
    p = y * z; s = p + eq1; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (eq1 - t) !== 0) hard = true; y = r;
    p = -z * 0.5; s = p + y; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (y - t) !== 0) hard = true; y = r;
    x = f(x + y);
    p = e * LOG_Q2; s = p + x; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (x - t) !== 0) hard = true;
    v[j] = hard ? log256Exact(v[j]) : r;
  }
}

/**
 * sincos256_ps on lanes 0..n-1 of `v` (float32 angles small enough for int32 octants):
 * writes sin to `sinOut` and cos to `cosOut`. Same results as sincos256Exact.
 */
export function sincos256Lanes(v: Float64Array, n: number, sinOut: Float64Array, cosOut: Float64Array): void {
  let p = 0;
  let s = 0;
  let r = 0;
  let o = 0;
  let t = 0;
  for (let j = 0; j < n; j++) {
    let hard = false;
    let x = v[j];
    const negative = x < 0 || (x === 0 && 1 / x < 0);
    x = Math.abs(x);
    let k = f(x * FOPI) | 0;
    k = (k + 1) & ~1;
    p = k * DP1; s = p + x; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (x - t) !== 0) hard = true; x = r;
    p = k * DP2; s = p + x; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (x - t) !== 0) hard = true; x = r;
    p = k * DP3; s = p + x; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (x - t) !== 0) hard = true; x = r;
    const z = f(x * x);
    let yc = COS_P0;
    p = yc * z; s = p + COS_P1; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (COS_P1 - t) !== 0) hard = true; yc = r;
    p = yc * z; s = p + COS_P2; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (COS_P2 - t) !== 0) hard = true; yc = r;
    yc = f(yc * z);
    const hz = -f(z * 0.5);
    p = yc * z; s = p + hz; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (hz - t) !== 0) hard = true; yc = r;
    yc = f(yc + 1);
    let ys = SIN_P0;
    p = ys * z; s = p + SIN_P1; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (SIN_P1 - t) !== 0) hard = true; ys = r;
    p = ys * z; s = p + SIN_P2; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (SIN_P2 - t) !== 0) hard = true; ys = r;
    ys = f(ys * z);
    p = ys * x; s = p + x; r = f(s); if (r !== s && f((o = s + (s - r))) === o && p - (s - (t = s - p)) + (x - t) !== 0) hard = true; ys = r;
    if (hard) {
      sincos256Exact(v[j]);
      sinOut[j] = sincosOut.sin;
      cosOut[j] = sincosOut.cos;
    } else {
      const swap = (k & 2) !== 0;
      const sinNegative = negative !== ((k & 4) !== 0);
      const cosNegative = (~(k - 2) & 4) !== 0;
      const sv = swap ? yc : ys;
      const cv = swap ? ys : yc;
      sinOut[j] = sinNegative ? -sv : sv;
      cosOut[j] = cosNegative ? -cv : cv;
    }
  }
}

const one = new Float64Array(1);
const oneSin = new Float64Array(1);
const oneCos = new Float64Array(1);

/** log256_ps on one lane, through the hot version. */
export function log256(x: number): number {
  one[0] = x;
  log256Lanes(one, 1);
  return one[0];
}

/** sincos256_ps on one lane through the hot version; results in `sincosOut`. */
export function sincos256(x: number): void {
  one[0] = x;
  sincos256Lanes(one, 1, oneSin, oneCos);
  sincosOut.sin = oneSin[0];
  sincosOut.cos = oneCos[0];
}

// ------------------------------------------------------------ normal_fill_16

const LANES = 8;
const lu1 = new Float64Array(LANES);
const ltheta = new Float64Array(LANES);
const lsin = new Float64Array(LANES);
const lcos = new Float64Array(LANES);
const TWO_PI_F = f(2 * Math.PI);

/**
 * normal_fill_16_AVX2: transforms 16 float32 uniforms at data[off .. off+16) in place
 * into normals (Box-Muller: u1 = 1 - data[j], u2 = data[j+8], j < 8), then
 * n * std + mean with one fma. `mean` and `std` must already be float32 values.
 */
export function normalFill16Avx2(data: Float32Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < LANES; j++) {
    lu1[j] = f(1 - data[off + j]);
    ltheta[j] = f(TWO_PI_F * data[off + j + 8]);
  }
  log256Lanes(lu1, LANES);
  sincos256Lanes(ltheta, LANES, lsin, lcos);
  if (mean === 0 && std === 1) {
    for (let j = 0; j < LANES; j++) {
      const radius = f(Math.sqrt(f(-2 * lu1[j])));
      // fma(n, 1, 0) == n + 0 (turns -0 into +0 like the hardware fma)
      data[off + j] = f(radius * lcos[j]) + 0;
      data[off + j + 8] = f(radius * lsin[j]) + 0;
    }
  } else {
    for (let j = 0; j < LANES; j++) {
      const radius = f(Math.sqrt(f(-2 * lu1[j])));
      data[off + j] = fma32(f(radius * lcos[j]), std, mean);
      data[off + j + 8] = fma32(f(radius * lsin[j]), std, mean);
    }
  }
}
