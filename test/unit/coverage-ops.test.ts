import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/**
 * Ops added for coverage. Expected values are worked out by hand from the ops' definitions in
 * PyTorch 1.13 (derivatives.yaml node names, the documented formulas), not taken from our output.
 */
describe('coverage: indexing ops (gather, scatter, index_select, masked_*)', () => {
  it('gather picks along a dim and scatters its gradient back (GatherBackward0)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
g = torch.gather(x, 1, torch.tensor([[0, 0], [1, 0]]))
print(g)
g.sum().backward()
print(x.grad)`),
      'tensor([[1., 1.],\n        [5., 4.]], grad_fn=<GatherBackward0>)\ntensor([[2., 0., 0.],\n        [1., 1., 0.]])\n',
    );
  });

  it('gather checks the index dtype and bounds with ATen messages', () => {
    assert.strictEqual(run('import torch\ntorch.ones(2, 2).gather(1, torch.tensor([[0.]]))'), 'RuntimeError: gather(): Expected dtype int64 for index\n');
    assert.strictEqual(
      run('import torch\ntorch.ones(2, 2).gather(1, torch.tensor([[2]]))'),
      'RuntimeError: index 2 is out of bounds for dimension 1 with size 2\n',
    );
  });

  it('scatter_ writes src by index (the example of the scatter_ docs)', () => {
    assert.strictEqual(
      run(`import torch
src = torch.arange(1, 11).reshape((2, 5))
index = torch.tensor([[0, 1, 2, 0]])
print(torch.zeros(3, 5, dtype=src.dtype).scatter_(0, index, src))`),
      'tensor([[1, 0, 0, 4, 0],\n        [0, 2, 0, 0, 0],\n        [0, 0, 3, 0, 0]])\n',
    );
  });

  it('scatter with a value, scatter_add and their node names', () => {
    assert.strictEqual(
      run(`import torch
print(torch.zeros(2, 4).scatter(1, torch.tensor([[2], [3]]), 1.23))
w = torch.ones(2, 3, requires_grad=True)
print(torch.zeros(2, 3).scatter_add(1, torch.tensor([[0, 0], [2, 1]]), w[:, :2]).grad_fn.name())
s = w.scatter(1, torch.tensor([[0], [1]]), 0.)
print(s.grad_fn.name())
s.sum().backward()
print(w.grad)`),
      'tensor([[0.0000, 0.0000, 1.2300, 0.0000],\n        [0.0000, 0.0000, 0.0000, 1.2300]])\nScatterAddBackward0\nScatterBackward1\ntensor([[0., 1., 1.],\n        [1., 0., 1.]])\n',
    );
  });

  it('index_select and masked_select', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
print(x.index_select(1, torch.tensor([0, 2])))
m = x.masked_select(x > 2)
print(m)
m.sum().backward()
print(x.grad)`),
      'tensor([[1., 3.],\n        [4., 6.]], grad_fn=<IndexSelectBackward0>)\ntensor([3., 4., 5., 6.], grad_fn=<MaskedSelectBackward0>)\ntensor([[0., 0., 1.],\n        [1., 1., 1.]])\n',
    );
  });

  it('masked_fill is MaskedFillBackward0 for a number and MaskedFillBackward1 for a tensor value', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 5., 3.], requires_grad=True)
y = x.masked_fill(x > 2, 0.)
print(y)
print(x.masked_fill(x > 2, torch.tensor(-1.)))
y.sum().backward()
print(x.grad)`),
      'tensor([1., 0., 0.], grad_fn=<MaskedFillBackward0>)\ntensor([ 1., -1., -1.], grad_fn=<MaskedFillBackward1>)\ntensor([1., 0., 0.])\n',
    );
  });

  it('masked_fill_ in place on a plain tensor (e.g. a causal mask)', () => {
    assert.strictEqual(
      run(`import torch
