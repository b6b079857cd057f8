/**
 * Exact decimal formatting of IEEE doubles, digit for digit as CPython prints them.
 *
 * Python formats the exact binary value of a double and rounds half-to-even only when that
 * exact value is a tie ('%.2f' % 0.125 == '0.12', '%.2f' % 0.015 == '0.01'). JavaScript's
 * toFixed / toExponential are exact too, except that they break ties away from zero. So the
 * fast path asks the engine for the digits, recognises the (rare) exact ties cheaply, and only
 * then falls back to BigInt arithmetic on the double's mantissa and exponent.
 *
 * Layout (where the point goes, exponent padding, '#', the '.0' of repr) follows CPython's
 * format_float_short (Python/pystrtod.c), fed with digit strings in dtoa's conventions:
 * `digits` without trailing zeros and `decpt` such that value = 0.DIGITS × 10^decpt.
 *
 * Pure TypeScript: no imports, runs in Node, a worker or a browser.
 */

// ---------------------------------------------------------------------------------------------
// Exact arithmetic helpers
// ---------------------------------------------------------------------------------------------

const view = new DataView(new ArrayBuffer(8));

/** |x| = mant · 2^exp for a finite double, mant a non-negative BigInt (< 2^53). */
function decompose(ax: number): { mant: bigint; exp: number } {
  view.setFloat64(0, ax);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: bexp - 1075 };
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[n];
}

/** round(num / den) with ties to even, num ≥ 0, den > 0. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** round_half_even(ax · 10^p) exactly, for finite ax ≥ 0 and p ≥ 0. */
function fixedScaledExact(ax: number, p: number): bigint {
  const { mant, exp } = decompose(ax);
  if (exp >= 0) return (mant << BigInt(exp)) * pow10(p);
  return roundHalfEven(mant * pow10(p), 1n << BigInt(-exp));
}

/**
 * Exactly rounded significand: n digits (n ≥ 1) and the decimal exponent e10 of the rounded
 * value, so that ax ≈ N · 10^(e10 - n + 1) with 10^(n-1) ≤ N < 10^n. ax must be finite, > 0.
 */
function sigExact(ax: number, n: number): { n: bigint; e10: number } {
  const { mant, exp } = decompose(ax);
  let e10 = Math.floor(Math.log10(ax));
  const lo = pow10(n - 1);
  const hi = pow10(n);
  for (;;) {
    const s = e10 - n + 1;
    let num = mant;
    let den = 1n;
    if (exp >= 0) num <<= BigInt(exp);
    else den <<= BigInt(-exp);
    if (s >= 0) den *= pow10(s);
    else num *= pow10(-s);
    const q = num / den;
    if (q >= hi) {
      e10++;
      continue;
    }
    if (q < lo) {
      e10--;
      continue;
    }
    let N = roundHalfEven(num, den);
    if (N === hi) {
      N = lo;
      e10++;
    }
    return { n: N, e10 };
  }
}

// ---------------------------------------------------------------------------------------------
// Digit generation (dtoa conventions)
// ---------------------------------------------------------------------------------------------

/** Digits of a value: value = 0.DIGITS × 10^decpt. `digits` may be '' (rounded to nothing). */
export interface Digits {
  digits: string;
  decpt: number;
}

