import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/** nn.Module bookkeeping as torch/nn/modules/module.py defines it (1.13). */
describe('coverage: nn.Module buffers, named_modules, apply', () => {
  it('register_buffer: an attribute, in state_dict after own parameters, not a parameter', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1., 2.]))
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
        self.register_buffer('running', torch.zeros(2))
        self.register_buffer('scratch', torch.ones(1), persistent=False)
m = M()
print([n for n, _ in m.named_parameters()])
print(list(m.state_dict().keys()))
print([n for n, _ in m.named_buffers()], m.running)
m.running = torch.ones(2)
print(m.state_dict()['running'])
print([n for n, _ in m.named_modules()])`),
      "['w', 'layers.0.weight', 'layers.0.bias']\n['w', 'running', 'layers.0.weight', 'layers.0.bias']\n['running', 'scratch'] tensor([0., 0.])\ntensor([1., 1.])\n['', 'layers', 'layers.0', 'layers.1']\n",
    );
  });

  it('apply visits children before the module itself and returns it', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Sequential(nn.Linear(2, 1), nn.Sequential(nn.ReLU()))
seen = []
r = m.apply(lambda mod: seen.append(type(mod).__name__))
print(seen, r is m)
def init(mod):
    if isinstance(mod, nn.Linear):
        nn.init.ones_(mod.weight)
        nn.init.zeros_(mod.bias)
m.apply(init)
print(m(torch.tensor([[1., 2.]])))`),
      "['Linear', 'ReLU', 'Sequential', 'Sequential'] True\ntensor([[3.]], grad_fn=<ReluBackward0>)\n",
    );
  });

  it('requires_grad_(False) on a module freezes its parameters', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Linear(2, 1).requires_grad_(False)
print(m.weight.requires_grad, m(torch.ones(1, 2)).requires_grad)`),
      'False False\n',
    );
  });
});

/** LayerNorm / BatchNorm1d / Embedding as torch/nn/modules/{normalization,batchnorm,sparse}.py define them. */
describe('coverage: LayerNorm, BatchNorm1d, Embedding', () => {
  it('LayerNorm normalises the last dims (biased variance, eps 1e-5) with NativeLayerNormBackward0', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
ln = nn.LayerNorm(3)
print(ln)
y = ln(torch.tensor([[1., 2., 3.], [2., 2., 5.]], requires_grad=True))
print(y)
(y * torch.tensor([1., 2., 3.])).sum().backward()
print(ln.weight.grad, ln.bias.grad)`),
      // row 1: (x - 2) / sqrt(2/3 + 1e-5); row 2: (x - 3) / sqrt(2 + 1e-5); dweight = sum_rows(g * xhat), dbias = sum_rows(g)
      'LayerNorm((3,), eps=1e-05, elementwise_affine=True)\n' +
        'tensor([[-1.2247,  0.0000,  1.2247],\n        [-0.7071, -0.7071,  1.4142]], grad_fn=<NativeLayerNormBackward0>)\n' +
        'tensor([-1.9318, -1.4142,  7.9168]) tensor([2., 4., 6.])\n',
    );
  });

  it('BatchNorm1d in training updates running stats with the unbiased variance; eval uses them', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
bn = nn.BatchNorm1d(2)
print(bn)
z = torch.tensor([[1., 10.], [3., 20.], [5., 60.]])
print(bn(z))
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
print(list(bn.state_dict().keys()))
bn.eval()
print(bn(z)[0])`),
      // channel 0: mean 3, biased var 8/3; channel 1: mean 30, biased var 1400/3
      // running: 0.1 * mean, 0.9 + 0.1 * unbiased var (4 and 700); eval: (1 - 0.3) / sqrt(1.3 + 1e-5), (10 - 3) / sqrt(70.9 + 1e-5)
      'BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n' +
        'tensor([[-1.2247, -0.9258],\n        [ 0.0000, -0.4629],\n        [ 1.2247,  1.3887]], grad_fn=<NativeBatchNormBackward0>)\n' +
        "tensor([0.3000, 3.0000]) tensor([ 1.3000, 70.9000]) tensor(1)\n['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']\n" +
        'tensor([0.6139, 0.8313], grad_fn=<SelectBackward0>)\n',
    );
  });

  it('BatchNorm1d refuses one value per channel in training', () => {
    assert.strictEqual(
      run('import torch.nn as nn\nimport torch\nnn.BatchNorm1d(3)(torch.ones(1, 3))'),
      'ValueError: Expected more than 1 value per channel when training, got input size torch.Size([1, 3])\n',
    );
  });

  it('Embedding is initialised like randn and accumulates row gradients (EmbeddingBackward0)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
torch.manual_seed(0)
emb = nn.Embedding(5, 3)
print(emb, torch.equal(emb.weight.detach(), (torch.manual_seed(0), torch.randn(5, 3))[1]))
e = emb(torch.tensor([[0, 2], [4, 2]]))
print(e.shape, e.grad_fn.name())
e.sum().backward()
print(emb.weight.grad[:, 0])
print(nn.Embedding(4, 2, padding_idx=0))`),
      'Embedding(5, 3) True\ntorch.Size([2, 2, 3]) EmbeddingBackward0\ntensor([1., 0., 2., 0., 1.])\nEmbedding(4, 2, padding_idx=0)\n',
    );
  });
});

