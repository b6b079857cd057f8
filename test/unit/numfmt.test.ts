import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  formatExp,
  formatFixed,
  formatGeneral,
  pyDoubleToString,
  pyFloatRepr,
  shortestDigitsFloat32,
  significantDigits,
} from '../../src/core/format/numfmt';

/** Python's repr of a float back to a JS number (repr round-trips exactly). */
function parsePyFloat(s: string): number {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

/** Applies a printf-style float format like '%.4f', '%#.3g' with our implementation. */
function applyPercent(fmt: string, x: number): string {
  const m = /^%(#?)\.(\d+)([efg])$/.exec(fmt);
  if (!m) throw new Error('bad format ' + fmt);
  const p = Number(m[2]);
  if (m[3] === 'f') return formatFixed(x, p);
  if (m[3] === 'e') return formatExp(x, p);
  return formatGeneral(x, p, m[1] === '#');
}

interface NumfmtVectors {
  formats: string[];
  rows: [string, string, string[]][];
}

const vectors: NumfmtVectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/format/numfmt_vectors.json'), 'utf8'),
);

describe('numfmt: exact Python float formatting', () => {
  describe('documented examples', () => {
    it('formatFixed rounds the exact binary value, half-even only on exact ties', () => {
      assert.strictEqual(formatFixed(0.125, 2), '0.12');
      assert.strictEqual(formatFixed(0.375, 2), '0.38');
      assert.strictEqual(formatFixed(0.03125, 4), '0.0312');
      assert.strictEqual(formatFixed(0.25, 1), '0.2');
      assert.strictEqual(formatFixed(2.5, 0), '2');
      assert.strictEqual(formatFixed(3.5, 0), '4');
      assert.strictEqual(formatFixed(0.5, 0), '0');
      assert.strictEqual(formatFixed(0.015, 2), '0.01'); // 0.015 is below the tie in binary
      assert.strictEqual(formatFixed(1.005, 2), '1.00');
      assert.strictEqual(formatFixed(2.675, 2), '2.67');
      assert.strictEqual(formatFixed(-2.5, 0), '-2');
    });
    it('formatFixed special values and signs', () => {
      assert.strictEqual(formatFixed(-0, 4), '-0.0000');
      assert.strictEqual(formatFixed(-0.00001, 4), '-0.0000');
      assert.strictEqual(formatFixed(NaN, 4), 'nan');
      assert.strictEqual(formatFixed(Infinity, 4), 'inf');
      assert.strictEqual(formatFixed(-Infinity, 0), '-inf');
      assert.strictEqual(formatFixed(1e22, 1), '10000000000000000000000.0');
      assert.strictEqual(formatFixed(5e-324, 2), '0.00');
    });
    it('formatExp', () => {
      assert.strictEqual(formatExp(1e-5, 4), '1.0000e-05');
      assert.strictEqual(formatExp(123456789, 4), '1.2346e+08');
      assert.strictEqual(formatExp(0, 4), '0.0000e+00');
      assert.strictEqual(formatExp(-0, 4), '-0.0000e+00');
      assert.strictEqual(formatExp(1.25, 1), '1.2e+00');
      assert.strictEqual(formatExp(125, 1), '1.2e+02');
      assert.strictEqual(formatExp(135, 1), '1.4e+02');
      assert.strictEqual(formatExp(9.5, 0), '1e+01');
      assert.strictEqual(formatExp(1e300, 2), '1.00e+300');
      assert.strictEqual(formatExp(5e-324, 3), '4.941e-324');
      assert.strictEqual(formatExp(NaN, 4), 'nan');
      assert.strictEqual(formatExp(-Infinity, 4), '-inf');
    });
    it('formatGeneral', () => {
      assert.strictEqual(formatGeneral(0.0001, 6), '0.0001');
      assert.strictEqual(formatGeneral(0.00001, 6), '1e-05');
      assert.strictEqual(formatGeneral(123456, 6), '123456');
      assert.strictEqual(formatGeneral(1234567, 6), '1.23457e+06');
      assert.strictEqual(formatGeneral(1.5, 0), '2');
      assert.strictEqual(formatGeneral(0, 6, true), '0.00000');
      assert.strictEqual(formatGeneral(1, 3, true), '1.00');
    });
    it('pyFloatRepr', () => {
      const cases: [number, string][] = [
        [1e-5, '1e-05'],
        [1e16, '1e+16'],
        [1e15, '1000000000000000.0'],
        [1.5, '1.5'],
        [2.0, '2.0'],
        [100.0, '100.0'],
        [Math.fround(1.1), '1.100000023841858'],
        [Math.fround(2.2), '2.200000047683716'],
        [0.1, '0.1'],
        [0.0001, '0.0001'],
        [1.5e-5, '1.5e-05'],
        [Infinity, 'inf'],
        [-Infinity, '-inf'],
        [NaN, 'nan'],
        [-0, '-0.0'],
        [0, '0.0'],
        [5e-324, '5e-324'],
        [1.7976931348623157e308, '1.7976931348623157e+308'],
        [123456789012345680, '1.2345678901234568e+17'],
        [2 ** 53, '9007199254740992.0'],
      ];
      for (const [x, s] of cases) assert.strictEqual(pyFloatRepr(x), s, String(x));
    });
    it('PyOS_double_to_string flags', () => {
      assert.strictEqual(pyDoubleToString(1.0, 'g', 3, { addDot0: true }), '1.0');
      assert.strictEqual(pyDoubleToString(100.0, 'g', 3, { addDot0: true }), '1e+02');
      assert.strictEqual(pyDoubleToString(1.5, 'g', 0, { alt: true, addDot0: true }), '2.e+00');
      assert.strictEqual(pyDoubleToString(1.5, 'E', 2, { sign: true }), '+1.50E+00');
      assert.strictEqual(pyDoubleToString(-0.0001, 'f', 2, { noNegZero: true }), '0.00');
      assert.strictEqual(pyDoubleToString(-0.01, 'f', 2, { noNegZero: true }), '-0.01');
      assert.strictEqual(pyDoubleToString(Infinity, 'F', 2), 'INF');
    });
  });

  describe(`${vectors.rows.length} doubles x ${vectors.formats.length} formats generated by CPython 3.11`, () => {
    it('printf-style %f / %e / %g / %#g match', () => {
      let checked = 0;
      const failures: string[] = [];
      for (const [enc, , outs] of vectors.rows) {
        const x = parsePyFloat(enc);
        vectors.formats.forEach((fmt, i) => {
          const got = applyPercent(fmt, x);
          checked++;
          if (got !== outs[i] && failures.length < 20) failures.push(`${fmt} % ${enc}: got ${got}, want ${outs[i]}`);
        });
      }
      assert.deepStrictEqual(failures, []);
      assert.ok(checked > 20000);
    });
    it('repr matches', () => {
      for (const [enc, rep] of vectors.rows) assert.strictEqual(pyFloatRepr(parsePyFloat(enc)), rep);
    });
  });

  describe('fast path agrees with exact arithmetic', () => {
    // deterministic xorshift so the test is reproducible
    let s = 0x9e3779b9;
    const rnd = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 4294967296;
    };
    it('significantDigits of random values equals a BigInt reference', () => {
      for (let i = 0; i < 3000; i++) {
        const x = (rnd() + rnd() * 2 ** -30) * 10 ** Math.floor(rnd() * 40 - 20);
        const n = 1 + Math.floor(rnd() * 17);
        const got = significantDigits(x, n);
        const ref = referenceSig(x, n);
        assert.deepStrictEqual(got, ref, `${x} ${n}`);
      }
    });
    it('fixed formatting of dyadic ties equals a BigInt reference', () => {
      for (let i = 0; i < 3000; i++) {
        const k = 1 + Math.floor(rnd() * 20);
        const x = Math.floor(rnd() * 2 ** 20) / 2 ** k;
        const p = Math.floor(rnd() * 12);
        assert.strictEqual(formatFixed(x, p), referenceFixed(x, p), `${x} ${p}`);
      }
    });
  });

  describe('float32 shortest digits (NumPy float32 repr)', () => {
    it('gives the shortest digits that round-trip through float32', () => {
      const cases: [number, string, number][] = [
        [0.1, '1', 0],
        [1.1, '11', 1],
        [3.4028234663852886e38, '34028235', 39],
        [1e-45, '1', -44],
        [0.3, '3', 0],
        [16777216, '16777216', 8],
        [1 / 3, '33333334', 0],
      ];
      for (const [v, digits, decpt] of cases) {
        assert.deepStrictEqual(shortestDigitsFloat32(Math.fround(v)), { digits, decpt }, String(v));
      }
    });
    it('every result reads back as the same float32 and no shorter string does', () => {
      let s2 = 12345;
      for (let i = 0; i < 2000; i++) {
        s2 = (s2 * 1103515245 + 12345) % 2147483648;
        const v = Math.fround((s2 / 2147483648) * 10 ** ((i % 20) - 10));
        if (v === 0) continue;
        const d = shortestDigitsFloat32(v);
        const str = `0.${d.digits}e${d.decpt}`;
        assert.strictEqual(Math.fround(Number(str)), v, `${v} -> ${str}`);
        if (d.digits.length > 1) {
          const n = d.digits.length - 1;
          const shorter = Number(v.toPrecision(n));
          const up = Number(`0.${(BigInt(d.digits.slice(0, n)) + 1n).toString()}e${d.decpt}`);
          assert.ok(Math.fround(shorter) !== v && Math.fround(up) !== v, `${v} could be shorter`);
        }
      }
    });
  });
});