function stripTrailingZeros(s: string): string {
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** True when ax · 10^p lies exactly halfway between two integers. */
function isFixedTie(ax: number, p: number): boolean {
  // ax = m / 2^k with m odd: ax·10^p = m·5^p / 2^(k-p) is a half-integer iff k = p + 1.
  return Number.isInteger(ax * 2 ** (p + 1)) && !Number.isInteger(ax * 2 ** p);
}

/**
 * The digits of round_half_even(ax · 10^p) as a plain integer string (no point), ax finite ≥ 0.
 * Fast path through toFixed, which is exact except for ties.
 */
function fixedIntegerString(ax: number, p: number): string {
  if (ax < 1e21 && p <= 100 && !isFixedTie(ax, p)) {
    const s = ax.toFixed(p);
    if (p === 0) return s;
    const dot = s.length - p - 1;
    const intPart = s.slice(0, dot);
    return intPart === '0' ? s.slice(dot + 1) : intPart + s.slice(dot + 1);
  }
  return fixedScaledExact(ax, p).toString();
}

/**
 * n significant digits (exactly n characters) of ax > 0 finite, rounded half-even on the exact
 * value, and the decimal exponent of the rounded value.
 */
export function significantDigits(ax: number, n: number): { digits: string; e10: number } {
  if (n <= 101) {
    const s = ax.toExponential(n - 1);
    const ei = s.indexOf('e');
    const e10 = +s.slice(ei + 1);
    if (!maybeExpTie(ax, n - 1, e10)) {
      const m = s.slice(0, ei);
      return { digits: n === 1 ? m : m[0] + m.slice(2), e10 };
    }
  }
  const r = sigExact(ax, n);
  return { digits: r.n.toString(), e10: r.e10 };
}

/**
 * Could rounding ax to p+1 significant digits at decimal exponent e10 hit an exact tie?
 * Conservative: true may be a false alarm (the exact path is then used), false is certain.
 */
function maybeExpTie(ax: number, p: number, e10: number): boolean {
  const q = e10 - p; // the rounding unit is 10^q
  if (q < 0) {
    // tie iff 2·ax·10^-q is an odd integer iff ax has exactly 1 - q fractional bits
    const k = 1 - q;
    if (k > 1100) return false;
    return Number.isInteger(ax * 2 ** k) && !Number.isInteger(ax * 2 ** (k - 1));
  }
  // ax ≥ 10^p: a tie needs ax integral or half-integral
  if (!Number.isInteger(ax * 2)) return false;
  if (ax >= 2 ** 52 || q > 22) return true;
  const twice = ax * 2;
  const unit = 10 ** q;
  return twice % unit === 0 && (twice / unit) % 2 === 1;
}

/** dtoa mode 0: shortest digits that round-trip (what repr uses). ax finite, > 0. */
export function shortestDigits(ax: number): Digits {
  const s = ax.toString();
  let mant = s;
  let e = 0;
  const ei = s.indexOf('e');
  if (ei >= 0) {
    mant = s.slice(0, ei);
    e = +s.slice(ei + 1);
  }
  const dot = mant.indexOf('.');
  const intPart = dot >= 0 ? mant.slice(0, dot) : mant;
  const digitsRaw = dot >= 0 ? intPart + mant.slice(dot + 1) : intPart;
  let decpt = intPart.length + e;
  let i = 0;
  while (i < digitsRaw.length - 1 && digitsRaw.charCodeAt(i) === 48) {
    i++;
    decpt--;
  }
  return { digits: stripTrailingZeros(digitsRaw.slice(i)), decpt };
}

/** dtoa mode 2: at most n significant digits (n ≥ 1), trailing zeros removed. */
function mode2(ax: number, n: number): Digits {
  if (ax === 0) return { digits: '0', decpt: 1 };
  const r = significantDigits(ax, n);
  return { digits: stripTrailingZeros(r.digits), decpt: r.e10 + 1 };
}

/** dtoa mode 3: n digits after the point, trailing zeros removed; '' if it rounds to zero. */
function mode3(ax: number, n: number): Digits {
  if (ax === 0) return { digits: '0', decpt: 1 };
  const s = fixedIntegerString(ax, n);
  if (s === '0' || /^0+$/.test(s)) return { digits: '', decpt: -n };
  let i = 0;
  while (s.charCodeAt(i) === 48) i++;
  const t = s.slice(i);
  return { digits: stripTrailingZeros(t), decpt: t.length - n };
}

// ---------------------------------------------------------------------------------------------
// CPython's PyOS_double_to_string
// ---------------------------------------------------------------------------------------------

export type FloatCode = 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'r';

export interface DoubleToStringFlags {
  /** '+' for non-negative numbers (Py_DTSF_SIGN). */
  sign?: boolean;
  /** integers in non-exponential form get '.0' (Py_DTSF_ADD_DOT_0; repr and format type ''). */
  addDot0?: boolean;
  /** '#': keep trailing zeros / the point (Py_DTSF_ALT). */
  alt?: boolean;
  /** 'z': a result that rounds to zero loses its minus sign (Py_DTSF_NO_NEG_0). */
  noNegZero?: boolean;
}

/** CPython's PyOS_double_to_string(val, code, precision, flags). 'r' ignores precision. */
export function pyDoubleToString(x: number, code: FloatCode, precision: number, flags: DoubleToStringFlags = {}): string {
  const upper = code === 'E' || code === 'F' || code === 'G';
  const lc = (upper ? code.toLowerCase() : code) as 'e' | 'f' | 'g' | 'r';
  let out: string;
  if (x !== x) {
    out = (flags.sign ? '+' : '') + 'nan';
  } else if (x === Infinity || x === -Infinity) {
    out = (x < 0 ? '-' : flags.sign ? '+' : '') + 'inf';
  } else {
    let neg = x < 0 || Object.is(x, -0);
    const ax = Math.abs(x);
    let d: Digits;
    let prec = precision;
    switch (lc) {
      case 'e':
        prec = precision + 1;
        d = mode2(ax, prec);
        break;
      case 'f':
        d = mode3(ax, precision);
        break;
      case 'g':
        if (prec === 0) prec = 1;
        d = mode2(ax, prec);
        break;
      default:
        d = ax === 0 ? { digits: '0', decpt: 1 } : shortestDigits(ax);
        break;
    }
    if (flags.noNegZero && neg && (d.digits.length === 0 || d.digits === '0')) neg = false;
    out = (neg ? '-' : flags.sign ? '+' : '') + layout(d, lc, prec, !!flags.addDot0, !!flags.alt);
  }
  return upper ? out.toUpperCase() : out;
}

/** format_float_short's layout of dtoa digits (sign excluded). */
function layout(d: Digits, code: 'e' | 'f' | 'g' | 'r', precision: number, addDot0: boolean, alt: boolean): string {
  const digits = d.digits;
  const digitsLen = digits.length;
  let decpt = d.decpt;
  let useExp = false;
  let exp = 0;
  let vEnd = digitsLen;
  switch (code) {
    case 'e':
      useExp = true;
      vEnd = precision;
      break;
    case 'f':
      vEnd = decpt + precision;
      break;
    case 'g':
      if (decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision)) useExp = true;
      if (alt) vEnd = precision;
      break;
    case 'r':
      if (decpt <= -4 || decpt > 16) useExp = true;
      break;
  }
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vStart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && addDot0) vEnd = vEnd > decpt ? vEnd : decpt + 1;
  else vEnd = vEnd > decpt ? vEnd : decpt;

  let s = '';
  if (decpt <= 0) {
    s += '0'.repeat(decpt - vStart) + '.' + '0'.repeat(-decpt);
  } else {
    s += '0'.repeat(-vStart);
  }
  if (decpt > 0 && decpt <= digitsLen) {
    s += digits.slice(0, decpt) + '.' + digits.slice(decpt);
  } else {
    s += digits;
  }
  if (digitsLen < decpt) {
    s += '0'.repeat(decpt - digitsLen) + '.' + '0'.repeat(vEnd - decpt);
  } else {
    s += '0'.repeat(vEnd - digitsLen);
  }
  if (s.charCodeAt(s.length - 1) === 46 && !alt) s = s.slice(0, -1);
  if (useExp) s += 'e' + formatExponent(exp);
  return s;
}

