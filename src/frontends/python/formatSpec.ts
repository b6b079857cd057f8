/**
 * Python's format-spec mini-language (`format(value, spec)`, f-string `{x:spec}`) for float,
 * int, bool and str, as CPython 3.11 implements it in Objects/stringlib + Python/formatter_unicode.c:
 *
 *   [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
 *
 * Values: a JS number is a Python float, a bigint a Python int, a boolean a bool, a string a str.
 * Errors are thrown as FormatSpecError with Python's exception type and exact message.
 * The locale is the C locale (Python's default): 'n' never groups and uses '.'.
 */
import { pyDoubleToString, pyFloatRepr, type FloatCode } from '../../core/format/numfmt';

export class FormatSpecError extends Error {
  constructor(
    readonly pyType: 'ValueError' | 'OverflowError',
    message: string,
  ) {
    super(message);
    this.name = pyType;
  }
}

/** str(int) for a Python int held as a bigint. */
export function pyIntToString(v: bigint): string {
  return v.toString();
}

/** Python's type name of a value, as it appears in format error messages. */
export function pyTypeName(value: number | bigint | boolean | string): string {
  switch (typeof value) {
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    default:
      return 'str';
  }
}

type Grouping = 'none' | ',' | '_' | '_4';

interface Spec {
  fill: string;
  align: string;
  sign: string; // '' when not given
  noNeg0: boolean;
  alt: boolean;
  width: number; // -1 when not given
  grouping: Grouping;
  precision: number; // -1 when not given
  type: string; // '' for float's "no type"
}

const isAlign = (c: string | undefined): boolean => c === '<' || c === '>' || c === '=' || c === '^';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

const PY_SSIZE_T_MAX = 2n ** 63n - 1n;

/** Display form of a presentation-type character in error messages. */
function typeForMessage(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return cp > 32 && cp < 128 ? c : '\\x' + cp.toString(16);
}

function parseSpec(specStr: string, typeName: string, defaultType: string, defaultAlign: string): Spec {
  const s = Array.from(specStr); // code points, as CPython reads them
  const end = s.length;
  let pos = 0;
  const spec: Spec = {
    fill: ' ',
    align: defaultAlign,
    sign: '',
    noNeg0: false,
    alt: false,
    width: -1,
    grouping: 'none',
    precision: -1,
    type: defaultType,
  };
  let fillSpecified = false;
  let alignSpecified = false;

  if (end - pos >= 2 && isAlign(s[pos + 1])) {
    spec.align = s[pos + 1];
    spec.fill = s[pos];
    fillSpecified = alignSpecified = true;
    pos += 2;
  } else if (end - pos >= 1 && isAlign(s[pos])) {
    spec.align = s[pos];
    alignSpecified = true;
    pos++;
  }
  if (end - pos >= 1 && (s[pos] === ' ' || s[pos] === '+' || s[pos] === '-')) {
    spec.sign = s[pos];
    pos++;
  }
  if (end - pos >= 1 && s[pos] === 'z') {
    spec.noNeg0 = true;
    pos++;
  }
  if (end - pos >= 1 && s[pos] === '#') {
    spec.alt = true;
    pos++;
  }
  if (!fillSpecified && end - pos >= 1 && s[pos] === '0') {
    spec.fill = '0';
    if (!alignSpecified && defaultAlign === '>') spec.align = '=';
    pos++;
  }
  const readInt = (): number | null => {
    let acc = 0n;
    let n = 0;
    while (pos < end && isDigit(s[pos])) {
      acc = acc * 10n + BigInt(s[pos].charCodeAt(0) - 48);
      if (acc > PY_SSIZE_T_MAX) throw new FormatSpecError('ValueError', 'Too many decimal digits in format string');
      pos++;
      n++;
    }
    return n === 0 ? null : Number(acc);
  };
  const w = readInt();
  if (w !== null) spec.width = w;

  if (pos < end && s[pos] === ',') {
    spec.grouping = ',';
    pos++;
  }
  if (pos < end && s[pos] === '_') {
    if (spec.grouping !== 'none') throw new FormatSpecError('ValueError', "Cannot specify both ',' and '_'.");
    spec.grouping = '_';
    pos++;
  }
  if (pos < end && s[pos] === ',' && spec.grouping === '_') {
    throw new FormatSpecError('ValueError', "Cannot specify both ',' and '_'.");
  }
  if (pos < end && s[pos] === '.') {
    pos++;
    const p = readInt();
    if (p === null) throw new FormatSpecError('ValueError', 'Format specifier missing precision');
    spec.precision = p;
  }
  if (end - pos > 1) {
    throw new FormatSpecError('ValueError', `Invalid format specifier '${specStr}' for object of type '${typeName}'`);
  }
  if (end - pos === 1) spec.type = s[pos];

  if (spec.grouping !== 'none') {
    const t = spec.type;
    if ('defgEG%F'.includes(t) && t.length <= 1) {
      // allowed (PEP 378); '' is float's "no type"
    } else if (spec.grouping === '_' && (t === 'b' || t === 'o' || t === 'x' || t === 'X')) {
      spec.grouping = '_4'; // PEP 515: every four digits in bin/oct/hex
    } else {
      throw new FormatSpecError('ValueError', `Cannot specify '${spec.grouping}' with '${typeForMessage(t)}'.`);
    }
  }
  return spec;
}

