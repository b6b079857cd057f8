import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { DType } from '../../src/core/dtype';
import { formatNumpyArray } from '../../src/core/format/numpyRepr';
import {
  applySetPrintOptions,
  defaultPrintOptions,
  formatTensor,
  formatTensorBody,
  type PrintOptions,
  type ReprInput,
} from '../../src/core/format/tensorRepr';

// Every expected string below was printed by real PyTorch 1.13.1; each one is also checked to
// occur verbatim in the oracle's stdout, so a typo in a transcription fails loudly.
const oracleStdout: string = fs
  .readFileSync(path.join(__dirname, '../fixtures/oracle/public.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { cells: { stdout: string }[] }).cells.map((c) => c.stdout).join('\n'))
  .join('\n');

const D = defaultPrintOptions();

function storeAs(dtype: DType, data: number[]): number[] {
  return dtype === 'float32' ? data.map(Math.fround) : data.slice();
}
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A float32 tensor by default; data are rounded to float32 as a real float32 tensor stores them. */
function T(shape: number[], data: number[], extra: Partial<ReprInput> = {}): ReprInput {
  const dtype = extra.dtype ?? 'float32';
  assert.strictEqual(data.length, numel(shape), 'test data length');
  return { shape, dtype, ...extra, data: storeAs(dtype, data) };
}
const arange = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const linspace = (a: number, b: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.fround(a + ((b - a) * i) / (n - 1)));

function check(t: ReprInput, expected: string, opts: PrintOptions = D): void {
  assert.ok(oracleStdout.includes(expected), `expected string not found in the oracle: ${expected}`);
  assert.strictEqual(formatTensor(t, opts), expected);
}

describe('tensorRepr: torch 1.13 tensor repr', () => {
  describe('print options', () => {
    it('defaults and profiles', () => {
      assert.deepStrictEqual(D, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
      assert.deepStrictEqual(applySetPrintOptions(D, { profile: 'short' }), { ...D, precision: 2, edgeitems: 2 });
      assert.deepStrictEqual(applySetPrintOptions(D, { profile: 'full' }), { ...D, threshold: Infinity });
      const custom = applySetPrintOptions(D, { precision: 7, linewidth: 40 });
      assert.deepStrictEqual(applySetPrintOptions(custom, { profile: 'default' }), D);
      assert.deepStrictEqual(applySetPrintOptions(D, { profile: 'short', precision: 6 }).precision, 6);
    });
    it('sci_mode is reset unless passed, other options are kept', () => {
      const a = applySetPrintOptions(D, { sciMode: true, precision: 3 });
      assert.strictEqual(a.sciMode, true);
      const b = applySetPrintOptions(a, { linewidth: 100 });
      assert.deepStrictEqual(b, { ...D, precision: 3, linewidth: 100, sciMode: null });
      assert.strictEqual(applySetPrintOptions(a, { sciMode: false }).sciMode, false);
    });
  });

  describe('repr category of the oracle', () => {
    it('repr_4d', () => {
      check(
        T([2, 2, 2, 2], arange(16)),
        'tensor([[[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]],\n\n\n        [[[ 8.,  9.],\n          [10., 11.]],\n\n         [[12., 13.],\n          [14., 15.]]]])',
      );
    });
    it('repr_bool_tensors', () => {
      check(T([3], [1, 0, 1], { dtype: 'bool' }), 'tensor([ True, False,  True])');
      check(T([2, 1], [1, 0], { dtype: 'bool' }), 'tensor([[ True],\n        [False]])');
      check(T([], [2], { dtype: 'int64' }), 'tensor(2)');
    });
    it('repr_empty_shapes', () => {
      check(T([2, 0], []), 'tensor([], size=(2, 0))');
      check(T([0, 3], []), 'tensor([], size=(0, 3))');
      check(T([0], [], { dtype: 'float64' }), 'tensor([], dtype=torch.float64)');
      check(T([0], [], { dtype: 'int64' }), 'tensor([], dtype=torch.int64)');
    });
    it('repr_float64_suffix', () => {
      check(T([2], [1, 2], { dtype: 'float64' }), 'tensor([1., 2.], dtype=torch.float64)');
      check(
        T([2], [1, 2], { dtype: 'float64', requiresGrad: true }),
        'tensor([1., 2.], dtype=torch.float64, requires_grad=True)',
      );
      check(
        T([1], [4.5], { dtype: 'float64', gradFn: 'MulBackward0' }),
        'tensor([4.5000], dtype=torch.float64, grad_fn=<MulBackward0>)',
      );
      check(T([], [0.5], { dtype: 'float64' }), 'tensor(0.5000, dtype=torch.float64)');
    });
    it('repr_grad_attribute', () => {
      check(T([3], [2, 4, 6]), 'tensor([2., 4., 6.])');
    });
    it('repr_large_integral', () => {
      check(T([2], [100000, 1]), 'tensor([1.0000e+05, 1.0000e+00])');
      check(T([1], [99999999]), 'tensor([100000000.])'); // float32 rounds 99999999 up to 1e8
      check(T([1], [100000000]), 'tensor([100000000.])');
      check(T([2], [123456, 7]), 'tensor([1.2346e+05, 7.0000e+00])');
    });
    it('repr_linewidth_wrap', () => {
      check(
        T([30], arange(30)),
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n        28., 29.])',
      );
      check(
        T([20], linspace(0, 1, 20)),
        'tensor([0.0000, 0.0526, 0.1053, 0.1579, 0.2105, 0.2632, 0.3158, 0.3684, 0.4211,\n        0.4737, 0.5263, 0.5789, 0.6316, 0.6842, 0.7368, 0.7895, 0.8421, 0.8947,\n        0.9474, 1.0000])',
      );
      check(
        T([40], arange(40), { dtype: 'int64' }),
        'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n        36, 37, 38, 39])',
      );
    });
    it('repr_mixed_decimals', () => {
      check(T([3], [1.5, 2.0, 3.25]), 'tensor([1.5000, 2.0000, 3.2500])');
      check(T([3], [0.1, 0.2, 0.3]), 'tensor([0.1000, 0.2000, 0.3000])');
      check(T([3], [-1.5, 2.25, -100.125]), 'tensor([  -1.5000,    2.2500, -100.1250])');
    });
    it('repr_nan_inf', () => {
      check(T([4], [NaN, Infinity, -Infinity, 1.0]), 'tensor([nan, inf, -inf, 1.])');
      check(T([1], [NaN]), 'tensor([nan])');
      check(T([2], [Infinity, 2.5]), 'tensor([   inf, 2.5000])');
      check(T([3], [0.0, NaN, 1e-6]), 'tensor([0.0000e+00,        nan, 1.0000e-06])');
    });
    it('repr_precision_rounding', () => {
      check(T([1], [0.12345678]), 'tensor([0.1235])');
      check(T([1], [0.99999]), 'tensor([1.0000])');
      check(T([2], [2.00004, 1.0]), 'tensor([2.0000, 1.0000])');
      check(T([5], [0.5, 0.25, 0.125, 0.0625, 0.03125]), 'tensor([0.5000, 0.2500, 0.1250, 0.0625, 0.0312])');
    });
    it('repr_printoptions_linewidth', () => {
      const o40 = applySetPrintOptions(D, { linewidth: 40 });
      check(
        T([20], arange(20)),
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,\n         6.,  7.,  8.,  9., 10., 11.,\n        12., 13., 14., 15., 16., 17.,\n        18., 19.])',
        o40,
      );
      const o80 = applySetPrintOptions(o40, { linewidth: 80 });
      check(
        T([20], arange(20)),
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])',
        o80,
      );
    });
    it('repr_printoptions_profiles', () => {
      const x = T([2], [1.123456789, 2.0]);
      let o = applySetPrintOptions(D, { profile: 'short' });
      check(x, 'tensor([1.12, 2.00])', o);
      o = applySetPrintOptions(o, { profile: 'full' });
      check(x, 'tensor([1.1235, 2.0000])', o);
      o = applySetPrintOptions(o, { profile: 'default' });
      check(x, 'tensor([1.1235, 2.0000])', o);
    });
    it('repr_printoptions_sci_mode (forced False keeps the width computed for sci)', () => {
      let o = applySetPrintOptions(D, { sciMode: true });
      check(T([2], [1.5, 250.0]), 'tensor([1.5000e+00, 2.5000e+02])', o);
      o = applySetPrintOptions(o, { sciMode: false });
      check(T([2], [1e-6, 1.0]), 'tensor([    0.0000,     1.0000])', o);
      o = applySetPrintOptions(o, { sciMode: null });
      check(T([2], [1e-6, 1.0]), 'tensor([1.0000e-06, 1.0000e+00])', o);
    });
    it('repr_printoptions_threshold (summarisation with edgeitems=2)', () => {
      const o = applySetPrintOptions(D, { threshold: 5, edgeitems: 2 });
      check(T([10], arange(10), { dtype: 'int64' }), 'tensor([0, 1,  ..., 8, 9])', o);
      check(T([5], arange(5), { dtype: 'int64' }), 'tensor([0, 1, 2, 3, 4])', o);
      check(
        T([6, 6], arange(36)),
        'tensor([[ 0.,  1.,  ...,  4.,  5.],\n        [ 6.,  7.,  ..., 10., 11.],\n        ...,\n        [24., 25.,  ..., 28., 29.],\n        [30., 31.,  ..., 34., 35.]])',
        o,
      );
      check(
        T([10], arange(10), { dtype: 'int64' }),
        'tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])',
        applySetPrintOptions(o, { profile: 'default' }),
      );
    });
    it('repr_randn_2d (values as printed)', () => {
      check(
        T([2, 3], [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986]),
        'tensor([[ 1.5410, -0.2934, -2.1788],\n        [ 0.5684, -1.0845, -1.3986]])',
      );
      check(T([3, 1], [40.3347, 83.8026, -71.9258]), 'tensor([[ 40.3347],\n        [ 83.8026],\n        [-71.9258]])');
    });
    it('repr_ratio_threshold (ratios computed in double from float32 values)', () => {
      check(T([2], [0.001, 1.0]), 'tensor([0.0010, 1.0000])');
      check(T([2], [0.001, 1.001]), 'tensor([1.0000e-03, 1.0010e+00])');
      check(T([2], [0.5, 500.0]), 'tensor([  0.5000, 500.0000])');
      check(T([2], [0.5, 501.0]), 'tensor([5.0000e-01, 5.0100e+02])');
      check(T([2], [0.001, 1000.0]), 'tensor([1.0000e-03, 1.0000e+03])');
    });
    it('repr_requires_grad_suffix', () => {
      check(T([2], [1, 2], { requiresGrad: true }), 'tensor([1., 2.], requires_grad=True)');
      check(T([2], [2, 4], { gradFn: 'MulBackward0' }), 'tensor([2., 4.], grad_fn=<MulBackward0>)');
      check(T([], [3], { gradFn: 'SumBackward0' }), 'tensor(3., grad_fn=<SumBackward0>)');
      check(T([2, 2], [2, 3, 4, 5], { gradFn: 'AddBackward0' }), 'tensor([[2., 3.],\n        [4., 5.]], grad_fn=<AddBackward0>)');
      // grad_fn wins over requires_grad
      assert.strictEqual(
        formatTensor(T([1], [2], { gradFn: 'MulBackward0', requiresGrad: true }), D),
        'tensor([2.], grad_fn=<MulBackward0>)',
      );
    });
    it('repr_sci_large', () => {
      check(T([2], [1e8, 1.0]), 'tensor([1.0000e+08, 1.0000e+00])');
      check(T([1], [123456789.0]), 'tensor([1.2346e+08])');
      check(T([2], [1000.0, 1.5]), 'tensor([1000.0000,    1.5000])');
      check(T([2], [1001.0, 0.5]), 'tensor([1.0010e+03, 5.0000e-01])');
      check(T([1], [1e10]), 'tensor([1.0000e+10])');
    });
    it('repr_sci_small', () => {
      check(T([2], [0.0001, 1.0]), 'tensor([1.0000e-04, 1.0000e+00])');
      check(T([2], [0.00001, 1.0]), 'tensor([1.0000e-05, 1.0000e+00])');
      check(T([1], [1e-5]), 'tensor([1.0000e-05])');
      check(T([1], [0.00012345]), 'tensor([0.0001])');
    });
    it('repr_str_vs_repr', () => {
      check(T([2], [1, 2.5], { requiresGrad: true }), 'tensor([1.0000, 2.5000], requires_grad=True)');
    });
    it('repr_summarize_1d', () => {
      const full = formatTensor(T([1000], arange(1000), { dtype: 'int64' }), D);
      assert.ok(oracleStdout.includes(full));
      assert.ok(full.startsWith('tensor([  0,   1,   2,   3,'));
      assert.ok(full.endsWith('\n        994, 995, 996, 997, 998, 999])'));
      assert.strictEqual(full.split('\n').length, 72);
      check(T([1001], arange(1001), { dtype: 'int64' }), 'tensor([   0,    1,    2,  ...,  998,  999, 1000])');
      check(
        T([2000], arange(2000)),
        'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
      );
    });
    it('repr_zero_dim', () => {
      check(T([], [2.5]), 'tensor(2.5000)');
      check(T([], [3]), 'tensor(3.)');
      check(T([], [7], { dtype: 'int64' }), 'tensor(7)');
      check(T([], [1e-10]), 'tensor(1.0000e-10)');
      check(T([], [-0.5], { requiresGrad: true }), 'tensor(-0.5000, requires_grad=True)');
      check(T([], [2], { dtype: 'float64' }), 'tensor(2., dtype=torch.float64)');
    });
  });

  describe('reprs from the other oracle categories', () => {
    it('scalars computed in float32', () => {
      check(T([], [4 + 12 + Math.exp(2)]), 'tensor(23.3891)'); // 2a + 3a^2 + e^a at a = 2
      check(T([], [Math.E]), 'tensor(2.7183)');
      check(T([], [2 * Math.E]), 'tensor(5.4366)');
      check(T([], [3 * Math.E]), 'tensor(8.1548)');
      check(T([], [-1.25], { gradFn: 'MeanBackward0' }), 'tensor(-1.2500, grad_fn=<MeanBackward0>)');
      check(T([], [Math.exp(6)], { gradFn: 'ExpBackward0' }), 'tensor(403.4288, grad_fn=<ExpBackward0>)');
      check(T([], [-22.5]), 'tensor(-22.5000)');
      check(T([], [1], { dtype: 'int64' }), 'tensor(1)');
      check(T([], [7], { gradFn: 'MaxBackward1' }), 'tensor(7., grad_fn=<MaxBackward1>)');
      check(T([], [5 / 3], { gradFn: 'VarBackward0' }), 'tensor(1.6667, grad_fn=<VarBackward0>)');
    });
    it('1-D with signs, zeros and widths', () => {
      check(T([3], [-1, -0.25, -0.0625]), 'tensor([-1.0000, -0.2500, -0.0625])');
      check(T([2], [2, -6]), 'tensor([ 2., -6.])');
      check(T([3], [256, -512, 1024], { gradFn: 'MulBackward0' }), 'tensor([ 256., -512., 1024.], grad_fn=<MulBackward0>)');
      check(T([3], [51.2, 512, 0.0512]), 'tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])');
      check(T([3], [0.2, 2, 0.0002]), 'tensor([2.0000e-01, 2.0000e+00, 2.0000e-04])');
      check(T([3], [100, 2, 3], { requiresGrad: true }), 'tensor([100.,   2.,   3.], requires_grad=True)');
      check(T([3], [10, 2, 2]), 'tensor([10.,  2.,  2.])');
      check(T([3], [0, 0.9803, 29.6625]), 'tensor([ 0.0000,  0.9803, 29.6625])');
      check(T([3], [-Math.log(2), 0, Math.log(2)], { gradFn: 'LogBackward0' }), 'tensor([-0.6931,  0.0000,  0.6931], grad_fn=<LogBackward0>)');
      check(T([5], [-2, -0, 0, 2, 3], { gradFn: 'RoundBackward0' }), 'tensor([-2., -0.,  0.,  2.,  3.], grad_fn=<RoundBackward0>)');
      check(T([5], [-1, -0, 1, 2, 3], { gradFn: 'CeilBackward0' }), 'tensor([-1., -0.,  1.,  2.,  3.], grad_fn=<CeilBackward0>)');
      check(T([5], [0, 0, 0, 0, 0]), 'tensor([0., 0., 0., 0., 0.])');
      check(
        T([3], [3155.96, -600.9424, -4462.1606], { gradFn: 'MulBackward0' }),
        'tensor([ 3155.9600,  -600.9424, -4462.1606], grad_fn=<MulBackward0>)',
      );
      check(T([3], [204.8, 2048, 0.2048]), 'tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])');
      check(T([3], [0.9347, 8.5152, 0.0089]), 'tensor([0.9347, 8.5152, 0.0089])');
      check(T([2], [7, 7], { dtype: 'int64' }), 'tensor([7, 7])');
      check(T([6], [2, 5, 3, 0, 1, 4], { dtype: 'int64' }), 'tensor([2, 5, 3, 0, 1, 4])');
      check(T([3], [1, 1, 1], { dtype: 'bool' }), 'tensor([True, True, True])');
      check(T([3], [1, 2, 3], { dtype: 'float64' }), 'tensor([1., 2., 3.], dtype=torch.float64)');
      check(T([3], [1.541, -0.2934, -2.1788], { dtype: 'float64' }), 'tensor([ 1.5410, -0.2934, -2.1788], dtype=torch.float64)');
      check(T([1], [-0.2], { requiresGrad: true }), 'tensor([-0.2000], requires_grad=True)');
    });
    it('set_default_dtype(float64): float64 shows no suffix', () => {
      check(T([2], [1.5, 2.0], { dtype: 'float64', defaultFloatDtype: 'float64' }), 'tensor([1.5000, 2.0000])');
      assert.strictEqual(
        formatTensor(T([2], [1.5, 2.0], { defaultFloatDtype: 'float64' }), D),
        'tensor([1.5000, 2.0000], dtype=torch.float32)',
      );
      assert.strictEqual(formatTensor(T([0], [], { defaultFloatDtype: 'float64' }), D), 'tensor([], dtype=torch.float32)');
      assert.strictEqual(formatTensor(T([0], [], { dtype: 'bool' }), D), 'tensor([], dtype=torch.bool)');
      assert.strictEqual(formatTensor(T([2], [1, 2], { dtype: 'int32' }), D), 'tensor([1, 2], dtype=torch.int32)');
    });
    it('randn rows wrap 8 per line', () => {
      check(
        T([15], [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986, 0.4033, 0.838, -0.7193, -0.4033, -0.5966, 0.182, -0.8567, 1.1006, -1.0712]),
        'tensor([ 1.5410, -0.2934, -2.1788,  0.5684, -1.0845, -1.3986,  0.4033,  0.8380,\n        -0.7193, -0.4033, -0.5966,  0.1820, -0.8567,  1.1006, -1.0712])',
      );
      check(
        T([17], [-1.1258, -1.6959, 0.5667, 0.7935, 0.5988, -1.5551, -0.3414, 1.853, 0.4681, -0.5855, -0.1734, 0.1835, 1.3894, 1.5863, 0.9463, -0.8437, 0.9318]),
        'tensor([-1.1258, -1.6959,  0.5667,  0.7935,  0.5988, -1.5551, -0.3414,  1.8530,\n         0.4681, -0.5855, -0.1734,  0.1835,  1.3894,  1.5863,  0.9463, -0.8437,\n         0.9318])',
      );
    });
    it('2-D and 3-D', () => {
      check(T([2, 2], [2, 4, 6, 8]), 'tensor([[2., 4.],\n        [6., 8.]])');
      check(T([2, 1, 3], [6, 6, 6, 6, 6, 6]), 'tensor([[[6., 6., 6.]],\n\n        [[6., 6., 6.]]])');
      check(T([2, 3], [1, 10, 100, 1, 10, 100]), 'tensor([[  1.,  10., 100.],\n        [  1.,  10., 100.]])');
      check(T([2, 3], [0, 0, 0, 0, 0, 0], { dtype: 'int64' }), 'tensor([[0, 0, 0],\n        [0, 0, 0]])');
      check(T([2, 2], [1, 1, 1, 1], { dtype: 'float64' }), 'tensor([[1., 1.],\n        [1., 1.]], dtype=torch.float64)');
      check(T([2, 2], [1, 1, 1, 1], { dtype: 'bool' }), 'tensor([[True, True],\n        [True, True]])');
      check(
        T([2, 2, 2], [10, 13, 28, 40, 46, 67, 64, 94]),
        'tensor([[[10., 13.],\n         [28., 40.]],\n\n        [[46., 67.],\n         [64., 94.]]])',
      );
      check(
        T([3, 2], [1, 0.6, 1.6, 2, 2.2, 3.4], { gradFn: 'AddBackward0' }),
        'tensor([[1.0000, 0.6000],\n        [1.6000, 2.0000],\n        [2.2000, 3.4000]], grad_fn=<AddBackward0>)',
      );
      check(T([2, 2], [0.0018, 0.0009, 0.0892, -0.2675]), 'tensor([[ 0.0018,  0.0009],\n        [ 0.0892, -0.2675]])');
      check(T([2, 1], [6, 15], { gradFn: 'SumBackward1' }), 'tensor([[ 6.],\n        [15.]], grad_fn=<SumBackward1>)');
      check(T([1, 3], [-1.4644, -0.4644, -1.9644], { gradFn: 'LogSoftmaxBackward0' }), 'tensor([[-1.4644, -0.4644, -1.9644]], grad_fn=<LogSoftmaxBackward0>)');
      check(
        T([3, 4], [0.2961, 0.5166, 0.2517, 0.6886, 0.074, 0.8665, 0.1366, 0.1025, 0.1841, 0.7264, 0.3153, 0.6871]),
        'tensor([[0.2961, 0.5166, 0.2517, 0.6886],\n        [0.0740, 0.8665, 0.1366, 0.1025],\n        [0.1841, 0.7264, 0.3153, 0.6871]])',
      );
    });
    it('Parameter containing: is a prefix on the plain repr', () => {
      const expected = 'Parameter containing:\ntensor([[-0.7011, -0.5578],\n        [-0.3029, -0.6690]], requires_grad=True)';
      assert.ok(oracleStdout.includes(expected));
      assert.strictEqual(
        'Parameter containing:\n' + formatTensor(T([2, 2], [-0.7011, -0.5578, -0.3029, -0.669], { requiresGrad: true }), D),
        expected,
      );
    });
  });

  describe('rules without an oracle case (from torch/_tensor_str.py)', () => {
    it('a suffix that would overflow the line goes on a new line indented by 7', () => {
      assert.strictEqual(
        formatTensor(T([14], arange(14), { requiresGrad: true }), D),
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n       requires_grad=True)',
      );
      // 13 elements fit: 8 + 13*3 + 12*2 + 1 = 72 chars, +2 (rfind quirk) +18 +2 = 94 > 80 → new line too
      assert.strictEqual(
        formatTensor(T([4], arange(4), { gradFn: 'AddBackward0' }), applySetPrintOptions(D, { linewidth: 40 })),
        'tensor([0., 1., 2., 3.],\n       grad_fn=<AddBackward0>)',
      );
      assert.strictEqual(
        formatTensor(T([2], [1, 2], { dtype: 'float64', requiresGrad: true }), applySetPrintOptions(D, { linewidth: 40 })),
        'tensor([1., 2.], dtype=torch.float64,\n       requires_grad=True)',
      );
    });
    it('all-zero / non-finite tensors are int mode even when sci_mode=True', () => {
      const sci = applySetPrintOptions(D, { sciMode: true });
      assert.strictEqual(formatTensor(T([2], [0, 0]), sci), 'tensor([0., 0.])');
      assert.strictEqual(formatTensor(T([2], [NaN, -Infinity]), sci), 'tensor([nan, -inf])');
    });
    it('summarised N-D tensors: formatter built only from the shown items', () => {
      const data = arange(2000 * 3).map((i) => (i === 1500 ? 1e9 : i % 7));
      const s = formatTensor(T([2000, 3], data), D);
      assert.strictEqual(
        s,
        'tensor([[0., 1., 2.],\n        [3., 4., 5.],\n        [6., 0., 1.],\n        ...,\n        [6., 0., 1.],\n        [2., 3., 4.],\n        [5., 6., 0.]])',
      );
      const t3 = formatTensor(T([10, 10, 10], arange(1000).concat()), applySetPrintOptions(D, { threshold: 10, edgeitems: 1 }));
      assert.strictEqual(t3, 'tensor([[[  0.,  ...,   9.],\n         ...,\n         [ 90.,  ...,  99.]],\n\n        ...,\n\n        [[900.,  ..., 909.],\n         ...,\n         [990.,  ..., 999.]]])');
    });
    it('precision and int64 widths', () => {
      assert.strictEqual(formatTensor(T([3], [1, 1000000, -5], { dtype: 'int64' }), D), 'tensor([      1, 1000000,      -5])');
      assert.strictEqual(formatTensor(T([2], [Math.PI, 1]), applySetPrintOptions(D, { precision: 2 })), 'tensor([3.14, 1.00])');
      assert.strictEqual(formatTensor(T([2], [Math.PI, 1]), applySetPrintOptions(D, { precision: 0 })), 'tensor([3, 1])');
      assert.strictEqual(formatTensor(T([1], [1e-5]), applySetPrintOptions(D, { precision: 2 })), 'tensor([1.00e-05])');
    });
    it('linewidth smaller than one element still prints one per line', () => {
      assert.strictEqual(
        formatTensor(T([3], [1.5, 2.5, 3.5]), applySetPrintOptions(D, { linewidth: 5 })),
        'tensor([1.5000,\n        2.5000,\n        3.5000])',
      );
    });
    it('formatTensorBody is the repr without prefix and suffixes', () => {
      assert.strictEqual(formatTensorBody(T([2, 2], [1, 2, 3, 4]), D), '[[1., 2.],\n        [3., 4.]]');
      assert.strictEqual(formatTensorBody(T([], [0.5]), D), '0.5000');
      assert.strictEqual(formatTensorBody(T([2], [1, 2]), D, 0), '[1., 2.]');
    });
    it('large tensors print in full with profile="full"', () => {
      const n = 200000;
      const data = Array.from({ length: n }, (_, i) => 1 + (i % 1000) / 7);
      const s = formatTensor(T([n], data), applySetPrintOptions(D, { profile: 'full' }));
      assert.ok(s.startsWith('tensor([  1.0000,   1.1429,   1.2857,   1.4286,   1.5714,   1.7143,   1.8571,\n'));
      assert.strictEqual(s.split('\n').length, Math.ceil(n / 7)); // width 8: floor(73 / 10) = 7 per line
    });
  });
});