/** Python's exponent: sign and at least two digits ('+05', '-10', '+308'). */
function formatExponent(e: number): string {
  const a = e < 0 ? -e : e;
  return (e < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

// ---------------------------------------------------------------------------------------------
// Public fast formatters
// ---------------------------------------------------------------------------------------------

/** Python `'%.{p}f' % x`. */
export function formatFixed(x: number, precision: number): string {
  return withSign(x, (ax) => {
    if (ax < 1e21 && precision <= 100) {
      const body = ax.toFixed(precision);
      return ax !== 0 && isFixedTie(ax, precision) ? fixedFromInteger(fixedScaledExact(ax, precision).toString(), precision) : body;
    }
    return fixedFromInteger(fixedScaledExact(ax, precision).toString(), precision);
  });
}

/** nan/inf as Python prints them; otherwise the body of |x| with the sign (including -0) in front. */
function withSign(x: number, body: (ax: number) => string): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0 || (x === 0 && 1 / x < 0);
  return neg ? '-' + body(-x) : body(x);
}

/** Places the point in the integer string of round(ax·10^p). */
function fixedFromInteger(s: string, p: number): string {
  if (p === 0) return s;
  if (s.length <= p) s = '0'.repeat(p + 1 - s.length) + s;
  return s.slice(0, s.length - p) + '.' + s.slice(s.length - p);
}

/** Python `'%.{p}e' % x` (`1.0000e-05`, `1.2346e+08`). */
export function formatExp(x: number, precision: number): string {
  return withSign(x, (ax) => {
    if (ax === 0) return (precision > 0 ? '0.' + '0'.repeat(precision) : '0') + 'e+00';
    const { digits, e10 } = significantDigits(ax, precision + 1);
    return (precision > 0 ? digits[0] + '.' + digits.slice(1) : digits) + 'e' + formatExponent(e10);
  });
}

/** Python `'%.{p}g' % x` (and `'%#.{p}g'` with alt). */
export function formatGeneral(x: number, precision: number, alt = false): string {
  return pyDoubleToString(x, 'g', precision, { alt });
}

/** Python `repr(x)` / `str(x)` for a float: shortest round-trip digits in Python's layout. */
export function pyFloatRepr(x: number): string {
  return pyDoubleToString(x, 'r', 0, { addDot0: true });
}

// ---------------------------------------------------------------------------------------------
// float32 shortest digits (NumPy prints float32 arrays with float32's own shortest repr)
// ---------------------------------------------------------------------------------------------

const view32 = new DataView(new ArrayBuffer(4));

/**
 * Shortest digits that read back (round-half-even to float32) as the same float32, choosing the
 * closest such string when several have that length. ax must be a positive finite float32 value.
 */
export function shortestDigitsFloat32(ax: number): Digits {
  view32.setFloat32(0, ax);
  const bits = view32.getUint32(0);
  const bexp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  const m = bexp === 0 ? frac : frac | 0x800000;
  const e = bexp === 0 ? -149 : bexp - 150; // ax = m · 2^e
  // interval in units of 2^(e-2): [low, high] around 4m
  const v4 = BigInt(m) * 4n;
  const high = v4 + 2n;
  const low = frac === 0 && bexp > 1 ? v4 - 1n : v4 - 2n;
  const inclusive = (m & 1) === 0;
  const e2 = e - 2;
  // compare D·10^s against B·2^e2 exactly
  const cmp = (D: bigint, s: number, B: bigint): number => {
    let l = D;
    let r = B;
    if (s >= 0) l *= pow10(s);
    else r *= pow10(-s);
    if (e2 >= 0) r <<= BigInt(e2);
    else l <<= BigInt(-e2);
    return l < r ? -1 : l > r ? 1 : 0;
  };
  const inside = (D: bigint, s: number): boolean => {
    const a = cmp(D, s, low);
    const b = cmp(D, s, high);
    return inclusive ? a >= 0 && b <= 0 : a > 0 && b < 0;
  };
  for (let n = 1; n <= 9; n++) {
    const r = sigExact(ax, n);
    const s = r.e10 - n + 1;
    if (inside(r.n, s)) return { digits: stripTrailingZeros(r.n.toString()), decpt: r.e10 + 1 };
    const c = cmp(r.n, s, v4);
    const other = c < 0 ? r.n + 1n : r.n - 1n;
    if (other >= pow10(n - 1) && other < pow10(n) && inside(other, s)) {
      return { digits: stripTrailingZeros(other.toString()), decpt: r.e10 + 1 };
    }
  }
  const r = sigExact(ax, 9);
  return { digits: stripTrailingZeros(r.n.toString()), decpt: r.e10 + 1 };
}

/** Exact digits of ax ≥ 0 rounded (half-even) to `fracDigits` places after the point (dtoa mode 3). */
export function exactFixedDigits(ax: number, fracDigits: number): Digits {
  return mode3(ax, fracDigits);
}

/** Exact digits of ax ≥ 0 rounded (half-even) to n significant digits (dtoa mode 2). */
export function exactSignificantDigits(ax: number, n: number): Digits {
  return mode2(ax, n);
}
