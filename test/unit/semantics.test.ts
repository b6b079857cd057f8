import * as assert from 'assert';
import { run } from './snippet';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

/**
 * Behaviour beyond the public oracle cases, each expected output worked out from PyTorch's and
 * Python's documented semantics (derivatives.yaml formulas, CPython rules).
 */
describe('PyTorch and Python semantics', () => {
  it('set comparisons are subset and superset tests (proper with < and >)', () => {
    assert.strictEqual(run('print({1, 2} <= {1, 2, 3}, {1} < {1}, {1, 2} >= {2}, {3} > {3}, {1} < {1, 2}, {1, 4} <= {1, 2})'), 'True False True False True False\n');
  });

  it('second derivatives with create_graph', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor(2., requires_grad=True)
g, = torch.autograd.grad(x ** 3, x, create_graph=True)
print(g)
print(torch.autograd.grad(g, x)[0])`),
      'tensor(12., grad_fn=<MulBackward0>)\ntensor(12.)\n',
    );
  });

  it('assignment into a non-leaf rebases its history onto CopySlices', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * 2
y[0] = 0
print(y)
y.sum().backward()
print(x.grad)`),
      'tensor([0., 4., 6.], grad_fn=<CopySlices>)\ntensor([0., 2., 2.])\n',
    );
  });

  it('Python rounding, floor division and float repr', () => {
    assert.strictEqual(run('print(round(2.675, 2), round(0.5), round(1.5), -7 // 2, 7 % -3, 1e16, 1e-05, 0.1 + 0.2)'), '2.67 0 2 -4 -2 1e+16 1e-05 0.30000000000000004\n');
  });

  it('type() names PyTorch classes as PyTorch does', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
print(type(torch.ones(1)), type(nn.Linear(1, 1)), type(torch.ones(1).shape))`),
      "<class 'torch.Tensor'> <class 'torch.nn.modules.linear.Linear'> <class 'torch.Size'>\n",
    );
  });

  it('item() of a multi-element tensor and requires_grad on integers raise PyTorch errors', () => {
    assert.strictEqual(run('import torch\ntorch.ones(2).item()'), 'RuntimeError: a Tensor with 2 elements cannot be converted to Scalar\n');
    assert.strictEqual(
      run('import torch\ntorch.tensor([1, 2], requires_grad=True)'),
      'RuntimeError: Only Tensors of floating point and complex dtype can require gradients\n',
    );
  });

  it('no_grad as a decorator and in-place updates of leaves under no_grad', () => {
    assert.strictEqual(
      run(`import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
@torch.no_grad()
def step(t):
    t -= 0.5
    return t * 2
r = step(w)
print(w, r.requires_grad, w._version)`),
      'tensor([0.5000, 1.5000], requires_grad=True) False 1\n',
    );
  });

  it('budgets stop runaway snippets with a clear error', () => {
    assert.match(run('while True:\n    pass'), /^TimeoutError: .*budget/);
    assert.match(run('import torch\ntorch.ones(10**10)'), /^MemoryError: a tensor of 1\.00e\+10 elements/);
  });

  it('unsupported constructs name themselves and their line', () => {
    assert.strictEqual(run('x = 1\nasync def f():\n    pass'), 'NotImplementedError: async function is not supported (line 2)\n');
  });
});

describe('NumPy in scope', () => {
  it('runs the manual gradient-descent lesson with NumPy 1.x types and prints', () => {
    const out = run(`import numpy as np
X = np.array([1, 2, 3, 4], dtype=np.float32)
Y = np.array([2, 4, 6, 8], dtype=np.float32)
w = 0.0
def forward(x):
    return w * x
for epoch in range(3):
    y_pred = forward(X)
    l = ((y_pred - Y)**2).mean()
    dw = np.dot(2*X, y_pred - Y).mean()
    w -= 0.01 * dw
    print(f'epoch {epoch+1}: w = {w:.3f}, loss = {l:.8f}')
print(X, type(l), X.shape)`);
    assert.strictEqual(
      out,
      'epoch 1: w = 1.200, loss = 30.00000000\nepoch 2: w = 1.680, loss = 4.79999924\nepoch 3: w = 1.872, loss = 0.76800019\n' +
        "[1. 2. 3. 4.] <class 'numpy.float32'> (4,)\n",
    );
  });
});

describe('PyTorch 1.13 vs 2.x', () => {
  const src = `import torch
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
(w * 2).sum().backward()
opt.zero_grad()
print(w.grad)`;
  it('zero_grad() zeroes .grad by default, as 1.13 does, and sets it to None with the 2.x setting', () => {
    assert.strictEqual(run(src), 'tensor([0.])\n');
    const res = runCells(splitCells(src), { zeroGradSetsNone: true }).cells;
    assert.strictEqual(res[0].stdout, 'None\n');
  });
});

describe('torch.autograd.functional', () => {
  it('jacobian and hessian (reverse mode, one grad per output element)', () => {
    assert.strictEqual(
      run(`import torch
from torch.autograd.functional import jacobian, hessian
x = torch.tensor([1., 2.])
print(jacobian(lambda t: t ** 2 * 3, x))
print(hessian(lambda t: (t ** 3).sum(), x))`),
      'tensor([[ 6.,  0.],\n        [ 0., 12.]])\ntensor([[ 6.,  0.],\n        [ 0., 12.]])\n',
    );
  });
});

describe("warnings under Python's default filter", () => {
  it('a warning from torch code shows once per process, one from the user line once per line and cell', () => {
    const src = `# %%
import torch
import torch.nn as nn
p = torch.tensor([[1.], [2.]])
t = torch.tensor([1., 3.])
l = nn.MSELoss()
l(p, t)
l(p, t)
y = torch.ones(2, requires_grad=True) * 2
for i in range(2):
    y.grad
# %%
l(p, t)
y.grad`;
    const cells = runCells(splitCells(src)).cells;
    assert.deepStrictEqual(
      cells.map((c) => c.warnings.map((w) => w.message.slice(0, 12))),
      [['Using a targ', 'The .grad at'], ['The .grad at']],
    );
  });
});

describe('in-place ops on views of graph tensors', () => {
  it('rebase the base onto CopySlices, with gradients through the view and around it', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * 2
y[0].mul_(10)
print(y)
y.sum().backward()
print(x.grad)
a = torch.tensor([1., 2.], requires_grad=True)
z = torch.zeros(3)
z[1:].add_(a * 3)
z.sum().backward()
print(z.grad_fn.name(), a.grad)`),
      'tensor([20.,  4.,  6.], grad_fn=<CopySlices>)\ntensor([20.,  2.,  2.])\nCopySlices tensor([3., 3.])\n',
    );
  });
});
