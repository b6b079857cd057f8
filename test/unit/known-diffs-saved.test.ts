import * as assert from 'assert';
import { run } from './snippet';

// grad_fn._saved_<name>: the names are derivatives.yaml's saved arguments (self.sym_sizes() is
// saved as self_sym_sizes), the values what the generated python_functions.cpp getters return:
// int lists as tuples of ints, ints, bools, and a Python-number operand as its wrapped-number tensor.
const pre = 'import torch\nx = torch.ones(2, 3, requires_grad=True)\n';

describe('known diffs: grad_fn._saved_* attributes', () => {
  it('a Python number operand is saved as the wrapped-number tensor (Long for an int, Double for a float)', () => {
    assert.strictEqual(run(pre + 'print((x / 2).grad_fn._saved_other)\nprint((x * 2.5).grad_fn._saved_other)'), 'tensor(2)\ntensor(2.5000, dtype=torch.float64)\n');
  });

  it('self of mul/div is saved only when the other operand needs a gradient (None otherwise)', () => {
    assert.strictEqual(run(pre + 'print((x * 2).grad_fn._saved_self)\ny = torch.ones(2, 3)\nprint((y * x).grad_fn._saved_other)'), 'None\nNone\n');
  });

  it('SumBackward1 / MeanBackward1 keep dim (as given), keepdim and self_sym_sizes', () => {
    assert.strictEqual(
      run(pre + 's = x.sum(1)\nprint(s.grad_fn._saved_dim, s.grad_fn._saved_keepdim, s.grad_fn._saved_self_sym_sizes)\nm = x.mean(-1, keepdim=True)\nprint(m.grad_fn._saved_dim, m.grad_fn._saved_keepdim)'),
      '(1,) False (2, 3)\n(-1,) True\n',
    );
  });

  it('MaxBackward0 keeps dim, keepdim and the indices', () => {
    assert.strictEqual(run(pre + 'v = x.max(1).values\nprint(v.grad_fn._saved_dim, v.grad_fn._saved_keepdim, v.grad_fn._saved_indices)'), '1 False tensor([0, 0])\n');
  });

  it('view-like nodes: sizes, dims and the dims of transpose/unsqueeze/squeeze as given', () => {
    assert.strictEqual(
      run(
        pre +
          'print(x.view(6).grad_fn._saved_self_sym_sizes, x.reshape(3, 2).grad_fn._saved_self_sym_sizes, x.T.grad_fn._saved_dims, x.permute(1, 0).grad_fn._saved_dims)\n' +
          't = x.transpose(0, -1).grad_fn\nprint(t._saved_dim0, t._saved_dim1, x.unsqueeze(-1).grad_fn._saved_dim)\n' +
          'q = x.unsqueeze(0).squeeze(0).grad_fn\nprint(q._saved_dim, q._saved_self_sym_sizes, x[0].expand(2, 3).grad_fn._saved_self_sym_sizes)',
      ),
      '(2, 3) (2, 3) (1, 0) (1, 0)\n0 -1 -1\n0 (1, 2, 3) (3,)\n',
    );
  });

  it('scalars: the exponent of PowBackward0 and alpha of add/sub', () => {
    assert.strictEqual(run(pre + 'print((x ** 2).grad_fn._saved_exponent, (x + 1).grad_fn._saved_alpha, torch.sub(x, x, alpha=2).grad_fn._saved_alpha)'), '2 1 2\n');
  });

  it('1 / x is reciprocal then mul by the wrapped 1; 1 - x saves alpha', () => {
    assert.strictEqual(
      run(pre + 'y = 1 / x\nprint(y.grad_fn._saved_other, y.grad_fn._saved_self)\nprint((1 - x).grad_fn._saved_alpha)'),
      'tensor(1) None\n1\n',
    );
  });

  it('select/cat/stack keep their dim (and index) as given; losses their reduction enum', () => {
    assert.strictEqual(
      run(
        pre +
          'import torch.nn.functional as F\ns = x[:, -1].grad_fn\nprint(s._saved_dim, s._saved_index, s._saved_self_sym_sizes)\n' +
          'print(torch.cat([x, x], 1).grad_fn._saved_dim, torch.stack([x, x], -1).grad_fn._saved_dim)\n' +
          'print(F.mse_loss(x, torch.zeros(2, 3)).grad_fn._saved_reduction, F.mse_loss(x, torch.zeros(2, 3), reduction="sum").grad_fn._saved_reduction)\n' +
          'c = F.cross_entropy(x, torch.tensor([0, 1])).grad_fn\nprint(c._saved_ignore_index, c._saved_reduction)',
      ),
      '1 -1 (2, 3)\n1 -1\n1 2\n-100 1\n',
    );
  });

  it('SliceBackward0 keeps the slice as Python passed it (open end = PY_SSIZE_T_MAX)', () => {
    assert.strictEqual(
      run(
        'import torch\nx = torch.ones(4, 3, requires_grad=True)\nfor v in [x[1:], x[-2:], x[::2], x[:, 1:2], x.narrow(0, 1, 2)]:\n' +
          '    g = v.grad_fn\n    print(g._saved_dim, g._saved_start, g._saved_end, g._saved_step, g._saved_self_sym_sizes)',
      ),
      '0 1 9223372036854775807 1 (4, 3)\n0 -2 9223372036854775807 1 (4, 3)\n0 0 9223372036854775807 2 (4, 3)\n1 1 2 1 (4, 3)\n0 1 3 1 (4, 3)\n',
    );
  });

  it('var/std (the correction overload), repeat and cumsum', () => {
    assert.strictEqual(
      run(
        'import torch\nx = torch.tensor([[1., 2., 4.], [3., 5., 9.]], requires_grad=True)\nv = x.var().grad_fn\nprint(v._saved_dim, v._saved_correction, v._saved_keepdim)\n' +
          's = x.std(1, keepdim=True).grad_fn\nprint(s._saved_dim, s._saved_correction, s._saved_keepdim, x.var(unbiased=False).grad_fn._saved_correction)\n' +
          'r = x.repeat(2, 1).grad_fn\nprint(r._saved_repeats, r._saved_self_sym_sizes, x.cumsum(-1).grad_fn._saved_dim)',
      ),
      'None 1 False\n(1,) 1 True 0\n(2, 1) (2, 3) -1\n',
    );
  });
});
