import * as assert from 'assert';
import { run } from './snippet';

// Expected texts follow torch/csrc/utils/python_arg_parser.cpp (FunctionSignature::toString,
// PythonArgParser::print_error) and invalid_arguments.cpp (format_invalid_args) with the
// signatures 1.13 generated for these functions.
const pre = 'import torch\nx = torch.ones(2, 3, requires_grad=True)\n';

describe('known diffs: PyTorch argument-parser errors of overloaded functions', () => {
  it('a method given a float dim: several plausible overloads give the invalid-combination list', () => {
    assert.strictEqual(
      run(pre + 'x.sum(dim=1.5)'),
      'TypeError: sum() received an invalid combination of arguments - got (dim=float, ), but expected one of:\n' +
        ' * (*, torch.dtype dtype)\n' +
        ' * (tuple of ints dim, bool keepdim, *, torch.dtype dtype)\n' +
        ' * (tuple of names dim, bool keepdim, *, torch.dtype dtype)\n\n',
    );
  });

  it('the "*" counts as an argument: two keywords are checked against (*, torch.dtype dtype); keywords come out reversed', () => {
    // the keywords pass through a std::unordered_map: libstdc++ iterates a small one in reverse insertion order
    assert.strictEqual(
      run(pre + 'x.sum(axis=0, out=None)'),
      'TypeError: sum() received an invalid combination of arguments - got (out=NoneType, axis=int, ), but expected one of:\n' +
        ' * (*, torch.dtype dtype)\n' +
        "      didn't match because some of the keywords were incorrect: out, axis\n" +
        ' * (tuple of ints dim, bool keepdim, *, torch.dtype dtype)\n' +
        ' * (tuple of names dim, bool keepdim, *, torch.dtype dtype)\n\n',
    );
  });

  it('torch.sum with keywords of the wrong types (the onnx2torch report of this exact message)', () => {
    assert.strictEqual(
      run(pre + 'torch.sum(x, dim=[0, 1], keepdim=0)'),
      'TypeError: sum() received an invalid combination of arguments - got (Tensor, keepdim=int, dim=list), but expected one of:\n' +
        ' * (Tensor input, *, torch.dtype dtype)\n' +
        "      didn't match because some of the keywords were incorrect: keepdim, dim\n" +
        ' * (Tensor input, tuple of ints dim, bool keepdim, *, torch.dtype dtype, Tensor out)\n' +
        ' * (Tensor input, tuple of names dim, bool keepdim, *, torch.dtype dtype, Tensor out)\n\n',
    );
  });

  it('torch.mean with a non-bool keepdim lists the function overloads (with out)', () => {
    assert.strictEqual(
      run(pre + 'torch.mean(x, 1, 1)'),
      'TypeError: mean() received an invalid combination of arguments - got (Tensor, int, int), but expected one of:\n' +
        ' * (Tensor input, *, torch.dtype dtype)\n' +
        // three given, three in "(Tensor input, *, torch.dtype dtype)": the "*" is counted
        "      didn't match because some of the arguments have invalid types: (Tensor, !int!, !int!)\n" +
        ' * (Tensor input, tuple of ints dim, bool keepdim, *, torch.dtype dtype, Tensor out)\n' +
        ' * (Tensor input, tuple of names dim, bool keepdim, *, torch.dtype dtype, Tensor out)\n\n',
    );
  });

  it('an argument count equal to an option\'s marks the mismatching types with !', () => {
    assert.strictEqual(
      run(pre + 'x.max(1.5)'),
      'TypeError: max() received an invalid combination of arguments - got (float), but expected one of:\n' +
        ' * ()\n' +
        "      didn't match because some of the arguments have invalid types: (!float!)\n" +
        ' * (Tensor other)\n' +
        "      didn't match because some of the arguments have invalid types: (!float!)\n" +
        ' * (int dim, bool keepdim)\n' +
        ' * (name dim, bool keepdim)\n\n',
    );
  });

  it('torch.cat with a float dim', () => {
    assert.strictEqual(
      run(pre + 'torch.cat([x], 1.5)'),
      'TypeError: cat() received an invalid combination of arguments - got (list, float), but expected one of:\n' +
        ' * (tuple of Tensors tensors, int dim, *, Tensor out)\n' +
        ' * (tuple of Tensors tensors, name dim, *, Tensor out)\n\n',
    );
  });

  it('a tensor list with a non-tensor element fails while matching (is_tensor_list_and_append_overloaded)', () => {
    assert.strictEqual(run(pre + 'torch.cat([x, 1])'), 'TypeError: expected Tensor as element 1 in argument 0, but got int\n');
  });

  it('one plausible overload names the argument (print_error re-parses it with raise_exception)', () => {
    assert.strictEqual(run(pre + 'torch.sum([1, 2])'), "TypeError: sum(): argument 'input' (position 1) must be Tensor, not list\n");
    assert.strictEqual(run(pre + 'torch.cat(x)'), "TypeError: cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor\n");
  });

  it('functions mirroring methods count the input in positions', () => {
    assert.strictEqual(run(pre + 'torch.mm(x, 2)'), "TypeError: mm(): argument 'mat2' (position 2) must be Tensor, not int\n");
    assert.strictEqual(run(pre + 'torch.matmul(x, [1])'), "TypeError: matmul(): argument 'other' (position 2) must be Tensor, not list\n");
  });

  it('valid calls still go through', () => {
    assert.strictEqual(run(pre + 'print(x.sum(0, keepdim=True), torch.max(x, 1).values, x.mean(axis=1, keepdims=True).shape)'),
      'tensor([[2., 2., 2.]], grad_fn=<SumBackward1>) tensor([1., 1.], grad_fn=<MaxBackward0>) torch.Size([2, 1])\n');
  });
});

