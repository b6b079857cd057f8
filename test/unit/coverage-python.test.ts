import * as assert from 'assert';
import { run } from './snippet';

/** Python- and nn.Module-level behaviour, expected strings from CPython's and torch/nn/modules/module.py's definitions. */
describe('coverage: dict views and state_dict', () => {
  it('dict views print as CPython does, OrderedDict views as odict_*', () => {
    assert.strictEqual(
      run(`d = {'a': 1, 'b': 2}
print(d.keys(), d.values(), d.items())
print(type(d.keys()).__name__, list(d.keys()), isinstance(d, dict))`),
      "dict_keys(['a', 'b']) dict_values([1, 2]) dict_items([('a', 1), ('b', 2)])\ndict_keys ['a', 'b'] True\n",
    );
  });

  it('state_dict is a collections.OrderedDict', () => {
    assert.strictEqual(
      run(`import torch.nn as nn
sd = nn.Linear(2, 1).state_dict()
print(sd.keys(), type(sd), isinstance(sd, dict))`),
      "odict_keys(['weight', 'bias']) <class 'collections.OrderedDict'> True\n",
    );
  });

  it('load_state_dict copies values and reports <All keys matched successfully>', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Linear(2, 1)
print(m.load_state_dict({'weight': torch.tensor([[1., 2.]]), 'bias': torch.tensor([0.5])}))
print(m(torch.tensor([[1., 1.]])))`),
      '<All keys matched successfully>\ntensor([[3.5000]], grad_fn=<AddmmBackward0>)\n',
    );
  });

  it('load_state_dict in strict mode lists missing keys, then size mismatches', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
nn.Linear(2, 2).load_state_dict({'weight': torch.zeros(3, 2)})`),
      'RuntimeError: Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tsize mismatch for weight: copying a param with shape torch.Size([3, 2]) from checkpoint, the shape in current model is torch.Size([2, 2]).\n',
    );
  });
});

describe('coverage: remainder, fmod and cross entropy with probabilities', () => {
  it('fmod keeps the dividend sign, remainder the divisor sign; tensor divisors take the *Backward1 nodes', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([-3., 3.], requires_grad=True)
print(torch.fmod(x, 2), torch.remainder(x, 2), x % -2)
print(x.fmod(torch.tensor(2.)).grad_fn.name(), (x % torch.tensor(2.)).grad_fn.name())`),
      'tensor([-1.,  1.], grad_fn=<FmodBackward0>) tensor([1., 1.], grad_fn=<RemainderBackward0>) tensor([-1., -1.], grad_fn=<RemainderBackward0>)\nFmodBackward1 RemainderBackward1\n',
    );
  });

  it('cross_entropy with class probabilities: -(log_softmax * p).sum() / N for the mean', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([[1., 2., 3.]], requires_grad=True)
p = torch.tensor([[0., 1., 0.]])
print(F.cross_entropy(x, p), F.cross_entropy(x, p, reduction='sum'), F.cross_entropy(x, p, reduction='none'))`),
      // log_softmax([1, 2, 3])[1] = 2 - log(e + e^2 + e^3) = -1.4076
      'tensor(1.4076, grad_fn=<DivBackward0>) tensor(1.4076, grad_fn=<NegBackward0>) tensor([1.4076], grad_fn=<NegBackward0>)\n',
    );
  });

  it('loss options that are not modelled raise NotImplementedError instead of being ignored', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
nn.CrossEntropyLoss(label_smoothing=0.1)(torch.ones(1, 3), torch.tensor([1]))`),
      'NotImplementedError: nn.CrossEntropyLoss(label_smoothing=...) is not supported by Autograd Lens yet\n',
    );
  });
});

describe('coverage: class descriptors', () => {
  it('property, staticmethod and classmethod', () => {
    assert.strictEqual(
      run(`class C:
    n = 2
    def __init__(self, v):
        self.v = v
    @property
    def double(self):
        return self.v * 2
    @staticmethod
    def add(a, b):
        return a + b
    @classmethod
    def make(cls, v):
        return cls(v * cls.n)
c = C.make(5)
print(c.v, c.double, C.add(1, 2), c.add(3, 4))`),
      '10 20 3 7\n',
    );
  });
});

describe('coverage: argument errors of cat / stack', () => {
  it('a tensor or generator instead of a sequence, and a non-tensor element (python_arg_parser texts)', () => {
    assert.strictEqual(run('import torch\ntorch.cat(torch.ones(2))'), "TypeError: cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor\n");
    assert.strictEqual(run('import torch\ntorch.stack([torch.ones(2), 3])'), 'TypeError: expected Tensor as element 1 in argument 0, but got int\n');
  });
});

describe('coverage: torch.autograd.Function', () => {
  it('the LegendrePolynomial3 example of the PyTorch tutorial', () => {
    assert.strictEqual(
      run(`import torch
class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)
    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)