function unknownType(type: string, typeName: string): FormatSpecError {
  return new FormatSpecError('ValueError', `Unknown format code '${typeForMessage(type)}' for object of type '${typeName}'`);
}

/**
 * CPython's _PyUnicode_InsertThousandsGrouping: groups `digits` from the right and, when
 * minWidth asks for it (zero padding with '=' alignment), pads with zeros that are grouped too.
 */
function groupDigits(digits: string, minWidth: number, group: number, sep: string): string {
  const parts: string[] = [];
  let remaining = digits.length;
  let end = digits.length;
  let useSep = false;
  const take = (l: number): void => {
    const nZeros = Math.max(0, l - remaining);
    const nChars = Math.max(0, Math.min(remaining, l));
    parts.push('0'.repeat(nZeros) + digits.slice(end - nChars, end) + (useSep ? sep : ''));
    end -= nChars;
    remaining -= nChars;
  };
  if (group > 0) {
    for (;;) {
      const l = Math.min(group, Math.max(remaining, minWidth, 1));
      take(l);
      useSep = true;
      minWidth -= l;
      if (remaining <= 0 && minWidth <= 0) break;
      minWidth -= sep.length;
    }
  } else {
    take(Math.max(remaining, minWidth, 1));
  }
  // parts were produced right to left, each but the first carrying its separator
  return parts.reverse().join('');
}

interface NumberParts {
  /** The characters that take part in grouping (integer digits). */
  digits: string;
  /** Whether a decimal point follows the digits. */
  hasDecimal: boolean;
  /** Everything after the digits and the decimal point ('25', 'e+05', '%', 'inf'). */
  remainder: string;
  negative: boolean;
  prefix: string;
}

/** calc_number_widths + fill_number. */
function renderNumber(n: NumberParts, spec: Spec, groupingOverride?: Grouping, upper = false): string {
  let sign = '';
  if (spec.sign === '+') sign = n.negative ? '-' : '+';
  else if (spec.sign === ' ') sign = n.negative ? '-' : ' ';
  else if (n.negative) sign = '-';
  const grouping = groupingOverride ?? spec.grouping;
  const group = grouping === ',' || grouping === '_' ? 3 : grouping === '_4' ? 4 : 0;
  const sep = grouping === ',' ? ',' : grouping === '_' || grouping === '_4' ? '_' : '';
  const nDecimal = n.hasDecimal ? 1 : 0;
  // the remainder may be a 'c' character outside the BMP: count code points, as Python does
  const nonDigit = sign.length + n.prefix.length + nDecimal + Array.from(n.remainder).length;
  const minWidth = spec.fill === '0' && spec.align === '=' ? spec.width - nonDigit : 0;
  let grouped = n.digits.length === 0 ? '' : groupDigits(n.digits, minWidth, group, sep);
  if (upper) grouped = grouped.toUpperCase();
  const nPadding = spec.width - (nonDigit + grouped.length);
  let lpad = 0;
  let spad = 0;
  let rpad = 0;
  if (nPadding > 0) {
    switch (spec.align) {
      case '<':
        rpad = nPadding;
        break;
      case '^':
        lpad = Math.floor(nPadding / 2);
        rpad = nPadding - lpad;
        break;
      case '=':
        spad = nPadding;
        break;
      default:
        lpad = nPadding;
    }
  }
  const f = spec.fill;
  return (
    f.repeat(lpad) +
    sign +
    (upper ? n.prefix.toUpperCase() : n.prefix) +
    f.repeat(spad) +
    grouped +
    (n.hasDecimal ? '.' : '') +
    n.remainder +
    f.repeat(rpad)
  );
}

/** Splits a formatted float (sign removed) into grouping digits / decimal / remainder. */
function splitFloatText(text: string, negative: boolean): NumberParts {
  let i = 0;
  while (i < text.length && isDigit(text[i])) i++;
  const hasDecimal = text[i] === '.';
  return {
    digits: text.slice(0, i),
    hasDecimal,
    remainder: text.slice(hasDecimal ? i + 1 : i),
    negative,
    prefix: '',
  };
}