s = torch.ones(3, 3)
s.masked_fill_(torch.triu(torch.ones(3, 3), diagonal=1).bool(), float('-inf'))
print(s)`),
      'tensor([[1., -inf, -inf],\n        [1., 1., -inf],\n        [1., 1., 1.]])\n',
    );
  });
});

describe('coverage: creation, triangles, cumprod, predicates', () => {
  it('tril / triu with their nodes', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
print(x.tril())
print(torch.triu(torch.ones(3, 3), diagonal=1))`),
      'tensor([[1., 0., 0.],\n        [4., 5., 0.]], grad_fn=<TrilBackward0>)\ntensor([[0., 1., 1.],\n        [0., 0., 1.],\n        [0., 0., 0.]])\n',
    );
  });

  it('cumprod and its gradient (d/dx_j of sum_k prod_{m<=k} x_m)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([2., 3., 4.], requires_grad=True)
c = x.cumprod(0)
print(c)
c.sum().backward()
print(x.grad)`),
      // grads: d/dx0 = 1 + x1 + x1 x2 = 16, d/dx1 = x0 + x0 x2 = 10, d/dx2 = x0 x1 = 6
      'tensor([ 2.,  6., 24.], grad_fn=<CumprodBackward0>)\ntensor([16., 10.,  6.])\n',
    );
  });

  it('isnan / isinf / isfinite / nan_to_num', () => {
    assert.strictEqual(
      run(`import torch
a = torch.tensor([1., float('nan'), float('inf'), -float('inf')])
print(a.isnan(), torch.isinf(a), a.isfinite())
print(torch.nan_to_num(a))
print(torch.nan_to_num(a, nan=0.0, posinf=1.0, neginf=-1.0))`),
      'tensor([False,  True, False, False]) tensor([False, False,  True,  True]) tensor([ True, False, False, False])\n' +
        'tensor([ 1.0000e+00,  0.0000e+00,  3.4028e+38, -3.4028e+38])\ntensor([ 1.,  0.,  1., -1.])\n',
    );
  });

  it('logspace and the new_* factories', () => {
    assert.strictEqual(
      run(`import torch
print(torch.logspace(0, 2, 3))
x = torch.tensor([[1., 2.]], dtype=torch.float64)
print(x.new_zeros(2), x.new_ones((1, 2)), x.new_full((2,), 7.), x.new_tensor([1, 2]))`),
      'tensor([  1.,  10., 100.])\ntensor([0., 0.], dtype=torch.float64) tensor([[1., 1.]], dtype=torch.float64) tensor([7., 7.], dtype=torch.float64) tensor([1., 2.], dtype=torch.float64)\n',
    );
  });

  it('ravel is contiguous().view(-1), movedim a permute, unflatten a view', () => {
    assert.strictEqual(
      run(`import torch
x = torch.arange(6.).reshape(2, 3).requires_grad_()
print(x.ravel().grad_fn.name(), x.t().ravel().grad_fn.name(), x.movedim(0, 1).grad_fn.name(), x.unflatten(1, (3, 1)).shape)`),
      'ViewBackward0 ViewBackward0 PermuteBackward0 torch.Size([2, 3, 1])\n',
    );
  });

  it('torch.addmm with beta and alpha', () => {
    assert.strictEqual(
      run(`import torch
print(torch.addmm(torch.ones(2, 2), torch.eye(2), torch.ones(2, 2) * 2, beta=0.5))`),
      'tensor([[2.5000, 2.5000],\n        [2.5000, 2.5000]])\n',
    );
  });
});

describe('coverage: activations, losses, functional helpers', () => {
  it('gelu, silu, elu, relu6, hardtanh, logsigmoid, softsign values and nodes', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
t = torch.tensor([-2., -0.5, 0., 0.5, 2.], requires_grad=True)
for f in [F.gelu, F.silu, F.elu, F.hardtanh, F.logsigmoid, F.softsign]:
    print(f(t))
print(F.relu6(t * 4))`),
      // gelu(x) = x Phi(x): Phi(2) = 0.97725; silu(x) = x sigmoid(x); elu(x) = exp(x) - 1 below 0;
      // logsigmoid(0) = -log 2; softsign = x / (1 + |x|); relu6 of *4 is hardtanh(0, 6)
      'tensor([-0.0455, -0.1543,  0.0000,  0.3457,  1.9545], grad_fn=<GeluBackward0>)\n' +
        'tensor([-0.2384, -0.1888,  0.0000,  0.3112,  1.7616], grad_fn=<SiluBackward0>)\n' +
        'tensor([-0.8647, -0.3935,  0.0000,  0.5000,  2.0000], grad_fn=<EluBackward0>)\n' +
        // these two are longer than 80 columns, so the suffix wraps
        'tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000],\n       grad_fn=<HardtanhBackward0>)\n' +
        'tensor([-2.1269, -0.9741, -0.6931, -0.4741, -0.1269],\n       grad_fn=<LogSigmoidBackward0>)\n' +
        'tensor([-0.6667, -0.3333,  0.0000,  0.3333,  0.6667], grad_fn=<DivBackward0>)\n' +
        'tensor([0., 0., 0., 2., 6.], grad_fn=<HardtanhBackward0>)\n',
    );
  });

  it('gelu gradient: Phi(x) + x phi(x)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([0., 1.], requires_grad=True)
F.gelu(x).sum().backward()
print(x.grad)`),
      // 0.5 at 0; Phi(1) + phi(1) = 0.841345 + 0.241971 = 1.083315
      'tensor([0.5000, 1.0833])\n',
    );
  });

  it('module reprs of the new activation and loss modules', () => {
    assert.strictEqual(
      run(`import torch.nn as nn
print(nn.GELU(), nn.SiLU(), nn.ELU(), nn.ReLU6(), nn.Hardtanh(), nn.LogSigmoid(), nn.Softplus(), nn.SmoothL1Loss(), nn.HuberLoss(), nn.ELU(alpha=0.5))`),
      "GELU(approximate='none') SiLU() ELU(alpha=1.0) ReLU6() Hardtanh(min_val=-1.0, max_val=1.0) LogSigmoid() Softplus(beta=1, threshold=20) SmoothL1Loss() HuberLoss() ELU(alpha=0.5)\n",
    );
  });

  it('smooth_l1_loss and huber_loss with their reductions and gradient', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
p = torch.tensor([1., 2., 3.], requires_grad=True)
y = torch.tensor([1.5, 2., 5.])
l = F.smooth_l1_loss(p, y)
print(l, F.smooth_l1_loss(p, y, reduction='none'))
print(F.huber_loss(p, y, delta=0.5))
l.backward()
print(p.grad)`),
      // d = [-0.5, 0, -2]: 0.5 d^2 = 0.125, 0, |d| - 0.5 = 1.5; mean 0.5417; grad clamp(d, -1, 1)/3
      'tensor(0.5417, grad_fn=<SmoothL1LossBackward0>) tensor([0.1250, 0.0000, 1.5000], grad_fn=<SmoothL1LossBackward0>)\n' +
        'tensor(0.3333, grad_fn=<HuberLossBackward0>)\ntensor([-0.1667,  0.0000, -0.3333])\n',
    );
  });

  it('one_hot, normalize and dropout outside training', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
print(F.one_hot(torch.tensor([0, 2, 1])))
print(F.one_hot(torch.tensor([1]), num_classes=4))
print(F.normalize(torch.tensor([[3., 4.], [1., 0.]])))
x = torch.ones(2)
print(F.dropout(x, 0.5, training=False) is x)`),
      'tensor([[1, 0, 0],\n        [0, 0, 1],\n        [0, 1, 0]])\ntensor([[0, 1, 0, 0]])\ntensor([[0.6000, 0.8000],\n        [1.0000, 0.0000]])\nTrue\n',
    );
  });

  it('nn.Linear on contiguous 3-D input takes the fused addmm path (ViewBackward0)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
l = nn.Linear(3, 2)
print(l(torch.ones(2, 4, 3)).grad_fn.name(), l(torch.ones(3)).grad_fn.name(), l(torch.ones(5, 3)).grad_fn.name())`),
      'ViewBackward0 AddBackward0 AddmmBackward0\n',
    );
  });
});

