import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/** Python-level behaviour found by mutating the public oracle cases; expected texts from CPython 3.11's sources. */
describe('mutation: CPython math module', () => {
  it('domain and range errors (Modules/mathmodule.c: "math domain error", "math range error")', () => {
    assert.strictEqual(run('import math\nmath.sqrt(-1)'), 'ValueError: math domain error\n');
    assert.strictEqual(run('import math\nmath.log(0)'), 'ValueError: math domain error\n');
    assert.strictEqual(run('import math\nmath.log(-2.0, 10)'), 'ValueError: math domain error\n');
    assert.strictEqual(run('import math\nmath.exp(1000)'), 'OverflowError: math range error\n');
    assert.strictEqual(run("import math\nmath.sqrt('a')"), 'TypeError: must be real number, not str\n');
    assert.strictEqual(run("import math\nmath.floor(float('inf'))"), 'OverflowError: cannot convert float infinity to integer\n');
  });

  it('values, ints from floor/ceil/trunc, tensors through __float__', () => {
    assert.strictEqual(
      run(`import math, torch
print(math.sqrt(4), math.sqrt(torch.tensor(9.)), math.log(8, 2), math.floor(2.5), math.ceil(-0.5), math.trunc(-2.7))
print(math.log10(1000), math.factorial(5), math.isnan(float('nan')), math.gcd(12, 18), math.inf, math.isinf(-math.inf))`),
      '2.0 3.0 3.0 2 0 -2\n3.0 120 True 6 inf True\n',
    );
  });

  it('int() of an infinite tensor is an OverflowError, of nan a ValueError', () => {
    assert.strictEqual(run("import torch\nint(torch.tensor(float('inf')))"), 'OverflowError: cannot convert float infinity to integer\n');
    assert.strictEqual(run("import torch\nint(torch.tensor(float('nan')))"), 'ValueError: cannot convert float NaN to integer\n');
  });
});

describe('mutation: NumPy arrays', () => {
  it('np.array of Python floats keeps double precision', () => {
    assert.strictEqual(run('import numpy as np\na = np.array([0.1, 1e-5, 1000.0])\nprint(a)\na'), '[1.e-01 1.e-05 1.e+03]\narray([1.e-01, 1.e-05, 1.e+03])\n');
  });

  it('item assignment: scalars, lists and arrays, cast to the dtype, sharing memory with the tensor', () => {
    assert.strictEqual(
      run(`import numpy as np
import torch
t = torch.tensor([1., 2.])
n = t.numpy()
n[0] = 100
print(t, n)
a = np.zeros((2, 3))
a[0] = [1, 2, 3]
a[1, 1:] = 7.5
a[:, 0] = np.array([4, 5])
print(a)
b = np.array([1, 2, 3])
b[0] = 2.7
print(b)`),
      'tensor([100.,   2.]) [100.   2.]\n[[4.  2.  3. ]\n [5.  7.5 7.5]]\n[2 2 3]\n',
    );
    assert.strictEqual(
      run('import numpy as np\na = np.zeros((2, 3))\na[0] = [1, 2]'),
      'ValueError: could not broadcast input array from shape (2,) into shape (3,)\n',
    );
  });
});

describe('mutation: exception objects (CPython 3.11 BaseException / KeyError)', () => {
  it('str, repr and args of user-built exceptions; KeyError shows the repr of its key', () => {
    assert.strictEqual(
      run(`try:
    raise KeyError('k')
except KeyError as e:
    print(e, repr(e), e.args)
try:
    raise ValueError("a", 1)
except ValueError as e:
    print(e, repr(e), e.args)
print(repr(RuntimeError()))
raise KeyError("zz")`),
      "'k' KeyError('k') ('k',)\n('a', 1) ValueError('a', 1) ('a', 1)\nRuntimeError()\nKeyError: 'zz'\n",
    );
  });

  it('a user-defined exception class derives from its base', () => {
    assert.strictEqual(
      run(`class MyErr(ValueError):
    pass
try:
    raise MyErr("custom")
except ValueError as e:
    print(type(e).__name__, e)
raise MyErr("again")`),
      'MyErr custom\nMyErr: again\n',
    );
  });
});

describe('mutation: the warnings registry across cells', () => {
  it('one registry for __main__ keyed by (text, category, line within the cell)', () => {
    const res = runCells(splitCells('import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n# %%\ny.grad\n# %%\ny.grad\n# %%\nprint(1)\ny.grad\n')).cells;
    assert.deepStrictEqual(res.map((c) => c.warnings.length), [0, 1, 0, 1]);
  });
});

describe('mutation: small builtins', () => {
  it('dict.update with keywords and pairs; set operators; str.center fill; bin/oct; str predicates', () => {
    assert.strictEqual(
      run(`d = {'x': 1}
d.update(y=2)
d.update([('z', 3)])
print(d, {1, 2} | {2, 3}, {1, 2} & {2, 3}, {1, 2} - {2, 3}, {1, 2} ^ {2, 3})
print('ab'.center(5, '*'), 'abc'.center(6, '-'), 'x'.ljust(3, '.'), bin(5), oct(8), 'AB'.isupper(), 'a1'.isalnum(), '12'.isdigit())`),
      "{'x': 1, 'y': 2, 'z': 3} {1, 2, 3} {2} {1} {1, 3}\n**ab* -abc-- x.. 0b101 0o10 True True True\n",
    );
  });
});
