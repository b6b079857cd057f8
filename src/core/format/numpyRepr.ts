/**
 * NumPy's repr(ndarray) (numpy/core/arrayprint.py, NumPy 1.2x defaults: precision 8,
 * floatmode 'maxprec', linewidth 75, threshold 1000, edgeitems 3) for the arrays this project
 * produces with Tensor.numpy(): float64 / float32 / int64 / int32 / bool, any rank (1-D and 2-D are
 * the cases that matter).
 *
 *   array([1., 2., 3.])            array([1.5, 2. ])            array([1., 2.], dtype=float32)
 *   array([[1., 2.],               array([1.e-05, 1.e+00])      array([ True, False])
 *          [3., 4.]])
 *
 * Floats use the shortest digits that identify the value in its own type (float32 values with
 * float32's shortest repr), at most 8 digits after the point, trailing zeros trimmed and a
 * common left/right padding; scientific notation when max ≥ 1e8, min < 1e-4 or max/min > 1000.
 */
import type { DType } from '../dtype';
import { exactFixedDigits, exactSignificantDigits, shortestDigits, shortestDigitsFloat32, type Digits } from './numfmt';

export interface NumpyArrayInput {
  shape: readonly number[];
  dtype: DType;
  /** elements in row-major order; float32 values as JS doubles; bool as 0/1 */
  data: ArrayLike<number>;
}

const PRECISION = 8;
const LINEWIDTH = 75;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

/** Splits digits (value = 0.DIGITS × 10^decpt) into the integer and fractional digit strings. */
function positionalParts(d: Digits): { int: string; frac: string } {
  const { digits, decpt } = d;
  if (digits === '') return { int: '0', frac: '' };
  if (decpt <= 0) return { int: '0', frac: '0'.repeat(-decpt) + digits };
  if (decpt >= digits.length) return { int: digits + '0'.repeat(decpt - digits.length), frac: '' };
  return { int: digits.slice(0, decpt), frac: digits.slice(decpt) };
}

/** Dragon4 "unique" digits of |x| for the array's float type. */
function uniqueDigits(ax: number, f32: boolean): Digits {
  if (ax === 0) return { digits: '0', decpt: 1 };
  return f32 ? shortestDigitsFloat32(ax) : shortestDigits(ax);
}

/**
 * dragon4_positional(x, precision, min_digits, unique=True, fractional=True): shortest unique
 * digits, cut (and exactly rounded) at `precision` fractional digits, extended with exact digits
 * up to `minDigits`. Returns sign-less integer and fractional parts (no trimming).
 */
function positional(ax: number, f32: boolean, precision: number, minDigits: number): { int: string; frac: string } {
  let p = positionalParts(uniqueDigits(ax, f32));
  if (p.frac.length > precision) p = positionalParts(exactFixedDigits(ax, precision));
  if (p.frac.length < minDigits) {
    const q = positionalParts(exactFixedDigits(ax, minDigits));
    p = { int: q.int, frac: q.frac.padEnd(minDigits, '0') };
  }
  return p;
}

/** dragon4_scientific: mantissa digits (first digit, fraction) and decimal exponent. */
function scientific(ax: number, f32: boolean, precision: number, minDigits: number): { lead: string; frac: string; exp: number } {
  let d = uniqueDigits(ax, f32);
  if (d.digits.length > precision + 1) d = exactSignificantDigits(ax, precision + 1);
  let frac = d.digits.slice(1);
  if (frac.length < minDigits) {
    const e = ax === 0 ? d : exactSignificantDigits(ax, minDigits + 1);
    frac = e.digits.slice(1).padEnd(minDigits, '0');
    d = e;
  }
  return { lead: d.digits[0], frac, exp: ax === 0 ? 0 : d.decpt - 1 };
}

function expString(e: number, minDigits: number): string {
  return (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(minDigits, '0');
}

/** numpy's FloatingFormat with the default options (sign='-', floatmode='maxprec'). */
class FloatingFormat {
  private expFormat = false;
  private padLeft = 0;
  private padRight = 0;
  private precision = PRECISION;
  private minDigits = 0;
  private trimK = false; // trim 'k' (keep zeros) vs '.'
  private expSize = -1;

  constructor(
    values: ArrayLike<number>,
    private readonly f32: boolean,
  ) {
    const finite: number[] = [];
    let hasNonFinite = false;
    let negInf = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) finite.push(v);
      else {
        hasNonFinite = true;
        if (v === -Infinity) negInf = true;
      }
    }
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      if (v === 0) continue;
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    if (max > 0 && (max >= 1e8 || min < 0.0001 || max / min > 1000)) this.expFormat = true;

    if (finite.length === 0) {
      this.padLeft = 0;
      this.padRight = 0;
    } else if (this.expFormat) {
      let fracMax = 0;
      let expMax = 0;
      let intMax = 0;
      for (const v of finite) {
        const s = scientific(Math.abs(v), f32, PRECISION, 0);
        const sig = s.frac.replace(/0+$/, '');
        fracMax = Math.max(fracMax, sig.length);
        expMax = Math.max(expMax, String(Math.abs(s.exp)).padStart(2, '0').length);
        intMax = Math.max(intMax, 1 + (v < 0 || Object.is(v, -0) ? 1 : 0));
      }
      this.expSize = expMax;
      this.trimK = true;
      this.precision = fracMax;
      this.minDigits = fracMax;
      this.padLeft = intMax;
      this.padRight = this.expSize + 2 + this.precision;
    } else {
      let intMax = 0;
      let fracMax = 0;
      for (const v of finite) {
        const p = positional(Math.abs(v), f32, PRECISION, 0);
        const frac = p.frac.replace(/0+$/, '');
        intMax = Math.max(intMax, p.int.length + (v < 0 || Object.is(v, -0) ? 1 : 0));
        fracMax = Math.max(fracMax, frac.length);
      }
      this.padLeft = intMax;
      this.padRight = fracMax;
    }
    if (hasNonFinite) {
      const offset = this.padRight + 1;
      this.padLeft = Math.max(this.padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
    }
  }

  format(x: number): string {
    if (!Number.isFinite(x)) {
      const ret = x !== x ? 'nan' : x < 0 ? '-inf' : 'inf';
      return ret.padStart(this.padLeft + this.padRight + 1, ' ');
    }
    const sign = x < 0 || Object.is(x, -0) ? '-' : '';
    const ax = Math.abs(x);
    if (this.expFormat) {
      const s = scientific(ax, this.f32, this.precision, this.minDigits);
      const frac = this.trimK ? s.frac : s.frac.replace(/0+$/, '');
      return (sign + s.lead).padStart(this.padLeft, ' ') + '.' + frac + 'e' + expString(s.exp, this.expSize);
    }
    const p = positional(ax, this.f32, this.precision, this.minDigits);
    const frac = this.trimK ? p.frac : p.frac.replace(/0+$/, '');
    return (sign + p.int).padStart(this.padLeft, ' ') + '.' + frac.padEnd(this.padRight, ' ');
  }
}

