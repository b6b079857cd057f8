import * as assert from 'assert';
import { run } from './snippet';

// Generator functions as CPython 3.11 runs them (PEP 255 / 342 / 380 / 479).
describe('known diffs: generator functions', () => {
  it('calling a generator function returns a generator object; next() resumes it', () => {
    assert.match(
      run('def g():\n    yield 1\n    yield 2\n\ngen = g()\nprint(gen)\nprint(type(gen))\nprint(next(gen), next(gen))\nprint(next(gen, "done"))'),
      /^<generator object g at 0x[0-9a-f]+>\n<class 'generator'>\n1 2\ndone\n$/,
    );
  });

  it('the body runs lazily, interleaved with the consumer', () => {
    assert.strictEqual(
      run("def g():\n    print('start')\n    yield 'a'\n    print('middle')\n    yield 'b'\n    print('end')\n\nfor v in g():\n    print(v)"),
      'start\na\nmiddle\nb\nend\n',
    );
  });

  it('return ends the iteration; its value is carried by StopIteration', () => {
    assert.strictEqual(
      run("def g():\n    yield 1\n    return 'result'\n\nit = g()\nnext(it)\ntry:\n    next(it)\nexcept StopIteration as e:\n    print('stop:', e)"),
      'stop: result\n',
    );
  });

  it('an infinite generator is consumed on demand', () => {
    assert.strictEqual(
      run('def naturals():\n    n = 0\n    while True:\n        yield n\n        n += 1\n\nit = naturals()\nprint([next(it) for _ in range(5)])'),
      '[0, 1, 2, 3, 4]\n',
    );
  });

  it('yield from delegates and evaluates to the inner return value', () => {
    assert.strictEqual(
      run("def inner():\n    yield 1\n    return 'r'\n\ndef outer():\n    x = yield from inner()\n    print('inner returned', x)\n    yield from [2, 3]\n\nprint(list(outer()))"),
      "inner returned r\n[1, 2, 3]\n",
    );
  });

  it('send() passes a value in as the result of the yield', () => {
    assert.strictEqual(
      run('def acc():\n    total = 0\n    while True:\n        v = yield total\n        total += v\n\na = acc()\nprint(next(a), a.send(5), a.send(10))'),
      '0 5 15\n',
    );
  });

  it('try/except/finally inside the body', () => {
    assert.strictEqual(
      run("def g():\n    try:\n        yield 1\n        raise ValueError('x')\n    except ValueError as e:\n        yield 'caught ' + str(e)\n    finally:\n        print('finally')\n\nprint(list(g()))"),
      "finally\n[1, 'caught x']\n",
    );
  });

  it('a StopIteration escaping the body is a RuntimeError (PEP 479)', () => {
    assert.strictEqual(run('def g():\n    yield 1\n    next(iter([]))\n\nlist(g())'), 'RuntimeError: generator raised StopIteration\n');
  });

  it('batches of a dataset, the common use with tensors', () => {
    assert.strictEqual(
      run('import torch\ndef batches(x, n):\n    for i in range(0, len(x), n):\n        yield x[i:i + n]\n\nfor b in batches(torch.arange(5), 2):\n    print(b)'),
      'tensor([0, 1])\ntensor([2, 3])\ntensor([4])\n',
    );
  });

  it('yields inside larger expressions: print((yield)), +=, return (yield), nested yields', () => {
    assert.strictEqual(
      run(
        "def f():\n    print('got', (yield 1))\n    total = 0\n    total += yield 2\n    print('total', total)\n    return (yield 3)\n" +
          "g = f()\nprint(next(g))\nprint(g.send('a'))\nprint(g.send(5))\ntry:\n    g.send('r')\nexcept StopIteration as e:\n    print('stop', e)\n" +
          "def m():\n    print('outer got', (yield (yield 1)))\nq = m()\nprint(next(q), q.send('x'))\ntry:\n    q.send('y')\nexcept StopIteration:\n    print('done')",
      ),
      '1\ngot a\n2\ntotal 5\n3\nstop r\n1 x\nouter got y\ndone\n',
    );
  });

  it('zero-argument super() inside a generator method', () => {
    assert.strictEqual(
      run('class A:\n    def items(self):\n        yield 1\n        yield 2\nclass B(A):\n    def items(self):\n        yield 0\n        yield from super().items()\nprint(list(B().items()))'),
      '[0, 1, 2]\n',
    );
  });

  it('a generator expression is named <genexpr>', () => {
    assert.match(run('print((x for x in range(3)))'), /^<generator object <genexpr> at 0x[0-9a-f]+>\n$/);
  });
});

describe('known diffs: functions are shown by their __qualname__', () => {
  it('methods, nested functions and lambdas, as CPython 3.11 prints them', () => {
    const out = run(
      'import torch.nn as nn\ndef outer():\n    def inner():\n        yield 1\n    return inner\nprint(outer())\nprint(outer()())\n' +
        'class Net(nn.Module):\n    def forward(self, x):\n        return x\nprint(Net.forward)\nprint(Net().forward)\ng = lambda: (lambda: 1)\nprint(g())',
    ).replace(/0x[0-9a-f]+/g, '0xADDR');
    assert.strictEqual(
      out,
      '<function outer.<locals>.inner at 0xADDR>\n<generator object outer.<locals>.inner at 0xADDR>\n<function Net.forward at 0xADDR>\n' +
        '<bound method Net.forward of Net()>\n<function <lambda>.<locals>.<lambda> at 0xADDR>\n',
    );
  });
});