x = torch.tensor([0.5, 1.0], requires_grad=True)
y = LegendrePolynomial3.apply(x)
print(y)
print(y.grad_fn.name(), type(y.grad_fn).__name__, len(y.grad_fn.next_functions))
y.sum().backward()
print(x.grad)`),
      // P3(0.5) = 0.5 (0.625 - 1.5) = -0.4375; P3'(x) = 1.5 (5x^2 - 1): 0.375, 6
      'tensor([-0.4375,  1.0000], grad_fn=<LegendrePolynomial3Backward>)\nLegendrePolynomial3Backward LegendrePolynomial3Backward 1\ntensor([0.3750, 6.0000])\n',
    );
  });

  it('non-tensor arguments get None gradients and no edge; under no_grad nothing is recorded', () => {
    assert.strictEqual(
      run(`import torch
class MulConst(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t, k):
        ctx.k = k
        return t * k
    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None
x = torch.tensor([1., 2.], requires_grad=True)
z = MulConst.apply(x, 3.0)
z.sum().backward()
print(z, x.grad)
with torch.no_grad():
    print(MulConst.apply(x, 2.0))`),
      'tensor([3., 6.], grad_fn=<MulConstBackward>) tensor([3., 3.])\ntensor([2., 4.])\n',
    );
  });
});

describe('coverage: divmod and hash', () => {
  it('divmod of a tensor is a TypeError (Tensor has no __divmod__); hash of ints is the int', () => {
    assert.strictEqual(run('import torch\ndivmod(torch.tensor(7), 2)'), "TypeError: unsupported operand type(s) for divmod(): 'Tensor' and 'int'\n");
    assert.strictEqual(run('print(divmod(7, 2), hash(5), hash(True))'), '(3, 1) 5 1\n');
  });
});

describe('coverage: Python built-ins found missing by probing (checked against CPython 3)', () => {
  it('printf-style flags, round with negative ndigits, set algebra and equality', () => {
    assert.strictEqual(
      run(`print("%5.1f|%-5d|%5s|%-4s|%+d" % (2.25, 3, "ab", "x", 4), round(12345, -2), round(-250, -2), round(350, -2))
print({1, 2} | {3}, {1, 2} & {2}, {1, 2} - {2}, {1, 2} ^ {2, 3}, set("aab") == {"a", "b"})`),
      '  2.2|3    |   ab|x   |+4 12300 -200 400\n{1, 2, 3} {2} {1} {1, 3} True\n',
    );
  });

  it('dict.update with keywords, str.center/zfill, bin/oct', () => {
    assert.strictEqual(
      run(`d = {"a": 1}
d.update(b=2)
d.update([("c", 3)])
print(d, "ab".center(5, "*"), "abc".center(6, "*"), "-42".zfill(5), bin(5), oct(8), bin(-3))`),
      "{'a': 1, 'b': 2, 'c': 3} **ab* *abc** -0042 0b101 0o10 -0b11\n",
    );
  });
});

describe('coverage: user exception classes', () => {
  it('class MyError(Exception): pass can be raised, caught by itself or its base, and ends a cell as MyError: msg', () => {
    assert.strictEqual(
      run(`class MyError(ValueError):
    """bad value"""
try:
    raise MyError("boom")
except ValueError as e:
    print("caught", e, repr(e), type(e).__name__, isinstance(e, MyError))
raise MyError("again")`),
      "caught boom MyError('boom') MyError True\nMyError: again\n",
    );
  });
});

describe('coverage: keyword arguments a builtin does not read', () => {
  it('raise NotImplementedError naming them instead of being ignored', () => {
    assert.strictEqual(run('import torch\ntorch.ones(2).cumsum(0, dtype=torch.float64)'), 'NotImplementedError: cumsum(dtype=...) is not supported by Autograd Lens yet\n');
    assert.strictEqual(run('import torch\nprint(torch.zeros(2, device="cpu", pin_memory=False), torch.ones(1).sum(dim=0, keepdim=False))'), 'tensor([0., 0.]) tensor(1.)\n');
  });

  it('randint with keyword bounds, nonzero(as_tuple=True)', () => {
    assert.strictEqual(
      run(`import torch
torch.manual_seed(0)
a = torch.randint(low=0, high=5, size=(3,))
torch.manual_seed(0)
print(torch.equal(a, torch.randint(0, 5, (3,))), torch.nonzero(torch.tensor([[0, 1], [2, 0]]), as_tuple=True))`),
      'True (tensor([0, 1]), tensor([1, 0]))\n',
    );
  });
});

describe('coverage: inference mode flag', () => {
  it('torch.is_inference_mode_enabled inside and outside the block', () => {
    assert.strictEqual(
      run(`import torch
print(torch.is_inference_mode_enabled())
with torch.inference_mode():
    print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())`),
      'False\nTrue False\nFalse True\n',
    );
  });
});