function formatFloatInternal(value: number, spec: Spec): string {
  let type = spec.type;
  let precision = spec.precision;
  if (precision > 2147483647) throw new FormatSpecError('ValueError', 'precision too big');
  let addDot0 = false;
  let defaultPrecision = 6;
  if (type === '') {
    addDot0 = true;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type === 'n') type = 'g';
  let val = value;
  let addPct = false;
  if (type === '%') {
    type = 'f';
    val *= 100;
    addPct = true;
  }
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';

  let buf = pyDoubleToString(val, type as FloatCode, type === 'r' ? 0 : precision, {
    addDot0,
    alt: spec.alt,
    noNegZero: spec.noNeg0,
  });
  if (addPct) buf += '%';
  if (spec.sign !== '+' && spec.sign !== ' ' && spec.width === -1 && spec.type !== 'n' && spec.grouping === 'none') {
    return buf;
  }
  const negative = buf[0] === '-';
  const parts = splitFloatText(negative ? buf.slice(1) : buf, negative);
  return renderNumber(parts, spec, spec.type === 'n' ? 'none' : undefined);
}

function formatIntInternal(value: bigint, spec: Spec): string {
  if (spec.precision !== -1) throw new FormatSpecError('ValueError', 'Precision not allowed in integer format specifier');
  if (spec.noNeg0) {
    throw new FormatSpecError('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  }
  if (spec.type === 'c') {
    if (spec.sign !== '') throw new FormatSpecError('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (spec.alt) {
      throw new FormatSpecError('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    }
    if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) {
      throw new FormatSpecError('OverflowError', 'Python int too large to convert to C long');
    }
    if (value < 0n || value > 0x10ffffn) throw new FormatSpecError('OverflowError', '%c arg not in range(0x110000)');
    const ch = String.fromCodePoint(Number(value));
    return renderNumber({ digits: '', hasDecimal: false, remainder: ch, negative: false, prefix: '' }, spec);
  }
  let base = 10;
  let prefix = '';
  switch (spec.type) {
    case 'b':
      base = 2;
      prefix = '0b';
      break;
    case 'o':
      base = 8;
      prefix = '0o';
      break;
    case 'x':
    case 'X':
      base = 16;
      prefix = '0x';
      break;
  }
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString(base);
  return renderNumber(
    { digits, hasDecimal: false, remainder: '', negative, prefix: spec.alt ? prefix : '' },
    spec,
    spec.type === 'n' ? 'none' : undefined,
    spec.type === 'X',
  );
}

function formatStringInternal(value: string, spec: Spec): string {
  if (spec.sign === ' ') throw new FormatSpecError('ValueError', 'Space not allowed in string format specifier');
  if (spec.sign !== '') throw new FormatSpecError('ValueError', 'Sign not allowed in string format specifier');
  if (spec.noNeg0) {
    throw new FormatSpecError('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  }
  if (spec.alt) throw new FormatSpecError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (spec.align === '=') throw new FormatSpecError('ValueError', "'=' alignment not allowed in string format specifier");
  let chars = Array.from(value);
  if (spec.precision >= 0 && chars.length > spec.precision) chars = chars.slice(0, spec.precision);
  const len = chars.length;
  const total = spec.width > len ? spec.width : len;
  const lpad = spec.align === '>' ? total - len : spec.align === '^' ? Math.floor((total - len) / 2) : 0;
  const rpad = total - len - lpad;
  return spec.fill.repeat(lpad) + chars.join('') + spec.fill.repeat(rpad);
}

/** int → float as PyNumber_Float does (correctly rounded; OverflowError past the double range). */
function intToFloat(v: bigint): number {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new FormatSpecError('OverflowError', 'int too large to convert to float');
  return x;
}

/** Python's `format(value, spec)`. */
export function formatWithSpec(value: number | bigint | boolean | string, spec: string): string {
  const typeName = pyTypeName(value);
  if (typeof value === 'string') {
    if (spec === '') return value;
    const sp = parseSpec(spec, typeName, 's', '<');
    if (sp.type !== 's') throw unknownType(sp.type, typeName);
    return formatStringInternal(value, sp);
  }
  if (typeof value === 'number') {
    if (spec === '') return pyFloatRepr(value);
    const sp = parseSpec(spec, typeName, '', '>');
    switch (sp.type) {
      case '':
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
      case 'n':
      case '%':
        return formatFloatInternal(value, sp);
      default:
        throw unknownType(sp.type, typeName);
    }
  }
  // int and bool (bool formats as int once a spec is given)
  if (spec === '') return typeof value === 'boolean' ? (value ? 'True' : 'False') : pyIntToString(value);
  const iv = typeof value === 'boolean' ? (value ? 1n : 0n) : value;
  const sp = parseSpec(spec, typeName, 'd', '>');
  switch (sp.type) {
    case 'b':
    case 'c':
    case 'd':
    case 'o':
    case 'x':
    case 'X':
    case 'n':
      return formatIntInternal(iv, sp);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%':
      return formatFloatInternal(intToFloat(iv), sp);
    default:
      throw unknownType(sp.type, typeName);
  }
}
