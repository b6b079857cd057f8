/**
 * Fused multiply-add with a single rounding, in float32 and in float64.
 *
 * JavaScript has no FMA, but PyTorch's AVX2 kernels (explicit _mm256_fmadd_ps and
 * GCC's -ffp-contract=fast contractions) and glibc's FMA variants of log/sin/cos
 * round a*b+c once. Both emulations here are exact (they are tested against
 * rational arithmetic); neither allocates nor uses BigInt for ordinary magnitudes.
 */

/**
 * float32 fma: round32(a*b + c) for float32 inputs a, b, c.
 *
 * The product of two float32 values has at most 48 significant bits, so `a*b` is exact
 * in double. Only the addition can round, and rounding `s = RN64(p + c)` to float32
 * can then differ from the single rounding of the exact sum in one case only: when `s`
 * lands exactly on a float32 rounding midpoint while the exact sum is not on it
 * (a double lying strictly between the exact sum and `s` would be closer to the exact
 * sum, so no other midpoint can separate them). The two-sum error term tells on which
 * side of the midpoint the exact sum lies.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r; // s already a float32 (also covers 0, inf, nan)
  // s is a midpoint iff its mirror image across r is the float32 neighbour of r
  const other = s + (s - r);
  if (Math.fround(other) !== other) return r;
  return midpointFma32(p, c, s, r, other);
}

/** The rare case of fma32: s = RN64(p + c) is the float32 midpoint between r and other. */
function midpointFma32(p: number, c: number, s: number, r: number, other: number): number {
  // exact error of s = p + c (TwoSum) decides the side
  const bb = s - p;
  const t = p - (s - bb) + (c - bb);
  if (t === 0) return r; // a true tie: fround already rounded it to even
  return t > 0 ? (r > other ? r : other) : r < other ? r : other;
}

/** Veltkamp splitter for double: 2^27 + 1. */
const SPLITTER = 134217729;
/** Magnitudes for which Dekker's product and TwoSum below are exact (no overflow, no underflow). */
const SAFE_MIN = 2 ** -900;
const SAFE_MAX = 2 ** 900;

/**
 * float64 fma: RN(a*b + c) with one rounding.
 *
 * Dekker's product gives a*b = p + e exactly and TwoSum gives c + p = th + tl exactly,
 * so the exact result is th + (tl + e) = th + v + w with v = RN(tl + e) and w its
 * error. RN(th + v) is the correctly rounded result unless th + v is exactly a rounding
 * midpoint and w != 0 (th + v and the midpoints lie on the grid of ulp(v), which is
 * coarser than |w|); in that case w's sign decides the side. Operands outside
 * [2^-900, 2^900] (zeros, infinities and nan too) go to fma64Exact, which settles zeros
 * and non-finite values directly and uses BigInt only for extreme finite magnitudes.
 *
 * Kept short on purpose: V8 only inlines functions below ~460 bytes of bytecode, and a
 * non-inlined call boxes its double arguments and result.
 */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (!(ap >= SAFE_MIN && ap <= SAFE_MAX && Math.abs(c) <= SAFE_MAX) || !safeFactors(a, b)) {
    return fma64Exact(a, b, c);
  }
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const th = c + p;
  t = th - c;
  const tl = c - (th - t) + (p - t);
  const v = tl + e;
  t = v - tl;
  const w = tl - (v - t) + (e - t);
  const r = th + v;
  if (w === 0) return r;
  t = r - th;
  const d = th - (r - t) + (v - t); // th + v = r + d exactly
  // midpoint test: r + 2d is a double only when th + v lies halfway between r and r + 2d
  if (d !== 0 && r + 2 * d - r === 2 * d && w > 0 === d > 0) return r + 2 * d;
  return r;
}

function safeFactors(a: number, b: number): boolean {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  return aa >= SAFE_MIN && aa <= SAFE_MAX && ab >= SAFE_MIN && ab <= SAFE_MAX;
}

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
scratch[0] = 1;
/** Index of the low 32-bit word of a double in `words` (0 on little-endian hosts). */
const LO = words[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

// ------------------------------------------------------------------ exact fallback

interface Dyadic {
  m: bigint; // signed integer mantissa
  e: number; // value = m * 2^e
}

function toDyadic(x: number): Dyadic {
  scratch[0] = x;
  const hi = words[HI];
  const lo = words[LO];
  const neg = hi >>> 31 === 1;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  return { m: neg ? -m : m, e };
}

/** Correctly rounded (nearest, ties to even) double of m * 2^e. */
function roundDyadic(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  let a = neg ? -m : m;
  const bits = a.toString(2).length;
  // target exponent of the last kept bit: normal numbers keep 53 bits, subnormals stop at 2^-1074
  let shift = bits - 53;
  if (e + shift < -1074) shift = -1074 - e;
  if (shift > 0) {
    const big = BigInt(shift);
    const q = a >> big;
    const rem = a - (q << big);
    const half = 1n << (big - 1n);
    let r = q;
    if (rem > half || (rem === half && (q & 1n) === 1n)) r = q + 1n;
    a = r;
    e += shift;
  }
  // a now fits in 54 bits at most; Number(a) is exact, scaling by a power of two is exact
  // unless it overflows (then it rounds to infinity as IEEE would)
  let v = Number(a);
  while (e > 0) {
    const k = Math.min(e, 1000);
    v *= 2 ** k;
    e -= k;
  }
  while (e < 0) {
    const k = Math.min(-e, 1000);
    // dividing in steps is exact here because the final value is representable
    v /= 2 ** k;
    e += k;
  }
  return neg ? -v : v;
}

/** Exact fma through BigInt (only for extreme magnitudes or infinite/nan operands). */
export function fma64Exact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  if (a === 0 || b === 0) return a * b + c;
  const da = toDyadic(a);
  const db = toDyadic(b);
  const pm = da.m * db.m;
  const pe = da.e + db.e;
  if (c === 0) return roundDyadic(pm, pe);
  const dc = toDyadic(c);
  const e = Math.min(pe, dc.e);
  const sum = (pm << BigInt(pe - e)) + (dc.m << BigInt(dc.e - e));
  if (sum === 0n) return 0; // exact cancellation gives +0 in round-to-nearest
  return roundDyadic(sum, e);
}