function makeFormatter(values: ArrayLike<number>, dtype: DType, zeroDim: boolean): (v: number) => string {
  if (dtype === 'bool') {
    const t = zeroDim ? 'True' : ' True';
    return (v) => (v ? t : 'False');
  }
  if (dtype === 'int64' || dtype === 'int32') {
    let w = 0;
    for (let i = 0; i < values.length; i++) w = Math.max(w, String(values[i]).length);
    return (v) => String(v).padStart(w, ' ');
  }
  const f = new FloatingFormat(values, dtype === 'float32');
  return (v) => f.format(v);
}

function extendLine(s: string, line: string, word: string, lineWidth: number, nextLinePrefix: string): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.replace(/\s+$/, '') + '\n';
    line = nextLinePrefix;
  }
  return [s, line + word];
}

/** The bracketed body as numpy's _formatArray writes it (separator ', '). */
function formatBody(a: NumpyArrayInput, prefix: string, lineWidth: number): string {
  const shape = a.shape;
  const ndim = shape.length;
  let numel = 1;
  for (const s of shape) numel *= s;
  const summarize = numel > THRESHOLD;
  const strides: number[] = new Array(ndim);
  let acc = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  const shown = (d: number): { lead: number[]; trail: number[]; summary: boolean } => {
    const n = shape[d];
    const all = Array.from({ length: n }, (_, i) => i);
    if (summarize && n > 2 * EDGEITEMS) {
      return { lead: all.slice(0, EDGEITEMS), trail: all.slice(n - EDGEITEMS), summary: true };
    }
    return { lead: all, trail: [], summary: false };
  };
  let values: ArrayLike<number> = a.data;
  if (summarize) {
    const vals: number[] = [];
    const collect = (d: number, off: number): void => {
      if (d === ndim) {
        vals.push(a.data[off]);
        return;
      }
      const v = shown(d);
      for (const i of [...v.lead, ...v.trail]) collect(d + 1, off + i * strides[d]);
    };
    collect(0, 0);
    values = vals;
  }
  const fmt = makeFormatter(values, a.dtype, ndim === 0);
  const separator = ', ';

  const recurse = (d: number, off: number, hanging: string, currWidth: number): string => {
    if (d === ndim) return fmt(a.data[off]);
    const nextHanging = hanging + ' ';
    const nextWidth = currWidth - 1;
    const v = shown(d);
    const items = [...v.lead, ...v.trail];
    const axesLeft = ndim - d;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - 1;
      let line = hanging;
      items.forEach((i, k) => {
        if (k === v.lead.length && v.summary) {
          [s, line] = extendLine(s, line, '...', elemWidth, hanging);
          line += separator;
        }
        [s, line] = extendLine(s, line, recurse(d + 1, off + i * strides[d], nextHanging, nextWidth), elemWidth, hanging);
        if (k < items.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = ',' + '\n'.repeat(axesLeft - 1);
      items.forEach((i, k) => {
        if (k === v.lead.length && v.summary) s += hanging + '...' + lineSep;
        s += hanging + recurse(d + 1, off + i * strides[d], nextHanging, nextWidth);
        if (k < items.length - 1) s += lineSep;
      });
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurse(0, 0, ' '.repeat(prefix.length + 1), lineWidth);
}

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : '(' + shape.join(', ') + ')';
}

/** numpy's repr(ndarray). */
export function formatNumpyArray(a: NumpyArrayInput): string {
  const prefix = 'array(';
  let numel = 1;
  for (const s of a.shape) numel *= s;
  const implied = a.dtype === 'float64' || a.dtype === 'int64' || a.dtype === 'bool';
  const skipDtype = implied && numel > 0;
  const suffix = skipDtype ? ')' : ',';
  let lst: string;
  if (numel > 0) lst = formatBody(a, prefix, LINEWIDTH - suffix.length);
  else if (a.shape.length === 1) lst = '[]';
  else lst = '[], shape=' + pyTuple(a.shape);
  const arrStr = prefix + lst + suffix;
  if (skipDtype) return arrStr;
  const dtypeStr = `dtype=${a.dtype})`;
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + dtypeStr.length + 1 > LINEWIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + dtypeStr;
}
