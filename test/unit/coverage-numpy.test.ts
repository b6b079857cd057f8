import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/** Expected strings are what NumPy prints for these (checked against a NumPy install; the rules used agree in 1.x and 2.x). */
describe('coverage: more NumPy', () => {
  it('clip, maximum, where, arg-reductions, rounding', () => {
    assert.strictEqual(
      run(`import numpy as np
a = np.array([[1.5, -2.0], [3.25, 0.5]])
b = np.array([1, 5, 3])
print(np.clip(a, 0, 2), np.clip(b, 2, 4), np.maximum(b, 2), np.minimum(a, 1.0))
print(np.where(a > 1, a, 0), np.argmax(b), a.argmax(axis=1), np.argmin(a))
print(np.square(b), np.round(a, 1), np.floor(a), np.sign(a))`),
      '[[1.5 0. ]\n [2.  0.5]] [2 4 3] [2 5 3] [[ 1.  -2. ]\n [ 1.   0.5]]\n' +
        '[[1.5  0.  ]\n [3.25 0.  ]] 1 [0 0] 1\n' +
        '[ 1 25  9] [[ 1.5 -2. ]\n [ 3.2  0.5]] [[ 1. -2.]\n [ 3.  0.]] [[ 1. -1.]\n [ 1.  1.]]\n',
    );
  });

  it('cumsum, prod, var, joins, like-constructors, allclose', () => {
    assert.strictEqual(
      run(`import numpy as np
b = np.array([1, 5, 3])
print(np.cumsum(b), np.prod(b), np.var(b), np.zeros_like(b), np.full((2, 2), 7))
print(np.concatenate([b, b]), np.vstack([b, b]), np.allclose(b, b + 1e-9), np.array_equal(b, b))`),
      '[1 6 9] 15 2.6666666666666665 [0 0 0] [[7 7]\n [7 7]]\n[1 5 3 1 5 3] [[1 5 3]\n [1 5 3]] True True\n',
    );
  });
});

describe('coverage: NumPy and torch sharing memory', () => {
  it('numpy() shares memory both ways; np.array(tensor) copies quietly; NumPy scalars inside torch.tensor lists', () => {
    const res = runCells(
      splitCells(`import torch
import numpy as np
x = torch.tensor([1, 2, 3])
n = x.numpy()
n[0] = 7
print(x, n, np.array(x), torch.tensor([np.float64(2.5), np.float32(1.0)]))`),
    ).cells[0];
    assert.strictEqual(res.stdout, 'tensor([7, 2, 3]) [7 2 3] [7 2 3] tensor([2.5000, 1.0000])\n');
    assert.deepStrictEqual(res.warnings, []);
  });
});