describe('known diffs: add/sub/mul/div take Python numbers as tensors', () => {
  it('torch.add(1, 2) is a wrapped-number add (should_allow_numbers_as_tensors)', () => {
    assert.strictEqual(run('import torch\nprint(torch.add(1, 2), torch.add(1.5, 2), torch.mul(2, 3.0))'), 'tensor(3) tensor(3.5000) tensor(6.)\n');
  });

  it('torch.sub(1, x) is sub.Tensor (SubBackward0), not rsub', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\ny = torch.sub(1, x)\nprint(y)\nprint(y.grad_fn.next_functions[0])'),
      'tensor([0., 0.], grad_fn=<SubBackward0>)\n(None, 0)\n',
    );
  });
});

describe('known diffs: requires_grad_ takes a bool only', () => {
  it('an int is rejected by its single signature requires_grad_(bool requires_grad=True)', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2)\nx.requires_grad_(1)'),
      "TypeError: requires_grad_(): argument 'requires_grad' (position 1) must be bool, not int\n",
    );
    assert.strictEqual(
      run('import torch\nx = torch.ones(2)\nx.requires_grad_(requires_grad=0)'),
      "TypeError: requires_grad_(): argument 'requires_grad' must be bool, not int\n",
    );
    assert.strictEqual(run('import torch\nx = torch.ones(2)\nprint(x.requires_grad_().requires_grad, x.requires_grad_(False).requires_grad)'), 'True False\n');
  });
});

describe('known diffs: more overloaded signatures (add/sub/mul/div/pow/clamp/transpose/permute)', () => {
  it('a second positional argument to Tensor.add: the one plausible overload reports extra_args', () => {
    assert.strictEqual(run(pre + 'x.add(x, 2)'), 'TypeError: add() takes 1 positional argument but 2 were given\n');
  });

  it('a keyword of the wrong type names the argument without a position', () => {
    assert.strictEqual(run(pre + "x.add(x, alpha='a')"), "TypeError: add(): argument 'alpha' must be Number, not str\n");
  });

  it('Tensor.pow lists its Tensor and Number overloads, each with the same argument count', () => {
    assert.strictEqual(
      run(pre + "x.pow('a')"),
      'TypeError: pow() received an invalid combination of arguments - got (str), but expected one of:\n' +
        ' * (Tensor exponent)\n' +
        "      didn't match because some of the arguments have invalid types: (!str!)\n" +
        ' * (Number exponent)\n' +
        "      didn't match because some of the arguments have invalid types: (!str!)\n\n",
    );
  });

  it('transpose with one dim: no overload is plausible', () => {
    assert.strictEqual(
      run(pre + 'x.transpose(0)'),
      'TypeError: transpose() received an invalid combination of arguments - got (int), but expected one of:\n' +
        ' * (int dim0, int dim1)\n' +
        ' * (name dim0, name dim1)\n\n',
    );
  });

  it('permute with varargs that are not ints (is_int_list failed_idx)', () => {
    assert.strictEqual(
      run(pre + 'x.permute(0.5, 1)'),
      "TypeError: permute(): argument 'dims' (position 1) must be tuple of ints, but found element of type float at pos 0\n",
    );
  });

  it('valid calls of these still run', () => {
    assert.strictEqual(
      run(pre + "print(x.add(1, alpha=2)[0, 0].item(), torch.pow(2, x)[0, 0].item(), x.div(2, rounding_mode='floor')[0, 0].item(), x.clamp(max=0.5)[0, 0].item(), x.permute(1, 0).shape, torch.transpose(x, 0, 1).shape)"),
      '3.0 2.0 0.0 0.5 torch.Size([3, 2]) torch.Size([3, 2])\n',
    );
  });
});

