import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/** torch behaviour found by mutating the public oracle cases; expected texts from PyTorch 1.13's sources. */
describe('mutation: torch.optim constructors', () => {
  it('SGD without lr: the required default is caught by add_param_group', () => {
    assert.strictEqual(
      run('import torch\nw = torch.ones(2, requires_grad=True)\ntorch.optim.SGD([w])'),
      "ValueError: parameter group didn't specify a value of required optimization parameter lr\n",
    );
  });

  it('a bare tensor as params is a TypeError naming torch.typename', () => {
    assert.strictEqual(
      run('import torch\nw = torch.ones(2, requires_grad=True)\ntorch.optim.SGD(w, lr=0.1)'),
      'TypeError: params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor\n',
    );
  });
});

describe('mutation: shape errors name the tensor type', () => {
  it('expand with too few sizes on a LongTensor', () => {
    assert.strictEqual(
      run('import torch\ntorch.ones(2, 3, dtype=torch.int64).expand(3)'),
      'RuntimeError: expand(torch.LongTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)\n',
    );
  });
});

describe('mutation: torch.pow with a Python number as base', () => {
  it('torch.pow(2, t) is aten pow.Scalar: PowBackward2 with one input, grad = result * log(2)', () => {
    assert.strictEqual(
      run(`import torch
b = torch.tensor([1., 2., 3.], requires_grad=True)
y = torch.pow(2, b)
print(y, len(y.grad_fn.next_functions))
y.sum().backward()
print(b.grad)
print(torch.pow(2, torch.tensor([1, 2])), torch.pow(2.5, torch.tensor([1, 2])))`),
      'tensor([2., 4., 8.], grad_fn=<PowBackward2>) 1\ntensor([1.3863, 2.7726, 5.5452])\ntensor([2, 4]) tensor([2.5000, 6.2500])\n',
    );
  });
});

describe('mutation: __setitem__ values (python_variable_indexing.cpp)', () => {
  it('basic indexing expands the value to the slice: expand errors', () => {
    assert.strictEqual(
      run('import torch\nx = torch.zeros(3, 4)\nx[0] = torch.tensor([1., 2.])'),
      'RuntimeError: The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [4].  Tensor sizes: [2]\n',
    );
    assert.strictEqual(
      run('import torch\nx = torch.zeros(3, 4)\nx[:, 1] = torch.ones(3, 1)'),
      'RuntimeError: expand(torch.FloatTensor{[3, 1]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)\n',
    );
  });

  it('advanced indexing: index_put_ shape mismatch, after dropping leading 1s of the value', () => {
    assert.strictEqual(
      run('import torch\nx = torch.zeros(3, 4)\nx[[0, 1]] = torch.ones(3)'),
      'RuntimeError: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]\n',
    );
    assert.strictEqual(
      run('import torch\nx = torch.zeros(3, 4)\nx[x == 0] = torch.ones(1, 3)'),
      'RuntimeError: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [12]\n',
    );
  });

  it('leading 1s and broadcastable values are accepted', () => {
    assert.strictEqual(
      run(`import torch
x = torch.zeros(3, 4)
x[0] = torch.ones(1, 4)
x[[1, 2]] = torch.ones(1, 1, 4) * 2
x[:, 1:3] = torch.tensor([[7.], [8.], [9.]])
print(x)`),
      'tensor([[1., 7., 7., 1.],\n        [2., 8., 8., 2.],\n        [2., 9., 9., 2.]])\n',
    );
  });

  it('a list or an ndarray is not a valid value', () => {
    assert.strictEqual(run('import torch\nx = torch.zeros(3, 4)\nx[0] = [1, 2, 3, 4]'), "TypeError: can't assign a list to a torch.FloatTensor\n");
    assert.strictEqual(
      run('import torch\nimport numpy as np\nx = torch.zeros(2, dtype=torch.int64)\nx[0] = np.array([1])'),
      "TypeError: can't assign a numpy.ndarray to a torch.LongTensor\n",
    );
  });
});

describe('mutation: requires_grad and .grad setters (python_variable.cpp, VariableTypeManual.cpp)', () => {
  it('the attribute setter: a bool, on a leaf; its own lowercase dtype message', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\ny.requires_grad = True'),
      'RuntimeError: you can only change requires_grad flags of leaf variables.\n',
    );
    assert.strictEqual(run('import torch\nx = torch.ones(2)\nx.requires_grad = 1'), 'RuntimeError: requires_grad must be a bool\n');
    assert.strictEqual(
      run('import torch\nx = torch.tensor([1, 2])\nx.requires_grad = True'),
      'RuntimeError: only Tensors of floating point and complex dtype can require gradients\n',
    );
  });

  it('requires_grad_(True) on a non-leaf is allowed; requires_grad_() on ints is AutogradMeta\'s "Only Tensors" error', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\ny = (x * 2).requires_grad_()\nprint(y)\ny.requires_grad_(False)'),
      "tensor([2., 2.], grad_fn=<MulBackward0>)\nRuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().\n",
    );
    assert.strictEqual(
      run('import torch\ntorch.tensor([1, 2]).requires_grad_()'),
      'RuntimeError: Only Tensors of floating point and complex dtype can require gradients\n',
    );
  });

  it('assigning .grad checks the type, then the size', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\nx.grad = torch.tensor([1, 1])'),
      'RuntimeError: assigned grad has data of a different type\n',
    );
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\nx.grad = x'),
      "RuntimeError: can't assign Variable as its own grad\n",
    );
  });
});