describe('coverage: hooks', () => {
  it('register_hook returns a handle whose remove() takes the hook out', () => {
    assert.strictEqual(
      run(`import torch
p = torch.tensor([1., 2.], requires_grad=True)
h = p.register_hook(lambda g: g * 10)
(p * 1).sum().backward()
print(p.grad)
h.remove()
(p * 1).sum().backward()
print(p.grad)
y = p * 2
h2 = y.register_hook(lambda g: print("hook", g))
h2.remove()
y.sum().backward()
print(p.grad)`),
      'tensor([10., 10.])\ntensor([11., 11.])\ntensor([13., 13.])\n',
    );
  });
});

describe('coverage: copy_', () => {
  it('copy_ into a tensor in the graph rebases it onto CopyBackwards (VariableTypeManual.cpp)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
s = torch.tensor([5., 6.], requires_grad=True)
y.copy_(s)
print(y, y.grad_fn.next_functions[0][0].name())
y.sum().backward()
print(x.grad, s.grad)
w = torch.zeros(3)
w.copy_(torch.tensor([1, 2, 3]))
print(w, w.copy_(torch.tensor(7.)))`),
      'tensor([5., 6.], grad_fn=<CopyBackwards>) MulBackward0\ntensor([0., 0.]) tensor([1., 1.])\ntensor([7., 7., 7.]) tensor([7., 7., 7.])\n',
    );
  });
});

describe('coverage: random overloads', () => {
  it('torch.normal with a tensor mean draws normal_(0, std) then adds the mean (normal_out_impl)', () => {
    assert.strictEqual(
      run(`import torch
torch.manual_seed(0)
a = torch.normal(mean=torch.full((3,), 2.), std=3.)
torch.manual_seed(0)
b = torch.randn(3) * 3 + 2
print(torch.allclose(a, b), a.shape)
torch.manual_seed(0)
print(torch.normal(torch.zeros(2), torch.ones(2)), torch.randint_like(torch.zeros(2), 10).dtype)`),
      // seed 0: randn(2) = [1.5410, -0.2934]
      'True torch.Size([3])\ntensor([ 1.5410, -0.2934]) torch.float32\n',
    );
  });

  it('random_(from, to) draws like randint', () => {
    assert.strictEqual(
      run(`import torch
torch.manual_seed(0)
x = torch.zeros(5)
x.random_(0, 10)
torch.manual_seed(0)
print(torch.equal(x, torch.randint(0, 10, (5,)).float()))`),
      'True\n',
    );
  });
});

describe('coverage: torch.range', () => {
  it('includes the end, is float, and warns (PyErr_WarnEx at the caller)', () => {
    const res = runCells(splitCells('import torch\nprint(torch.range(1, 4), torch.range(0, 1, 0.25))')).cells[0];
    assert.strictEqual(res.stdout, 'tensor([1., 2., 3., 4.]) tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])\n');
    assert.deepStrictEqual(res.warnings, [
      {
        category: 'UserWarning',
        message:
          "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).",
      },
    ]);
  });
});

describe('coverage: softmax dtype', () => {
  it('softmax(dtype=) casts the input first (ToCopyBackward0 under SoftmaxBackward0)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([1., 2.], requires_grad=True)
y = F.softmax(x, dim=0, dtype=torch.float64)
print(y, y.grad_fn.next_functions[0][0].name(), x.log_softmax(0, torch.float64).dtype)`),
      'tensor([0.2689, 0.7311], dtype=torch.float64, grad_fn=<SoftmaxBackward0>) ToCopyBackward0 torch.float64\n',
    );
  });
});