describe('known diffs: argument errors name a NumPy array by its tp_name', () => {
  it('numpy.ndarray, as Py_TYPE(obj)->tp_name gives it', () => {
    const pre2 = 'import torch\nimport numpy as np\na = np.ones(2)\n';
    assert.strictEqual(run(pre2 + 'torch.sum(a)'), "TypeError: sum(): argument 'input' (position 1) must be Tensor, not numpy.ndarray\n");
    assert.strictEqual(run(pre2 + 'torch.exp(a)'), "TypeError: exp(): argument 'input' (position 1) must be Tensor, not numpy.ndarray\n");
    assert.strictEqual(run(pre2 + 'torch.exp(True)'), "TypeError: exp(): argument 'input' (position 1) must be Tensor, not bool\n");
  });
});

describe('known diffs: dtype arguments', () => {
  it('the Python types float/int/bool are accepted as dtypes (THPPythonScalarType_Check)', () => {
    assert.strictEqual(run('import torch\nprint(torch.ones(2, dtype=float), torch.zeros(2, dtype=int), torch.ones(1).sum(dtype=float))'),
      'tensor([1., 1.], dtype=torch.float64) tensor([0, 0]) tensor(1., dtype=torch.float64)\n');
  });

  it('mean with an integral dtype= names the Optional dtype (mean.dim meta function)', () => {
    assert.strictEqual(
      run('import torch\ntorch.ones(2, 3).mean(dtype=torch.int64)'),
      'RuntimeError: mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Long\n',
    );
    assert.strictEqual(
      run('import torch\ntorch.ones(2, dtype=torch.int64).mean()'),
      'RuntimeError: mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long\n',
    );
  });
});

describe('known diffs: out= of the torch functions that mirror methods', () => {
  it('torch.add(x, y, out=result) writes into result (the 60-minute blitz)', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2)\ny = torch.ones(2)\nresult = torch.empty(2)\ntorch.add(x, y, out=result)\nprint(result)'),
      'tensor([2., 2.])\n',
    );
  });

  it('with an input that requires grad it is throw_error_out_requires_grad', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2, requires_grad=True)\ntorch.add(x, x, out=torch.empty(2))'),
      "RuntimeError: add(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.\n",
    );
  });
});

describe('known diffs: NumPy scalars in overloaded calls', () => {
  it('NumPy integers are ints and NumPy floats are numbers (THPUtils_checkLong / checkScalar)', () => {
    assert.strictEqual(
      run('import numpy as np\nimport torch\na = np.array([1, 5, 2])\nx = torch.ones(2, 3)\nprint(x.sum(np.argmax(a) - 1), x.add(np.float32(1.5))[0, 0].item(), x.max(a[0]).values)'),
      'tensor([2., 2., 2.]) 2.5 tensor([1., 1.])\n',
    );
  });
});

describe('known diffs: torch.tensor has one signature (THPVariable_tensor)', () => {
  it('extra positionals, non-bool requires_grad and unknown keywords are the parser errors', () => {
    assert.strictEqual(run('import torch\ntorch.tensor(1, 2)'), 'TypeError: tensor() takes 1 positional argument but 2 were given\n');
    assert.strictEqual(run('import torch\ntorch.tensor([1, 2], requires_grad=1)'), "TypeError: tensor(): argument 'requires_grad' must be bool, not int\n");
    assert.strictEqual(run('import torch\ntorch.tensor([1, 2], foo=1)'), "TypeError: tensor() got an unexpected keyword argument 'foo'\n");
    assert.strictEqual(run('import torch\nprint(torch.tensor(data=[1.5], dtype=float, device="cpu", requires_grad=True))'), 'tensor([1.5000], dtype=torch.float64, requires_grad=True)\n');
  });
});

describe('known diffs: input= given by keyword to the functions mirroring methods', () => {
  it('torch.sub(input=x, other=y) and friends', () => {
    assert.strictEqual(
      run('import torch\nx = torch.ones(2)\nprint(torch.sub(input=x, other=x), torch.sum(input=x, dim=0), torch.max(input=x))'),
      'tensor([0., 0.]) tensor(2.) tensor(1.)\n',
    );
  });
});
