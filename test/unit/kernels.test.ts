import * as assert from 'assert';
import { Tensor } from '../../src/core';
import { binaryMap, expFloat32Array, sumFloat32Cascade, unaryMap } from '../../src/core/ops/kernels';
import { torchSumReference } from '../../src/core/ops/cascadeSum';
import { gemm } from '../../src/core/ops/linalg';
import type { DType } from '../../src/core/dtype';

/*
 * The kernels' dedicated loops must store exactly what the generic loop stores when it calls
 * the op's function per element. Each case runs the function itself (recognised, so it takes
 * the dedicated loop) and a wrapper whose text is not recognised (so it takes the generic
 * loop), and compares every element bit for bit (Object.is: -0 and NaN included).
 */

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, Infinity, -Infinity, NaN, 88.7, -103.9];

function values(n: number, dtype: DType): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (dtype === 'int64') out.push(Math.floor(rand() * 200) - 100);
    else if (dtype === 'bool') out.push(rand() < 0.5 ? 1 : 0);
    else if (i < SPECIAL.length && rand() < 0.5) out.push(SPECIAL[i]);
    else out.push((rand() - 0.5) * 20);
  }
  return out;
}

function make(shape: number[], dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  data.set(values(n, dtype));
  return Tensor.fromData(data, shape, dtype);
}

/** A strided view: the transpose of a 2-D tensor, or a slice with an offset. */
function transposed(t: Tensor): Tensor {
  return new Tensor(t.storage, t.dtype, [t.shape[1], t.shape[0]], [t.strides[1], t.strides[0]], t.offset);
}
function sliced(t: Tensor, from: number): Tensor {
  const n = t.shape[0] - from;
  return new Tensor(t.storage, t.dtype, [n, ...t.shape.slice(1)], t.strides.slice(), t.offset + from * t.strides[0]);
}

function sameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.deepStrictEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.strictEqual(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = actual.values();
  const e = expected.values();
  assert.strictEqual(a.length, e.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], e[i])) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

const al = 2.5;
const negAl = -0.75;
const BINARY: [string, (x: number, y: number) => number][] = [
  ['add', (x, y) => x + y],
  ['sub', (x, y) => x - y],
  ['mul', (x, y) => x * y],
  ['div', (x, y) => x / y],
  ['rsub', (x, y) => y - x],
  ['add alpha', (x, y) => x + al * y],
  ['sub alpha', (x, y) => x - al * y],
  ['sub negative alpha', (x, y) => x - negAl * y],
  ['maximum (generic)', Math.max],
];

/** Pairs of operand shapes / layouts covering each loop of binaryMap. */
const LAYOUTS: [string, () => [Tensor, Tensor]][] = [
  ['same shape', () => [make([7, 9], 'float32'), make([7, 9], 'float32')]],
  ['tensor ∘ scalar', () => [make([100], 'float32'), make([], 'float32')]],
  ['scalar ∘ tensor', () => [make([], 'float32'), make([100], 'float32')]],
  ['one-element ∘ tensor', () => [make([1, 1], 'float32'), make([5, 20], 'float32')]],
  ['row broadcast', () => [make([12, 10], 'float32'), make([10], 'float32')]],
  ['column broadcast', () => [make([12, 1], 'float32'), make([12, 10], 'float32')]],
  ['outer broadcast', () => [make([9, 1], 'float32'), make([1, 11], 'float32')]],
  ['transposed', () => [transposed(make([8, 6], 'float32')), make([6, 8], 'float32')]],
  ['offset slices', () => [sliced(make([12, 5], 'float32'), 3), sliced(make([10, 5], 'float32'), 1)]],
  ['3-D broadcast', () => [make([4, 1, 6], 'float32'), make([3, 1], 'float32')]],
  ['float64', () => [make([50], 'float64'), make([50], 'float64')]],
  ['float32 ∘ float64 scalar', () => [make([64], 'float32'), make([], 'float64')]],
  ['int64', () => [make([40], 'int64'), make([40], 'int64')]],
  ['one element', () => [make([1], 'float32'), make([], 'float32')]],
  ['empty', () => [make([0, 3], 'float32'), make([3], 'float32')]],
];