describe('coverage: error texts of common nn/optim mistakes', () => {
  it('BCELoss with an integer target fails in the kernel TensorIterator dtype check', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn as nn\nnn.BCELoss()(torch.tensor([0.5, 0.5]), torch.tensor([1, 0]))'),
      'RuntimeError: Found dtype Long but expected Float\n',
    );
  });

  it('SGD without lr, and without params', () => {
    assert.strictEqual(
      run('import torch\ntorch.optim.SGD([torch.ones(2, requires_grad=True)])'),
      "ValueError: parameter group didn't specify a value of required optimization parameter lr\n",
    );
    assert.strictEqual(run('import torch\ntorch.optim.SGD(lr=0.1)'), "TypeError: SGD.__init__() missing 1 required positional argument: 'params'\n");
  });

  it('assigning a plain tensor over a parameter is a TypeError (Module.__setattr__)', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn as nn\nnn.Linear(2, 2).weight = torch.ones(2, 2)'),
      "TypeError: cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)\n",
    );
  });
});

describe('coverage: nn.utils gradient clipping', () => {
  it('clip_grad_norm_ returns the total norm and scales by max_norm / (norm + 1e-6); clip_grad_value_ clamps', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
w = torch.tensor([3., 4.], requires_grad=True)
(w * w).sum().backward()
n = nn.utils.clip_grad_norm_([w], max_norm=1.0)
print(n, w.grad)
b = torch.tensor([1., -5.], requires_grad=True)
(b * 3).sum().backward()
print(torch.nn.utils.clip_grad_value_([b], 2), b.grad)`),
      'tensor(10.) tensor([0.6000, 0.8000])\nNone tensor([2., 2.])\n',
    );
  });
});

describe('coverage: containers', () => {
  it('Sequential slicing keeps the names, append and add_module register modules', () => {
    assert.strictEqual(
      run(`import torch.nn as nn
from collections import OrderedDict
m = nn.Sequential(OrderedDict([('fc1', nn.Linear(2, 3)), ('act', nn.ReLU()), ('fc2', nn.Linear(3, 1))]))
print(m[:2])
m.add_module('out', nn.Sigmoid())
print(len(m), [type(l).__name__ for l in m], m[-1])
s = nn.Sequential()
s.append(nn.Tanh())
print(s)`),
      'Sequential(\n  (fc1): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n)\n' +
        "4 ['Linear', 'ReLU', 'Linear', 'Sigmoid'] Sigmoid()\nSequential(\n  (0): Tanh()\n)\n",
    );
  });

  it('ModuleDict registers by key; ModuleList slices renumber', () => {
    assert.strictEqual(
      run(`import torch.nn as nn
d = nn.ModuleDict({'a': nn.Linear(1, 1), 'b': nn.ReLU()})
print(d)
print(d['b'], list(d.keys()), 'a' in d, len(d))
print(nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])[1:])`),
      'ModuleDict(\n  (a): Linear(in_features=1, out_features=1, bias=True)\n  (b): ReLU()\n)\n' +
        "ReLU() ['a', 'b'] True 2\nModuleList(\n  (0): Tanh()\n  (1): Sigmoid()\n)\n",
    );
  });
});

describe('coverage: convolution and pooling', () => {
  it('Conv2d repr and parameter shapes; F.conv2d values and gradients (cross-correlation)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
import torch.nn.functional as F
print(nn.Conv2d(1, 2, 3), nn.Conv2d(1, 2, 3).weight.shape)
print(nn.Conv2d(3, 6, 5, stride=2, padding=1, bias=False), nn.Conv1d(1, 1, 3))
x = torch.arange(16.).reshape(1, 1, 4, 4)
w = torch.ones(1, 1, 2, 2, requires_grad=True)
out = F.conv2d(x, w)
print(out)
out.sum().backward()
print(w.grad)
print(F.conv1d(torch.tensor([[[1., 2., 3., 4.]]]), torch.tensor([[[1., 0., -1.]]]), padding=1))`),
      'Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1)) torch.Size([2, 1, 3, 3])\n' +
        'Conv2d(3, 6, kernel_size=(5, 5), stride=(2, 2), padding=(1, 1), bias=False) Conv1d(1, 1, kernel_size=(3,), stride=(1,))\n' +
        // 2x2 window sums of 0..15; dW[i][j] = sum of the 3x3 block starting at (i, j)
        'tensor([[[[10., 14., 18.],\n          [26., 30., 34.],\n          [42., 46., 50.]]]], grad_fn=<ConvolutionBackward0>)\n' +
        'tensor([[[[45., 54.],\n          [81., 90.]]]])\n' +
        'tensor([[[-2., -2., -2.,  3.]]])\n',
    );
  });

  it('MaxPool2d / AvgPool2d reprs, values and the max gradient routing', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
import torch.nn.functional as F
print(nn.MaxPool2d(2, 2), nn.AvgPool2d(2))
x = torch.tensor([[[[1., 2., 5., 3.], [4., 0., 1., 1.], [2., 2., 9., 8.], [3., 1., 7., 6.]]]], requires_grad=True)
m = nn.MaxPool2d(2)(x)
print(m)
m.sum().backward()
print(x.grad[0, 0])
print(F.avg_pool2d(x, 2))`),
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False) AvgPool2d(kernel_size=2, stride=2, padding=0)\n' +
        'tensor([[[[4., 5.],\n          [3., 9.]]]], grad_fn=<MaxPool2DWithIndicesBackward0>)\n' +
        'tensor([[0., 0., 1., 0.],\n        [1., 0., 0., 0.],\n        [0., 0., 1., 0.],\n        [1., 0., 0., 0.]])\n' +
        'tensor([[[[1.7500, 2.5000],\n          [2.0000, 7.5000]]]], grad_fn=<AvgPool2DBackward0>)\n',
    );
  });

  it('a channel mismatch raises the ATen message', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn as nn\nnn.Conv2d(1, 2, 3)(torch.ones(1, 3, 4, 4))'),
      'RuntimeError: Given groups=1, weight of size [2, 1, 3, 3], expected input[1, 3, 4, 4] to have 1 channels, but got 3 channels instead\n',
    );
  });
});

describe('coverage: module forward hooks', () => {
  it('forward pre-hooks see the inputs, forward hooks the output (and may replace it); handles remove them', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Linear(2, 1)
nn.init.ones_(m.weight)
nn.init.zeros_(m.bias)
seen = {}
h = m.register_forward_hook(lambda mod, inp, out: seen.update(out=out.item()))
p = m.register_forward_pre_hook(lambda mod, inp: print("pre", len(inp), inp[0].shape))
print(m(torch.tensor([[1., 2.]])), seen)
h.remove()
p.remove()
seen.clear()
m.register_forward_hook(lambda mod, inp, out: out * 10)
print(m(torch.tensor([[1., 2.]])), seen)`),
      'pre 1 torch.Size([1, 2])\ntensor([[3.]], grad_fn=<AddmmBackward0>) {\'out\': 3.0}\ntensor([[30.]], grad_fn=<MulBackward0>) {}\n',
    );
  });
});

