/**
 * Double-precision log, sin and cos that return the same bits as the glibc 2.36 libm that
 * PyTorch 1.13.1 runs on (Debian 12, x86-64). On a CPU with FMA and AVX2, glibc's ifunc
 * selects the variants built with -mfma -mavx2, where GCC fused most a*b+c pairs; the
 * evaluation order and every fused operation below follow those compiled variants
 * (__log_fma, __sin_fma, __cos_fma).
 *
 * Why not Math.log/sin/cos: V8 uses fdlibm ports, which differ from glibc in the last bit
 * for a few percent of inputs (measured on random inputs in (0, 1] and [0, 2*pi):
 * ~7% for log, ~3% for sin and cos). The float64 randn path returns those bits directly.
 *
 * Scope: log for every positive finite double, subnormals included; sin/cos for
 * |x| < 105414350 (all the Box-Muller path needs, where the argument is in [0, 2*pi)).
 * Larger arguments need glibc's multi-precision reduction (branred) and fall back to
 * Math.sin/Math.cos.
 */
import { fma64 as fma } from './fma';
import { LOG_TAB, SINCOS_TAB } from './libmTables';

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
scratch[0] = 1;
const LO = words[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

function fromWords(hi: number, lo: number): number {
  words[HI] = hi;
  words[LO] = lo;
  return scratch[0];
}

// ------------------------------------------------------------------------ log

const LN2HI = fromWords(0x3fe62e42, 0xfefa3800);
const LN2LO = fromWords(0x3d2ef357, 0x93c76730);
// polynomial for log1p(r) - r around the table points
const A0 = fromWords(0xbfe00000, 0x00000001);
const A1 = fromWords(0x3fd55555, 0x5551305b);
const A2 = fromWords(0xbfcfffff, 0xffeb4590);
const A3 = fromWords(0x3fc999b3, 0x24f10111);
const A4 = fromWords(0xbfc55575, 0xe506c89f);
// polynomial for inputs close to 1
const B0 = -0.5;
const B1 = fromWords(0x3fd55555, 0x55555577);
const B2 = fromWords(0xbfcfffff, 0xfffffdcb);
const B3 = fromWords(0x3fc99999, 0x9995dd0c);
const B4 = fromWords(0xbfc55555, 0x556745a7);
const B5 = fromWords(0x3fc24924, 0xa344de30);
const B6 = fromWords(0xbfbfffff, 0xa4423d65);
const B7 = fromWords(0x3fbc7184, 0x282ad6ca);
const B8 = fromWords(0xbfb999eb, 0x43b068ff);
const B9 = fromWords(0x3fb78182, 0xf7afd085);
const B10 = fromWords(0xbfb55213, 0x75d145cd);
const TWO27 = 134217728;

/** glibc's log(x). */
export function glibcLog(x: number): number {
  scratch[0] = x;
  let hi = words[HI];
  let lo = words[LO];
  // inputs in [1 - 2^-4, 1 + 0x1.09p-4): dedicated polynomial
  if (hi >= 0x3fee0000 && hi < 0x3ff10900) {
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const p1 = fma(r2, B3, fma(r, B2, B1));
    const p2 = fma(r2, B6, fma(r, B5, B4));
    const p3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
    const poly = fma(fma(p3, r3, p2), r3, p1);
    // split r into rhi (26 bits) + rlo; rhi*rhi*B0 is exact
    const w0 = r * TWO27;
    const rhi = r + w0 - w0;
    const rlo = r - rhi;
    const w = rhi * rhi * B0;
    const h = r + w;
    let l = r - h + w;
    l = fma(B0 * rlo, rhi + r, l);
    return h + fma(poly, r3, l);
  }
  const top = hi >>> 16;
  if (top - 0x0010 >= 0x7ff0 - 0x0010 || top < 0x0010) {
    // subnormal, zero, negative, inf or nan
    if (x === 0) return -Infinity;
    if (x === Infinity) return x;
    if (!(x > 0)) return NaN;
    // subnormal: normalise (x * 2^52, then take 52 off the exponent)
    scratch[0] = x * 4503599627370496;
    hi = words[HI] - (52 << 20);
    lo = words[LO];
  }
  // x = 2^k z, z in [0x3fe6000000000000, 2 * that), table index from the top mantissa bits
  const tmpHi = (hi - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 127;
  const k = tmpHi >> 20;
  const z = fromWords(hi - (tmpHi & 0xfff00000), lo);
  const invc = LOG_TAB[2 * i];
  const logc = LOG_TAB[2 * i + 1];
  const r = fma(z, invc, -1);
  const kd = k;
  const w = kd * LN2HI + logc; // exact by construction of the table
  const h = w + r;
  const l = fma(kd, LN2LO, w - h + r);
  const r2 = r * r;
  const t = fma(r2, A0, l);
  const poly = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r * r2, poly, t) + h;
}

// ---------------------------------------------------------------- sin and cos

const SN3 = fromWords(0xbfc55555, 0x55555515);
const SN5 = fromWords(0x3f811110, 0xe829872f);
const CS2 = 0.5;
const CS4 = fromWords(0xbfa55555, 0x55555535);
const CS6 = fromWords(0x3f56c16b, 0xedd9e239);
const S1 = fromWords(0xbfc55555, 0x55555555);
const S2 = fromWords(0x3f811111, 0x11110ece);
const S3 = fromWords(0xbf2a01a0, 0x19db08b8);
const S4 = fromWords(0x3ec71de2, 0x7b9a7ed9);
const S5 = fromWords(0xbe5addff, 0xc2fcdf59);
const BIG = fromWords(0x42c80000, 0); // 1.5 * 2^45: rounds |x| to a multiple of 1/128
const HP0 = fromWords(0x3ff921fb, 0x54442d18); // pi/2 high
const HP1 = fromWords(0x3c91a626, 0x33145c07); // pi/2 low
const TOINT = fromWords(0x43380000, 0); // 1.5 * 2^52
const HPINV = fromWords(0x3fe45f30, 0x6dc9c883); // 2/pi
const MP1 = fromWords(0x3ff921fb, 0x58000000);
const MP2 = fromWords(0xbe4dde97, 0x3c000000);
const PP3 = fromWords(0xbc8cb3b3, 0x98000000);
const PP4 = fromWords(0xbacd747f, 0x23e32ed7);

function lowWord(x: number): number {
  scratch[0] = x;
  return words[LO];
}

function highWordAbs(x: number): number {
  scratch[0] = x;
  return words[HI] & 0x7fffffff;
}

/** sin(a + da) for |a| < 0.126 (Taylor series). */
function taylorSin(a: number, da: number): number {
  const xx = a * a;
  const poly = fma(xx, fma(xx, fma(xx, fma(xx, S5, S4), S3), S2), S1);
  const t = fma(xx, fma(poly, a, -(0.5 * da)), da);
  return a + t;
}

/** sin(x + dx) for 0.126 <= |x| < 0.855469, through the table at the nearest k/128. */
function tableSin(x: number, dx: number): number {
  const xold = x;
  if (x <= 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = lowWord(u) << 2;
  const y = ax - (u - BIG);
  const yy = y * y;
  const s = y + fma(y * yy, fma(yy, SN5, SN3), dx);
  const c = fma(y, dx, yy * fma(yy, fma(yy, CS6, CS4), CS2));
  const sn = SINCOS_TAB[k];
  const ssn = SINCOS_TAB[k + 1];
  const cs = SINCOS_TAB[k + 2];
  const ccs = SINCOS_TAB[k + 3];
  const cor = fma(s, cs, fma(-c, sn, fma(s, ccs, ssn)));
  const res = sn + cor;
  return xold < 0 ? -Math.abs(res) : Math.abs(res); // copysign (|xold| >= 0.126 here)
}

function doSin(x: number, dx: number): number {
  return Math.abs(x) < 0.126 ? taylorSin(x, dx) : tableSin(x, dx);
}

/** cos(x + dx) for |x| < 0.855469, through the table at the nearest k/128. */
function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = lowWord(u) << 2;
  const y = ax - (u - BIG) + dx;
  const yy = y * y;
  const s = fma(y * yy, fma(yy, SN5, SN3), y);
  const c = yy * fma(yy, fma(yy, CS6, CS4), CS2);
  const sn = SINCOS_TAB[k];
  const ssn = SINCOS_TAB[k + 1];
  const cs = SINCOS_TAB[k + 2];
  const ccs = SINCOS_TAB[k + 3];
  const cor = fma(-s, sn, fma(-c, cs, fma(-s, ssn, ccs)));
  return cs + cor;
}

let reducedA = 0;
let reducedDa = 0;

/** x = n*pi/2 + (a + da), |a| <= pi/4; returns n & 3 and sets reducedA/reducedDa. */
function reduce(x: number): number {
  const t = fma(x, HPINV, TOINT);
  const xn = t - TOINT;
  const n = lowWord(t) & 3;
  const y = fma(-xn, MP2, fma(-xn, MP1, x));
  const t2 = fma(-xn, PP3, y);
  let db = fma(-PP3, xn, y - t2);
  const b = fma(-xn, PP4, t2);
  db = db + fma(-xn, PP4, t2 - b);
  reducedA = b;
  reducedDa = db;
  return n;
}

function doSinCos(a: number, da: number, n: number): number {
  const v = n & 1 ? doCos(a, da) : doSin(a, da);
  return n & 2 ? -v : v;
}

/** glibc's sin(x). */
export function glibcSin(x: number): number {
  const k = highWordAbs(x);
  if (k < 0x3e500000) return x; // |x| < 2^-26
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) {
    const v = doCos(HP0 - Math.abs(x), HP1);
    return x < 0 ? -Math.abs(v) : Math.abs(v);
  }
  if (k < 0x419921fb) {
    const n = reduce(x);
    return doSinCos(reducedA, reducedDa, n);
  }
  if (k < 0x7ff00000) return Math.sin(x); // huge arguments: not reproduced bit-exactly
  return x - x; // nan for inf and nan
}

/** glibc's cos(x). */
export function glibcCos(x: number): number {
  const k = highWordAbs(x);
  if (k < 0x3e400000) return 1; // |x| < 2^-27
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    const da = y - a + HP1;
    return doSin(a, da);
  }
  if (k < 0x419921fb) {
    const n = reduce(x);
    return doSinCos(reducedA, reducedDa, n + 1);
  }
  if (k < 0x7ff00000) return Math.cos(x);
  return x - x;
}