// Plain BigInt references, independent of the implementation's fast paths.
function bits(x: number): { m: bigint; e: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const be = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (be === 0) return { m, e: -1074 };
  m |= 1n << 52n;
  return { m, e: be - 1075 };
}
function rhe(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = 2n * (num - q * den);
  return r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q;
}
function referenceFixed(x: number, p: number): string {
  const { m, e } = bits(x);
  const num = e >= 0 ? (m << BigInt(e)) * 10n ** BigInt(p) : m * 10n ** BigInt(p);
  const den = e >= 0 ? 1n : 1n << BigInt(-e);
  let s = rhe(num, den).toString();
  if (p === 0) return s;
  s = s.padStart(p + 1, '0');
  return s.slice(0, s.length - p) + '.' + s.slice(s.length - p);
}
function referenceSig(x: number, n: number): { digits: string; e10: number } {
  const { m, e } = bits(x);
  const num0 = e >= 0 ? m << BigInt(e) : m;
  const den0 = e >= 0 ? 1n : 1n << BigInt(-e);
  // find e10 with 10^e10 <= x < 10^(e10+1) by exact comparison
  let e10 = 0;
  const ge = (k: number): boolean => (k >= 0 ? num0 >= den0 * 10n ** BigInt(k) : num0 * 10n ** BigInt(-k) >= den0);
  while (ge(e10 + 1)) e10++;
  while (!ge(e10)) e10--;
  const sft = e10 - n + 1;
  const num = sft >= 0 ? num0 : num0 * 10n ** BigInt(-sft);
  const den = sft >= 0 ? den0 * 10n ** BigInt(sft) : den0;
  let N = rhe(num, den);
  if (N === 10n ** BigInt(n)) {
    N = 10n ** BigInt(n - 1);
    e10++;
  }
  return { digits: N.toString(), e10 };
}