describe('coverage: module dtype conversion', () => {
  it('double() / to(dtype) convert parameters in place, keeping the Parameter objects', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Linear(2, 1)
w = m.weight
m.double()
print(m.weight.dtype, m.weight is w, m(torch.ones(1, 2, dtype=torch.float64)).dtype)
m.to(torch.float32)
print(m.weight.dtype)
m(torch.ones(1, 2, dtype=torch.float64))`),
      'torch.float64 True torch.float64\ntorch.float32\nRuntimeError: mat1 and mat2 must have the same dtype\n',
    );
  });
});

describe('coverage: nn.Softmax without dim', () => {
  it('picks dim 1 for 2-D input with the implicit-dimension warning', () => {
    const res = runCells(splitCells('import torch\nimport torch.nn as nn\nm = nn.Softmax()\nprint(m, m(torch.tensor([[1., 2.], [3., 5.]])))')).cells[0];
    assert.strictEqual(res.stdout, 'Softmax(dim=None) tensor([[0.2689, 0.7311],\n        [0.1192, 0.8808]])\n');
    assert.deepStrictEqual(res.warnings.map((w) => w.message), ['Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument.']);
  });
});

describe('coverage: constructor arguments that used to be ignored', () => {
  it('nn.Linear(dtype=torch.float64) draws float64 parameters', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
torch.manual_seed(0)
m = nn.Linear(2, 1, dtype=torch.float64)
torch.manual_seed(0)
b = 1 / 2 ** 0.5
print(m.weight.dtype, torch.allclose(m.weight.detach(), torch.empty(1, 2, dtype=torch.float64).uniform_(-b, b), rtol=0, atol=1e-12))`),
      'torch.float64 True\n',
    );
  });

  it('size_average / reduce map to a reduction with the legacy warning', () => {
    const res = runCells(splitCells('import torch\nimport torch.nn as nn\nprint(nn.MSELoss(size_average=False)(torch.ones(2), torch.zeros(2)))')).cells[0];
    assert.strictEqual(res.stdout, 'tensor(2.)\n');
    assert.deepStrictEqual(res.warnings.map((w) => w.message), ["size_average and reduce args will be deprecated, please use reduction='sum' instead."]);
  });
});

