import * as assert from 'assert';
import { run } from './snippet';

/**
 * Dropout in training mode, as ATen 1.13 does it on a CPU without MKL: the mask is
 * bernoulli_(1 - p) — one uniform double per element, in order, from the default generator — so
 * it must agree with torch.rand(n, dtype=torch.float64) < 1 - p drawn from the same seed; kept
 * elements are scaled by 1 / (1 - p) and the result is input * noise (MulBackward0).
 */
describe('dropout in training mode', () => {
  it('keeps exactly the elements whose uniform double draw is below 1 - p', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
torch.manual_seed(3)
keep = torch.rand(40, dtype=torch.float64) < 0.7
torch.manual_seed(3)
y = nn.Dropout(p=0.3)(torch.ones(40))
print(torch.equal(y != 0, keep), keep.sum().item() > 0, (~keep).sum().item() > 0)
print(y.max().item() == torch.tensor(1 / 0.7, dtype=torch.float32).item())`),
      'True True True\nTrue\n',
    );
  });

  it('uses the same stream for functional and module forms, and advances it', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
torch.manual_seed(0)
a = F.dropout(torch.ones(16), 0.5)
b = F.dropout(torch.ones(16), 0.5)
torch.manual_seed(0)
c = torch.nn.Dropout()(torch.ones(16))
print(torch.equal(a, c), torch.equal(a, b))`),
      'True False\n',
    );
  });

  it('records MulBackward0 and sends the mask, scaled, back as the gradient', () => {
    assert.strictEqual(
      run(`import torch
torch.manual_seed(1)
x = torch.ones(8, requires_grad=True)
y = torch.nn.Dropout(0.5)(x)
y.sum().backward()
print(y.grad_fn.name(), torch.equal(x.grad, y.detach()))`),
      'MulBackward0 True\n',
    );
  });

  it('is the identity in eval mode, with p=0 and with training=False; p=1 zeroes', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([1., 2., 3.], requires_grad=True)
d = torch.nn.Dropout(0.5)
d.eval()
print(d(x) is x, F.dropout(x, 0.0) is x, F.dropout(x, 0.5, training=False) is x)
print(F.dropout(x, 1.0))`),
      'True True True\ntensor([0., 0., 0.], grad_fn=<MulBackward0>)\n',
    );
  });

  it('in place multiplies the input itself; an integer input cannot take the scaled mask', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
torch.manual_seed(0)
x = torch.ones(6)
y = F.dropout(x, 0.5, inplace=True)
print(y is x, all(v in (0.0, 2.0) for v in x.tolist()))
F.dropout(torch.ones(3, dtype=torch.int64), 0.5)`),
      "True True\nRuntimeError: result type Float can't be cast to the desired output type Long\n",
    );
  });

  it('torch.bernoulli draws a float of the probabilities\' type: float32 as torch.rand, float64 as rand(dtype=float64)', () => {
    assert.strictEqual(
      run(`import torch
torch.manual_seed(0)
print(torch.rand(6))
torch.manual_seed(0)
print(torch.bernoulli(torch.full((6,), 0.5)))
torch.manual_seed(5)
a = torch.rand(20, dtype=torch.float64) < 0.25
torch.manual_seed(5)
print(torch.equal(torch.bernoulli(torch.full((20,), 0.25, dtype=torch.float64)).bool(), a))
torch.manual_seed(5)
print(torch.equal(torch.empty(20).bernoulli_(0.25).bool(), a), torch.equal(torch.bernoulli(torch.ones(20), 0.25, generator=torch.Generator().manual_seed(5)).bool(), a))
torch.zeros(2).bernoulli_(2.0)`),
      'tensor([0.4963, 0.7682, 0.0885, 0.1320, 0.3074, 0.6341])\n' +
        'tensor([1., 0., 1., 1., 1., 0.])\n' +
        'True\n' +
        'True True\n' +
        'RuntimeError: bernoulli_ expects p to be in [0, 1], but got p=2\n',
    );
  });
});