describe('mutation: torch.tensor(data) as tensor_new.cpp reads it', () => {
  it('dtype inference promotes over all elements; empty lists count as the default dtype', () => {
    assert.strictEqual(
      run(`import torch
print(torch.tensor([True, 1]), torch.tensor([1, 2.5]), torch.tensor([[], []]).dtype, torch.tensor([torch.tensor(1., dtype=torch.float64), 2]))`),
      'tensor([1, 1]) tensor([1.0000, 2.5000]) torch.float32 tensor([1., 2.], dtype=torch.float64)\n',
    );
  });

  it('sizes come from the first elements; a scalar where a sequence belongs is "not a sequence"', () => {
    assert.strictEqual(run('import torch\ntorch.tensor([[1, 2], 3])'), 'TypeError: not a sequence\n');
    assert.strictEqual(run('import torch\ntorch.tensor([[1, 2], []])'), 'ValueError: expected sequence of length 2 at dim 1 (got 0)\n');
  });

  it('a sequence where a scalar belongs fails in store_scalar, by the target dtype', () => {
    assert.strictEqual(run('import torch\ntorch.tensor([1, [2, 3]])'), "TypeError: 'list' object cannot be interpreted as an integer\n");
    assert.strictEqual(run('import torch\ntorch.tensor([1., [2, 3]])'), 'TypeError: must be real number, not list\n');
  });

  it('None and other objects: Could not infer dtype', () => {
    assert.strictEqual(run('import torch\ntorch.tensor([1, None])'), 'RuntimeError: Could not infer dtype of NoneType\n');
    assert.strictEqual(run("import torch\ntorch.tensor({'a': 1})"), 'RuntimeError: Could not infer dtype of dict\n');
  });
});

describe('mutation: backward(gradient) argument', () => {
  it('a Python number is rejected by _make_grads', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\nx.sum().backward(2.0)'),
      'TypeError: gradients can be either Tensors or None, but got float\n',
    );
  });
});

describe('mutation: nll_loss / cross_entropy shape checks (LossNLL.cpp)', () => {
  it('1-D input takes a 0-D target; otherwise nll_loss_forward reports a size mismatch', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn.functional as F\nF.cross_entropy(torch.tensor([1., 2., 3.]), torch.tensor([2]))'),
      'RuntimeError: size mismatch (got input: [3], target: [1])\n',
    );
    assert.strictEqual(
      run('import torch\nimport torch.nn.functional as F\nprint(F.cross_entropy(torch.tensor([1., 2., 3.]), torch.tensor(2)))'),
      'tensor(0.4076)\n',
    );
  });

  it('multi-target and 0-d inputs', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn.functional as F\nF.cross_entropy(torch.tensor([[1., 2., 3.]]), torch.tensor([[2]]))'),
      'RuntimeError: 0D or 1D target tensor expected, multi-target not supported\n',
    );
    assert.strictEqual(
      run('import torch\nimport torch.nn.functional as F\nF.nll_loss(torch.tensor(1.), torch.tensor(0))'),
      'ValueError: Expected 1 or more dimensions (got 0)\n',
    );
  });
});

describe('mutation: nn.Module.__setattr__ (torch/nn/modules/module.py)', () => {
  it('a plain tensor where a Parameter is registered is a TypeError naming torch.typename', () => {
    assert.strictEqual(
      run('import torch\nimport torch.nn as nn\nm = nn.Linear(2, 1)\nm.weight = torch.tensor([[1., 2.]])'),
      "TypeError: cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)\n",
    );
    assert.strictEqual(
      run('import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(1, 1)\nm = M()\nm.fc = 5'),
      "TypeError: cannot assign 'int' as child module 'fc' (torch.nn.Module or None expected)\n",
    );
  });

  it('None unregisters a parameter (Linear prints bias=False)', () => {
    assert.strictEqual(
      run('import torch.nn as nn\nm = nn.Linear(2, 1)\nm.bias = None\nprint(m, m.bias, len(list(m.parameters())))'),
      'Linear(in_features=2, out_features=1, bias=False) None 1\n',
    );
  });

  it('forgetting super().__init__(): modules and parameters cannot be assigned', () => {
    assert.strictEqual(
      run('import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(1, 1)\nM()'),
      'AttributeError: cannot assign module before Module.__init__() call\n',
    );
    assert.strictEqual(
      run('import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        self.w = nn.Parameter(torch.ones(1))\nM()'),
      'AttributeError: cannot assign parameters before Module.__init__() call\n',
    );
  });
});

