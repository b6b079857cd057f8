import * as assert from 'assert';
import { torchSum } from '../../src/core/ops/cascadeSum';

const f = Math.fround;

describe("PyTorch's float32 summation order (cascade_sum)", () => {
  it('under 8 elements: four interleaved partial sums, the tail into the first', () => {
    const v = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    // ((x0 + x4) + x5) then + x1 + x2 + x3, each rounded to float32
    const expected = f(f(f(f(f(v[0] + v[4]) + v[5]) + v[1]) + v[2]) + v[3]);
    assert.strictEqual(torchSum(v, 0, 6, 'float32'), expected);
  });

  it('8 or more: eight vector lanes summed after the scalar tail', () => {
    const v = Float32Array.from({ length: 11 }, (_, i) => 1 / (i + 3));
    let acc = 0;
    for (let e = 8; e < 11; e++) acc = f(acc + v[e]);
    for (let l = 0; l < 8; l++) acc = f(acc + v[l]);
    assert.strictEqual(torchSum(v, 0, 11, 'float32'), acc);
  });

  it('differs from a naive running sum where PyTorch differs', () => {
    const v = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1000 + 0.1);
    let naive = 0;
    for (const x of v) naive = f(naive + x);
    let exact = 0;
    for (const x of v) exact += x;
    const ours = torchSum(v, 0, v.length, 'float32');
    assert.notStrictEqual(ours, naive);
    assert.ok(Math.abs(ours - exact) < 0.01, `cascade sum ${ours} vs exact ${exact}`);
  });
});