describe('coverage: overload node names', () => {
  it('div with rounding_mode is div.Tensor_mode (DivBackward2); torch.pow(number, tensor) is pow.Scalar (PowBackward2)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = torch.pow(2, x)
y.sum().backward()
print(x.div(2, rounding_mode="floor"), y, len(y.grad_fn.next_functions), x.grad)`),
      // d/dx 2^x = 2^x ln 2
      'tensor([0., 1.], grad_fn=<DivBackward2>) tensor([2., 4.], grad_fn=<PowBackward2>) 1 tensor([1.3863, 2.7726])\n',
    );
  });
});

describe('coverage: masked_fill broadcasting', () => {
  it('out of place, self expands to the mask; in place it must already have the shape', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
m = torch.tensor([[True, False, False], [False, True, False]])
y = x.masked_fill(m, 0.)
y.sum().backward()
print(y, x.grad)
torch.zeros(3).masked_fill_(m, 1.)`),
      'tensor([[0., 2., 3.],\n        [1., 0., 3.]], grad_fn=<MaskedFillBackward0>) tensor([1., 1., 2.])\n' +
        "RuntimeError: output with shape [3] doesn't match the broadcast shape [2, 3]\n",
    );
  });
});

describe('coverage: casts to int32', () => {
  it('an out-of-range float becomes INT32_MIN (x86 cvttss2si); wider integers wrap', () => {
    assert.strictEqual(
      run('import torch\nprint(torch.tensor(1e10).int(), torch.tensor([2**40 + 5]).int(), torch.tensor([-3.7, 2.9]).int())'),
      'tensor(-2147483648, dtype=torch.int32) tensor([5], dtype=torch.int32) tensor([-3,  2], dtype=torch.int32)\n',
    );
  });
});

describe('coverage: int64 extremes', () => {
  it('int64 values beyond 2^53 print exactly (INT64_MIN from an out-of-range cast)', () => {
    assert.strictEqual(
      run('import torch\nx = torch.tensor([1e20, float("nan"), -2.5]).long()\nprint(x, x[0].item())'),
      'tensor([-9223372036854775808, -9223372036854775808,                   -2]) -9223372036854775808\n',
    );
  });
});

describe('coverage: F.pad', () => {
  it('constant padding from the last dim, negative padding crops (ConstantPadNdBackward0)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
y = F.pad(x, (1, 1))
(y * torch.arange(8.).reshape(2, 4)).sum().backward()
print(y, F.pad(x, (0, 0, 1, 0), value=9.)[0], F.pad(x, (-1, 0)).shape, x.grad)`),
      'tensor([[0., 1., 2., 0.],\n        [0., 3., 4., 0.]], grad_fn=<ConstantPadNdBackward0>) tensor([9., 9.], grad_fn=<SelectBackward0>) torch.Size([2, 1]) tensor([[1., 2.],\n        [5., 6.]])\n',
    );
  });
});
