import * as assert from 'assert';
import { run } from './snippet';

// Python 3.11 semantics (PEP 572 assignment expressions).
describe('known diffs: assignment expressions (:=)', () => {
  it('in a while condition and an if test', () => {
    assert.strictEqual(
      run('import torch\nn = 3\nwhile (n := n - 1) > 0:\n    print(n)\nif (t := torch.ones(2)).sum() > 1:\n    print(t)\nprint((z := 10) + 1, z)'),
      '2\n1\ntensor([1., 1.])\n11 10\n',
    );
  });

  it('inside a comprehension it binds in the enclosing scope', () => {
    assert.strictEqual(
      run('data = [1, 5, 2, 8]\nbig = [y for x in data if (y := x * 2) > 4]\nprint(big, y)\ndef f():\n    vals = [w for v in range(3) if (w := v)]\n    return w, vals\nprint(f())'),
      '[10, 16] 16\n(2, [1, 2])\n',
    );
  });

  it('as a call argument', () => {
    assert.strictEqual(run('print(abs(q := -3), q)'), '3 -3\n');
  });
});

describe('known diffs: broadcasting errors report the innermost mismatching dim', () => {
  it('infer_size_impl walks from the last dim', () => {
    assert.strictEqual(
      run('import torch\ntorch.ones(2, 3) + torch.ones(3, 2)'),
      'RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1\n',
    );
    assert.strictEqual(
      run('import torch\ntorch.ones(4, 2, 3) * torch.ones(5, 1, 2)'),
      'RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 2\n',
    );
  });
});

describe('known diffs: obj.__class__', () => {
  it('is type(obj), for grad_fn nodes, instances and plain values', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\nprint((x * 2).grad_fn.__class__.__name__)\nclass A:\n    pass\nprint(A().__class__.__name__, (5).__class__)'),
      "MulBackward0\nA <class 'int'>\n",
    );
  });
});

describe('known diffs: mse_loss promotes like a binary op', () => {
  it('a double target gives a double loss, whose backward then fails on the dtype', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn.functional as F\nx = torch.ones(2, requires_grad=True)\nl = F.mse_loss(x, torch.zeros(2, dtype=torch.float64))\nprint(l)\nl.backward()'),
      'tensor(1., dtype=torch.float64, grad_fn=<MseLossBackward0>)\nRuntimeError: Found dtype Double but expected Float\n',
    );
  });
});
