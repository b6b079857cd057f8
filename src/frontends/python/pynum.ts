import { formatFixed } from '../../core/format/numfmt';
import { PyError, PyValue } from './values';

/** Python numeric semantics for int (bigint), float (number) and bool. */
export type Num = bigint | number | boolean;

export const isNum = (v: PyValue): v is Num => typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';

const toIntish = (v: Num): bigint | number => (typeof v === 'boolean' ? (v ? 1n : 0n) : v);

function floorDivBig(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function modBig(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

function modFloat(a: number, b: number): number {
  if (b === 0) throw new PyError('ZeroDivisionError', 'float modulo');
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

export function numBinop(op: string, x: Num, y: Num): PyValue {
  const a = toIntish(x);
  const b = toIntish(y);
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0n) throw new PyError('ZeroDivisionError', 'division by zero');
        return Number(a) / Number(b);
      case '//':
        return floorDivBig(a, b);
      case '%':
        return modBig(a, b);
      case '**':
        if (b < 0n) {
          if (a === 0n) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
          return Math.pow(Number(a), Number(b));
        }
        return a ** b;
      case '<<':
        return a << b;
      case '>>':
        return a >> b;
      case '&':
        return typeof x === 'boolean' && typeof y === 'boolean' ? x && y : a & b;
      case '|':
        return typeof x === 'boolean' && typeof y === 'boolean' ? x || y : a | b;
      case '^':
        return typeof x === 'boolean' && typeof y === 'boolean' ? x !== y : a ^ b;
    }
  }
  const fa = Number(a);
  const fb = Number(b);
  switch (op) {
    case '+':
      return fa + fb;
    case '-':
      return fa - fb;
    case '*':
      return fa * fb;
    case '/':
      if (fb === 0) throw new PyError('ZeroDivisionError', 'float division by zero');
      return fa / fb;
    case '//':
      if (fb === 0) throw new PyError('ZeroDivisionError', 'float divmod()');
      return Math.floor(fa / fb);
    case '%':
      return modFloat(fa, fb);
    case '**':
      if (fa === 0 && fb < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      if (fa < 0 && !Number.isInteger(fb)) throw new PyError('NotImplementedError', 'complex results are not supported');
      return Math.pow(fa, fb);
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'float' and 'float'`);
}

export function numCompare(op: string, x: Num, y: Num): boolean {
  const a = toIntish(x);
  const b = toIntish(y);
  let c: number;
  if (typeof a === 'bigint' && typeof b === 'bigint') c = a < b ? -1 : a > b ? 1 : 0;
  else {
    const fa = Number(a);
    const fb = Number(b);
    if (Number.isNaN(fa) || Number.isNaN(fb)) return op === '!=';
    c = fa < fb ? -1 : fa > fb ? 1 : 0;
  }
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
  }
  return false;
}

/** Python's round(x, n) for floats: the exact binary value rounded half to even at n digits. */
export function pyRound(x: number, nd: number | null): number {
  if (!Number.isFinite(x)) return x;
  if (nd === null || nd === 0) {
    const r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
  }
  if (nd > 0) return parseFloat(formatFixed(x, Math.min(nd, 340)));
  const m = Math.pow(10, -nd);
  return pyRound(x / m, 0) * m;
}