describe('mutation: reductions on integer tensors and frobenius over two dims', () => {
  it('std/var refuse integer input (std_var_out)', () => {
    assert.strictEqual(run('import torch\ntorch.tensor([1, 2]).std()'), 'RuntimeError: std and var only support floating point and complex dtypes\n');
    assert.strictEqual(run('import torch\ntorch.tensor([1, 2]).var(0)'), 'RuntimeError: std and var only support floating point and complex dtypes\n');
  });

  it('norm of an integer tensor is refused by norm.ScalarOpt_dim; logsumexp of ints is floating', () => {
    assert.strictEqual(
      run('import torch\ntorch.tensor([[1, 2], [3, 4]]).norm()'),
      'RuntimeError: norm(): input dtype should be either floating point or complex. Got Long instead.\n',
    );
    assert.strictEqual(run('import torch\nprint(torch.tensor([[1, 2], [3, 4]]).logsumexp(1))'), 'tensor([2.3133, 4.3133])\n');
  });

  it("p='fro' over two dims is frobenius_norm's sqrt(sum(x * x))", () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
print(x.norm(), x.norm(dim=(0, 1)), x.norm(p=1, dim=(0, 1)))`),
      'tensor(5.4772, grad_fn=<NormBackward1>) tensor(5.4772, grad_fn=<SqrtBackward0>) tensor(10., grad_fn=<NormBackward1>)\n',
    );
  });
});

describe('mutation: permute / chunk / split argument checks (TensorShape.cpp)', () => {
  it('duplicate permute dims', () => {
    assert.strictEqual(run('import torch\ntorch.ones(2, 3).permute(0, -2)'), 'RuntimeError: permute(): duplicate dims are not allowed.\n');
  });

  it('chunk(0) and split(0) are errors, not empty or endless', () => {
    assert.strictEqual(run('import torch\ntorch.ones(4).chunk(0)'), 'RuntimeError: chunk expects `chunks` to be greater than 0, got: 0\n');
    assert.strictEqual(
      run('import torch\ntorch.ones(4).split(0)'),
      'RuntimeError: split_size can only be 0 if dimension size is 0, but got dimension size of 4\n',
    );
    assert.strictEqual(run('import torch\ntorch.tensor(1.).chunk(2)'), 'RuntimeError: chunk expects at least a 1-dimensional tensor\n');
  });
});

describe('mutation: x.T on tensors that are not 2-D', () => {
  it("numpy_T warns once per process (TORCH_WARN_ONCE; 1.13.1's TensorShape.cpp line, 91 after meshgrid's 3190)", () => {
    const res = runCells(splitCells('import torch\nx = torch.tensor([1., 2.])\nprint(x.T)\nfor i in range(2):\n    torch.ones(2, 3, 1).T\nprint(torch.ones(2, 2).T.shape, torch.tensor(1.).T)')).cells;
    assert.strictEqual(res[0].stdout, 'tensor([1., 2.])\ntorch.Size([2, 2]) tensor(1.)\n');
    assert.deepStrictEqual(
      res[0].warnings.map((w) => w.message),
      [
        'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered internally at  ./aten/src/ATen/native/TensorShape.cpp:3281.)',
      ],
    );
  });
});

describe('mutation: torch.meshgrid without indexing=', () => {
  it('warns once (TensorShape.cpp:3190 in 1.13.x builds) and uses "ij"', () => {
    const res = runCells(splitCells('import torch\nx, y = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))\nprint(x, y)\ntorch.meshgrid(torch.tensor([1]))')).cells;
    assert.strictEqual(res[0].stdout, 'tensor([[1, 1, 1],\n        [2, 2, 2]]) tensor([[3, 4, 5],\n        [3, 4, 5]])\n(tensor([1]),)\n');
    assert.deepStrictEqual(
      res[0].warnings.map((w) => w.message),
      ['torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument. (Triggered internally at  ./aten/src/ATen/native/TensorShape.cpp:3190.)'],
    );
  });
});

describe('mutation: torch.range and integer overflow in torch.tensor', () => {
  it('torch.range is end-inclusive, floating by default, and warns (python_torch_functions.cpp)', () => {
    const res = runCells(splitCells('import torch\nprint(torch.range(0, 3), torch.range(1, 2, 0.5), torch.range(0, 4, 2, dtype=torch.int64))')).cells;
    assert.strictEqual(res[0].stdout, 'tensor([0., 1., 2., 3.]) tensor([1.0000, 1.5000, 2.0000]) tensor([0, 2, 4])\n');
    assert.deepStrictEqual(res[0].warnings.map((w) => w.message), [
      "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).",
    ]);
  });

  it('a Python int beyond int64 cannot be stored in an integer tensor', () => {
    assert.strictEqual(run('import torch\ntorch.tensor(2**63)'), 'RuntimeError: Overflow when unpacking long\n');
    assert.strictEqual(run('import torch\nprint(torch.tensor(2**63, dtype=torch.float32))'), 'tensor(9.2234e+18)\n');
  });
});

describe('mutation: a missing argument to a torch binding', () => {
  it("python_arg_parser's missing_args text", () => {
    assert.strictEqual(
      run('import torch\ntorch.ones(2).unsqueeze()'),
      'TypeError: unsqueeze() missing 1 required positional arguments: "dim"\n',
    );
  });
});

describe('mutation: torch.where(condition) and nonzero(as_tuple=True)', () => {
  it('one index tensor per dimension, usable as an index', () => {
    assert.strictEqual(
      run('import torch\nx = torch.tensor([[0, 1], [2, 0]])\nprint(torch.where(x > 0), x.nonzero(as_tuple=True), x[torch.where(x > 0)])'),
      '(tensor([0, 1]), tensor([1, 0])) (tensor([0, 1]), tensor([1, 0])) tensor([1, 2])\n',
    );
  });
});

describe('mutation: torch.Size and tensor attributes', () => {
  it('Size concat/repeat stay Size; count/index work; stride()', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, 3, 4)\nprint(x.shape + (1,), x.shape * 2, x.shape.index(3), x.shape.count(2), x.stride(), x.transpose(0, 2).stride(1))'),
      'torch.Size([2, 3, 4, 1]) torch.Size([2, 3, 4, 2, 3, 4]) 1 1 (12, 4, 1) 4\n',
    );
  });

  it('C++ properties are not writable; other names go to the instance __dict__', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2)\nx.tag = "w"\nprint(x.tag)\nx.shape = (3,)'),
      "w\nAttributeError: attribute 'shape' of 'torch._C._TensorBase' objects is not writable\n",
    );
  });
});

describe('mutation: device= on factories of a CPU-only build', () => {
  it('cuda is refused as .cuda() and .to() refuse it; cpu passes', () => {
    assert.strictEqual(run("import torch\ntorch.ones(2, device='cuda')"), 'AssertionError: Torch not compiled with CUDA enabled\n');
    assert.strictEqual(run("import torch\nprint(torch.ones(2, device='cpu'), torch.tensor([1.], device=torch.device('cpu')))"), 'tensor([1., 1.]) tensor([1.])\n');
  });
});

describe('mutation: division with a rounding mode, integer division by zero', () => {
  it('div(..., rounding_mode=) takes div.Tensor_mode: DivBackward2 (derivatives.yaml order)', () => {
    assert.strictEqual(
      run('import torch\nx = torch.tensor([1.5, -2.5], requires_grad=True)\nprint(x.div(2, rounding_mode="floor"), torch.div(x, torch.tensor(2.), rounding_mode="trunc"))'),
      'tensor([ 0., -2.], grad_fn=<DivBackward2>) tensor([ 0., -1.], grad_fn=<DivBackward2>)\n',
    );
  });

  it('integral %, fmod and rounding div by zero raise ZeroDivisionError; floats give inf/nan', () => {
    assert.strictEqual(run('import torch\ntorch.tensor([1, 2]) % 0'), 'RuntimeError: ZeroDivisionError\n');
    assert.strictEqual(run('import torch\ntorch.tensor([5, -5]).div(0, rounding_mode="trunc")'), 'RuntimeError: ZeroDivisionError\n');
    assert.strictEqual(run('import torch\nprint(torch.tensor([1., -2.]) % 0, torch.tensor([1., 2.]) // 0)'), 'tensor([nan, nan]) tensor([inf, inf])\n');
  });
});

describe('mutation: clamp with tensor bounds (clamp.Tensor)', () => {
  it('elementwise bounds, ClampBackward0, gradients to self, min and max', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([-1., 0.5, 3.], requires_grad=True)
lo = torch.tensor([0., 0., 0.], requires_grad=True)
hi = torch.tensor([1., 1., 2.], requires_grad=True)
y = x.clamp(lo, hi)
print(y, torch.clamp(x, min=torch.zeros(3)))
y.sum().backward()
print(x.grad, lo.grad, hi.grad)`),
      'tensor([0.0000, 0.5000, 2.0000], grad_fn=<ClampBackward0>) tensor([0.0000, 0.5000, 3.0000], grad_fn=<ClampBackward0>)\ntensor([0., 1., 0.]) tensor([1., 0., 0.]) tensor([0., 0., 1.])\n',
    );
  });
});
