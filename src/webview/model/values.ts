/** Short text for tensor values (node previews, card lines) and the diverging colour scale. */
import type { TraceValue } from '../../trace/trace';

export function toNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  const n = Number(v);
  return Number.isNaN(n) ? NaN : n;
}

/** A number in at most `digits` significant digits, the way a person would jot it down. */
export function shortNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(Math.max(0, digits - 2)).replace(/\.?0+e/, 'e');
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(digits);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function shapeText(shape: number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}

export function numel(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A one-line preview that fits in about `maxChars` characters. */
export function previewValue(v: TraceValue, maxChars = 28): string {
  const n = numel(v.shape);
  if (v.shape.length === 0) return v.data.length ? shortNumber(toNumber(v.data[0])) : '';
  if (n === 0) return '[]';
  const parts: string[] = [];
  let len = 2;
  const nested = v.shape.length > 1;
  const open = nested ? '[[' : '[';
  const rowLen = v.shape[v.shape.length - 1];
  for (let i = 0; i < v.data.length; i++) {
    if (nested && i >= rowLen) break;
    const s = shortNumber(toNumber(v.data[i]), 3);
    if (len + s.length + 2 > maxChars - 3 && i > 0) {
      parts.push('…');
      break;
    }
    parts.push(s);
    len += s.length + 2;
  }
  const more = nested && v.shape[0] > 1 ? ', …]' : nested ? ']' : '';
  const truncated = !nested && parts.length < n && parts[parts.length - 1] !== '…' ? ', …' : '';
  return open + parts.join(', ') + truncated + ']' + more;
}

/** max |x| over the finite values, for a symmetric colour scale. */
export function absMax(values: Iterable<number>): number {
  let m = 0;
  for (const x of values) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x));
  return m;
}

/**
 * Diverging colour around 0 for value x on a scale of ±scale: negative blue, positive red,
 * zero transparent; as rgba so it sits on any theme background.
 */
export function divergingColor(x: number, scale: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'rgba(160,160,160,0.55)' : x > 0 ? 'rgba(214,39,40,0.95)' : 'rgba(31,119,180,0.95)';
  const t = scale > 0 ? Math.min(1, Math.abs(x) / scale) : 0;
  const a = (0.08 + 0.82 * Math.sqrt(t)).toFixed(3);
  return x >= 0 ? `rgba(226,74,51,${a})` : `rgba(52,120,220,${a})`;
}