describe('coverage: inplace activations', () => {
  it('inplace=True shows in the repr and modifies the input (F.relu(x, inplace=True) returns x)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
import torch.nn.functional as F
print(nn.ReLU(inplace=True), nn.LeakyReLU(0.2, inplace=True), nn.ELU(inplace=True), nn.ReLU(), nn.LeakyReLU(1))
x = torch.tensor([-1., 2.])
print(F.relu(x, inplace=True) is x, x)
h = torch.tensor([-1., 2.], requires_grad=True) * 1
nn.ReLU(inplace=True)(h)
print(h, h._version)`),
      'ReLU(inplace=True) LeakyReLU(negative_slope=0.2, inplace=True) ELU(alpha=1.0, inplace=True) ReLU() LeakyReLU(negative_slope=1)\n' +
        'True tensor([0., 2.])\ntensor([0., 2.], grad_fn=<ReluBackward0>) 1\n',
    );
  });
});

describe('coverage: module constructor keywords', () => {
  it('an unread keyword of a built-in module raises NotImplementedError; harmless ones pass', () => {
    assert.strictEqual(run('import torch\nimport torch.nn as nn\nnn.Conv2d(1, 1, 3, dtype=torch.float64)'), 'NotImplementedError: nn.Conv2d(dtype=...) is not supported by Autograd Lens yet\n');
    assert.strictEqual(run('import torch.nn as nn\nprint(nn.Linear(2, 3, device="cpu"))'), 'Linear(in_features=2, out_features=3, bias=True)\n');
  });
});

describe('coverage: forgetting super().__init__()', () => {
  it('assigning a submodule first is Module.__setattr__\'s AttributeError', () => {
    assert.strictEqual(
      run(`import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        self.l = nn.Linear(1, 1)
M()`),
      'AttributeError: cannot assign module before Module.__init__() call\n',
    );
  });
});