describe('numpyRepr: repr(ndarray) for Tensor.numpy()', () => {
  const A = (shape: number[], dtype: DType, data: number[]) => ({ shape, dtype, data: storeAs(dtype, data) });
  it('oracle cases', () => {
    for (const [a, s] of [
      [A([3], 'float64', [1, 2, 3]), 'array([1., 2., 3.])'],
      [A([2], 'float32', [1, 2]), 'array([1., 2.], dtype=float32)'],
    ] as const) {
      assert.ok(oracleStdout.includes(s));
      assert.strictEqual(formatNumpyArray(a), s);
    }
  });
  it('shortest digits with common padding', () => {
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [1.5, 2])), 'array([1.5, 2. ])');
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [0.1, 0.25])), 'array([0.1 , 0.25])');
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [-1.5, 2])), 'array([-1.5,  2. ])');
    assert.strictEqual(formatNumpyArray(A([1], 'float64', [1 / 3])), 'array([0.33333333])');
    assert.strictEqual(formatNumpyArray(A([3], 'float32', [0.1, 0.2, 0.3])), 'array([0.1, 0.2, 0.3], dtype=float32)');
    assert.strictEqual(formatNumpyArray(A([2], 'float32', [1.1, -2.5])), 'array([ 1.1, -2.5], dtype=float32)');
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [Math.fround(1.1), 0])), 'array([1.10000002, 0.        ])');
  });
  it('scientific notation, nan and inf', () => {
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [1e-5, 1])), 'array([1.e-05, 1.e+00])');
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [1.5e-5, 1])), 'array([1.5e-05, 1.0e+00])');
    assert.strictEqual(formatNumpyArray(A([1], 'float64', [1e8])), 'array([1.e+08])');
    assert.strictEqual(formatNumpyArray(A([2], 'float64', [NaN, 1])), 'array([nan,  1.])');
    assert.strictEqual(formatNumpyArray(A([3], 'float64', [Infinity, -Infinity, 1.5])), 'array([ inf, -inf,  1.5])');
  });
  it('integers, bools, 0-d and empty arrays', () => {
    assert.strictEqual(formatNumpyArray(A([2], 'int64', [1, 2])), 'array([1, 2])');
    assert.strictEqual(formatNumpyArray(A([3], 'int64', [1, 100, -5])), 'array([  1, 100,  -5])');
    assert.strictEqual(formatNumpyArray(A([2], 'int32', [1, 2])), 'array([1, 2], dtype=int32)');
    assert.strictEqual(formatNumpyArray(A([2], 'bool', [1, 0])), 'array([ True, False])');
    assert.strictEqual(formatNumpyArray(A([], 'float64', [1.5])), 'array(1.5)');
    assert.strictEqual(formatNumpyArray(A([], 'bool', [1])), 'array(True)');
    assert.strictEqual(formatNumpyArray(A([0], 'float64', [])), 'array([], dtype=float64)');
    assert.strictEqual(formatNumpyArray(A([2, 0], 'float32', [])), 'array([], shape=(2, 0), dtype=float32)');
  });
  it('2-D layout, wrapping at 75 columns and summarisation', () => {
    assert.strictEqual(formatNumpyArray(A([2, 2], 'float64', [1, 2, 3, 4])), 'array([[1., 2.],\n       [3., 4.]])');
    assert.strictEqual(
      formatNumpyArray(A([2, 2], 'float32', [1, 2, 3, 4])),
      'array([[1., 2.],\n       [3., 4.]], dtype=float32)',
    );
    assert.strictEqual(
      formatNumpyArray(A([30], 'int64', arange(30))),
      'array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])',
    );
    assert.strictEqual(
      formatNumpyArray(A([26], 'float64', arange(26))),
      'array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.])',
    );
    assert.strictEqual(formatNumpyArray(A([1001], 'int64', arange(1001))), 'array([   0,    1,    2, ...,  998,  999, 1000])');
    assert.strictEqual(
      formatNumpyArray(A([1000, 2], 'float64', arange(2000))),
      'array([[0.000e+00, 1.000e+00],\n       [2.000e+00, 3.000e+00],\n       [4.000e+00, 5.000e+00],\n       ...,\n       [1.994e+03, 1.995e+03],\n       [1.996e+03, 1.997e+03],\n       [1.998e+03, 1.999e+03]])',
    );
  });
});