describe('kernels', () => {
  describe('binaryMap: dedicated loops store what the function would', () => {
    for (const [lname, layout] of LAYOUTS) {
      for (const [fname, f] of BINARY) {
        for (const out of ['float32', 'float64'] as DType[]) {
          it(`${fname}, ${lname}, into ${out}`, () => {
            const [a, b] = layout();
            const generic = (x: number, y: number) => f(x, y);
            sameBits(binaryMap(a, b, out, f), binaryMap(a, b, out, generic), `${fname} ${lname}`);
          });
        }
      }
    }
    it('a zero coefficient keeps the generic loop (the sign of zero)', () => {
      const zero = 0;
      const a = Tensor.fromData(new Float32Array(64).fill(-0), [64], 'float32');
      const b = make([64], 'float32');
      const r = binaryMap(a, b, 'float32', (x, y) => x - zero * y);
      sameBits(r, binaryMap(a, b, 'float32', (x, y) => [x - zero * y][0]), 'x - 0·y');
    });
  });

  describe('unaryMap: dedicated loops store what the function would', () => {
    const UNARY: [string, (x: number) => number][] = [
      ['neg', (x) => -x],
      ['relu', (x) => (x > 0 ? x : 0)],
      ['step', (x) => (x > 0 ? 1 : 0)],
      ['exp', Math.exp],
      ['tanh', Math.tanh],
      ['log', Math.log],
      ['sqrt', Math.sqrt],
      ['abs', Math.abs],
      ['sin', Math.sin],
      ['cos', Math.cos],
    ];
    for (const [fname, f] of UNARY) {
      for (const [inDt, outDt] of [
        ['float32', 'float32'],
        ['float64', 'float64'],
        ['float64', 'float32'],
        ['int64', 'float32'],
      ] as DType[][]) {
        it(`${fname}, ${inDt} → ${outDt}`, () => {
          const a = make([300], inDt);
          sameBits(unaryMap(a, outDt, f), unaryMap(a, outDt, (x) => f(x)), fname);
          const t = transposed(make([9, 7], inDt));
          sameBits(unaryMap(t, outDt, f), unaryMap(t, outDt, (x) => f(x)), `${fname} strided`);
        });
      }
    }
  });

  describe('float32 exp', () => {
    /** Runs the kernel's loop over xs and compares each result with Math.fround(Math.exp(x)). */
    function check(xs: Float32Array | Float64Array): void {
      const out = new Float32Array(xs.length);
      expFloat32Array(xs, out, xs.length);
      for (let i = 0; i < xs.length; i++) {
        const want = Math.fround(Math.exp(xs[i]));
        if (!Object.is(out[i], want)) assert.fail(`exp(${xs[i]}): ${out[i]}, expected ${want}`);
      }
    }
    it('equals Math.fround(Math.exp(x)) on 2,000,000 float32 values across its range', () => {
      const xs = new Float32Array(2_000_000);
      // uniform in [-110, 95] and log-uniform near 0
      for (let i = 0; i < xs.length; i++) xs[i] = i % 2 ? (rand() - 0.54) * 205 : (rand() - 0.5) * Math.pow(2, rand() * 12 - 8);
      check(xs);
    });
    it('at the ends of the range, special values, and float64 inputs', () => {
      const xs = [...SPECIAL, -104, -103.97, -103.96, -87.34, -87.33, 88.72, 88.7228, 88.73, 89, -0.0, 1e-30, -1e-30];
      for (let b = 0; b < 4096; b++) xs.push(Math.fround(88.72283935546875 - b * 1e-5), Math.fround(-103.97 + b * 1e-5));
      check(Float32Array.from(xs));
      const doubles = new Float64Array(100_000);
      for (let i = 0; i < doubles.length; i++) doubles[i] = (rand() - 0.5) * 200;
      check(doubles);
    });
    it('unaryMap(·, float32, Math.exp) takes the same values', () => {
      const a = make([100_000], 'float32');
      sameBits(unaryMap(a, 'float32', Math.exp), unaryMap(a, 'float32', (x) => Math.exp(x)), 'exp 1e5');
    });
  });

  describe('float32 cascade sum', () => {
    it('equals the lane-by-lane reference (cascadeSum.ts) for every length 8..600 and at offsets', () => {
      const v = Float32Array.from(values(5000, 'float32').map((x) => (Number.isFinite(x) ? x : 1.5)));
      for (let n = 8; n <= 600; n++) {
        for (const start of [0, 3]) {
          const want = torchSumReference(v, start, n);
          const got = sumFloat32Cascade(v, start, n);
          if (!Object.is(got, want)) assert.fail(`n=${n} start=${start}: ${got}, expected ${want}`);
        }
      }
    });
    it('equals it across cascade levels (lengths up to 3,000,000) and with special values', () => {
      const big = new Float32Array(3_000_000);
      for (let i = 0; i < big.length; i++) big[i] = (rand() - 0.3) * Math.pow(2, rand() * 20 - 10);
      for (const n of [1023, 1024, 4096 * 8 + 5, 65536 * 4, 131071 * 8, 1_000_000, 2_999_999]) {
        assert.ok(Object.is(sumFloat32Cascade(big, 1, n), torchSumReference(big, 1, n)), `n=${n}`);
      }
      const special = Float32Array.from(values(777, 'float32'));
      special[100] = Infinity;
      assert.ok(Object.is(sumFloat32Cascade(special, 0, 777), torchSumReference(special, 0, 777)), 'inf');
      special[200] = NaN;
      assert.ok(Object.is(sumFloat32Cascade(special, 0, 777), torchSumReference(special, 0, 777)), 'nan');
      const zeros = new Float32Array(64).fill(-0);
      assert.ok(Object.is(sumFloat32Cascade(zeros, 0, 64), torchSumReference(zeros, 0, 64)), '-0');
    });
  });

  describe('gemm', () => {
    /**
     * The definition: for each output a sum over k ascending, float32 rounding after each
     * multiply-add; multiply-adds with a zero entry of A skipped (as the kernel always has: it
     * matters only for 0·∞ and 0·NaN).
     */
    function reference(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, f32: boolean): number[] {
      const out: number[] = [];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) {
            const x = a[i * k + p];
            if (x === 0) continue;
            acc = f32 ? Math.fround(acc + x * b[p * n + j]) : acc + x * b[p * n + j];
          }
          out.push(acc);
        }
      }
      return out;
    }
    const SHAPES = [
      [1, 1, 1],
      [1, 7, 1],
      [3, 4, 5],
      [5, 3, 1],
      [1, 13, 9],
      [17, 33, 19],
      [64, 64, 64],
      [70, 129, 67],
      [4, 300, 6],
      [0, 3, 4],
      [3, 0, 4],
    ];
    for (const [m, k, n] of SHAPES) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        it(`${m}×${k} · ${k}×${n} ${dtype}`, () => {
          const a = make([m * k], dtype).values();
          const b = make([k * n], dtype).values();
          // some exact zeros in A (the old kernel skipped them; the result must not depend on it)
          for (let i = 0; i < a.length; i += 7) a[i] = 0;
          const got = Array.from(gemm(a, b, m, k, n, dtype) as ArrayLike<number>);
          const want = reference(a, b, m, k, n, dtype === 'float32').map((v) => (dtype === 'float32' ? Math.fround(v) : v));
          assert.strictEqual(got.length, want.length);
          for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`element ${i}: ${got[i]}, expected ${want[i]}`);
        });
      }
    }
    it('zero entries of A against infinite and NaN entries of B', () => {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const a = make([9 * 6], dtype).values();
        const b = make([6 * 7], dtype).values();
        a[3] = 0;
        a[10] = -0;
        b[3 * 7 + 2] = Infinity;
        b[5] = NaN;
        b[4 * 7] = -Infinity;
        const got = Array.from(gemm(a, b, 9, 6, 7, dtype) as ArrayLike<number>);
        const want = reference(a, b, 9, 6, 7, dtype === 'float32');
        for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${dtype} element ${i}: ${got[i]}, expected ${want[i]}`);
      }
    });
    it('products too large to pack take the row loop, with the same results', () => {
      const k = (1 << 22) + 3; // A and B together just over the packing limit
      for (const dtype of ['float32'] as DType[]) {
        const a = dtype === 'float32' ? new Float32Array(k) : new Float64Array(k);
        const b = dtype === 'float32' ? new Float32Array(k) : new Float64Array(k);
        for (let i = 0; i < k; i++) {
          a[i] = ((i * 7919) % 1000) / 997 - 0.5;
          b[i] = ((i * 104729) % 1000) / 991 - 0.5;
        }
        const got = Array.from(gemm(a, b, 1, k, 1, dtype) as ArrayLike<number>);
        assert.deepStrictEqual(got, reference(a, b, 1, k, 1, dtype === 'float32'));
      }
    });
    it('reads strided-free subarrays (bmm passes views into a larger buffer)', () => {
      const big = make([2 * 6 * 5], 'float32').values() as Float32Array;
      const a = big.subarray(30, 60);
      const b = make([5 * 4], 'float32').values();
      const got = Array.from(gemm(a, b, 6, 5, 4, 'float32') as ArrayLike<number>);
      assert.deepStrictEqual(got, reference(a, b, 6, 5, 4, true));
    });
  });
});
