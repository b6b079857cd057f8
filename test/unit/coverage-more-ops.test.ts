import * as assert from 'assert';
import { run } from './snippet';

/** Expected values worked out by hand from each op's definition; node names from 1.13's derivatives.yaml. */
describe('coverage: more elementwise ops', () => {
  it('exp2, frac, sgn, atan2, hypot, lerp and their nodes', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2., 4.], requires_grad=True)
print(torch.exp2(x), x.frac(), torch.sgn(x - 2))
print(torch.atan2(x, torch.ones(3)), torch.hypot(x, x), torch.lerp(x, torch.zeros(3), 0.5))`),
      'tensor([ 2.,  4., 16.], grad_fn=<Exp2Backward0>) tensor([0., 0., 0.], grad_fn=<FracBackward0>) tensor([-1.,  0.,  1.], grad_fn=<SgnBackward0>)\n' +
        // atan(1) = pi/4, atan(2) = 1.1071, atan(4) = 1.3258; hypot = sqrt(2) x
        'tensor([0.7854, 1.1071, 1.3258], grad_fn=<Atan2Backward0>) tensor([1.4142, 2.8284, 5.6569], grad_fn=<HypotBackward0>) tensor([0.5000, 1.0000, 2.0000], grad_fn=<LerpBackward0>)\n',
    );
  });

  it('float_power is a float64 pow, xlogy is 0 where x is 0, logit is log(p / (1 - p))', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([0., 2., 4.], requires_grad=True)
print(x.float_power(2), torch.xlogy(x, x), torch.logit(torch.tensor([0.25, 0.5])))`),
      // xlogy(2, 2) = 2 ln 2 = 1.3863, 4 ln 4 = 5.5452; logit(0.25) = ln(1/3) = -1.0986
      'tensor([ 0.,  4., 16.], dtype=torch.float64, grad_fn=<PowBackward0>) tensor([0.0000, 1.3863, 5.5452], grad_fn=<XlogyBackward0>) tensor([-1.0986,  0.0000])\n',
    );
  });
});

describe('coverage: more reductions', () => {
  it('nansum, nanmean, count_nonzero, isclose, argwhere', () => {
    assert.strictEqual(
      run(`import torch
n = torch.tensor([1., float('nan'), 3.])
print(n.nansum(), n.nanmean(), torch.count_nonzero(torch.tensor([0, 1, 2])))
print(torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2.0001])))
print(torch.argwhere(torch.tensor([[0, 1], [2, 0]])))`),
      'tensor(4.) tensor(2.) tensor(2)\ntensor([ True, False])\ntensor([[0, 1],\n        [1, 0]])\n',
    );
  });

  it('std_mean is one node with two outputs, and its gradient sums both', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2., 4.], requires_grad=True)
s, m = torch.std_mean(x)
print(s, m)
(s + m).backward()
print(x.grad)
print(torch.var_mean(torch.tensor([[1., 2.], [3., 5.]]), dim=1))`),
      // std = sqrt(((4/3)^2 + (1/3)^2 + (5/3)^2) / 2) = 1.5275; d std = (x - m) / (2 std); d mean = 1/3
      'tensor(1.5275, grad_fn=<StdMeanBackward0>) tensor(2.3333, grad_fn=<StdMeanBackward0>)\ntensor([-0.1031,  0.2242,  0.8789])\n' +
        '(tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))\n',
    );
  });

  it('aminmax returns a named tuple', () => {
    assert.strictEqual(run('import torch\nprint(torch.aminmax(torch.tensor([3, 1, 4])))'), 'torch.return_types.aminmax(\nmin=tensor(1),\nmax=tensor(4))\n');
  });
});

describe('coverage: more shape ops', () => {
  it('diff, roll, diagonal, repeat_interleave', () => {
    assert.strictEqual(
      run(`import torch
print(torch.diff(torch.tensor([1., 4., 9., 16.])), torch.diff(torch.tensor([1., 2.], requires_grad=True)))
print(torch.roll(torch.arange(5), 2), torch.arange(6).reshape(2, 3).roll(1, 1))
print(torch.arange(9.).reshape(3, 3).diagonal(), torch.arange(9.).reshape(3, 3).diagonal(1))
print(torch.tensor([1, 2]).repeat_interleave(2), torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2, dim=0))`),
      'tensor([3., 5., 7.]) tensor([1.], grad_fn=<SubBackward0>)\n' +
        'tensor([3, 4, 0, 1, 2]) tensor([[2, 0, 1],\n        [5, 3, 4]])\n' +
        'tensor([0., 4., 8.]) tensor([1., 5.])\n' +
        'tensor([1, 1, 2, 2]) tensor([[1, 2],\n        [1, 2],\n        [3, 4],\n        [3, 4]])\n',
    );
  });

  it('meshgrid with ij and xy indexing (xy swaps the first two inputs and outputs)', () => {
    assert.strictEqual(
      run(`import torch
a, b = torch.meshgrid(torch.arange(2), torch.arange(3), indexing='ij')
print(a, b)
a, b = torch.meshgrid(torch.arange(2), torch.arange(3), indexing='xy')
print(a, b)`),
      'tensor([[0, 0, 0],\n        [1, 1, 1]]) tensor([[0, 1, 2],\n        [0, 1, 2]])\n' +
        'tensor([[0, 1],\n        [0, 1],\n        [0, 1]]) tensor([[0, 0],\n        [1, 1],\n        [2, 2]])\n',
    );
  });

  it('einsum on plain tensors; on tensors in the graph it is not supported yet', () => {
    assert.strictEqual(
      run(`import torch
print(torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.arange(6.).reshape(3, 2)))
print(torch.einsum('ii', torch.eye(3)), torch.einsum('i,i->', torch.tensor([1., 2.]), torch.tensor([3., 4.])), torch.einsum('ij->ji', torch.arange(6).reshape(2, 3)))
torch.einsum('i,i->', torch.ones(2, requires_grad=True), torch.ones(2))`),
      'tensor([[6., 9.],\n        [6., 9.]])\ntensor(3.) tensor(11.) tensor([[0, 3],\n        [1, 4],\n        [2, 5]])\n' +
        'NotImplementedError: torch.einsum on tensors that require grad is not supported by Autograd Lens yet\n',
    );
  });

  it('dist is the p-norm of the difference', () => {
    assert.strictEqual(run('import torch\nprint(torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.])), torch.dist(torch.zeros(2), torch.tensor([3., 4.]), 1))'), 'tensor(5.) tensor(7.)\n');
  });
});

describe('coverage: unique and in-place shape ops', () => {
  it('unique is sorted, with inverse indices and counts', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([3, 1, 3, 2, 1])
print(torch.unique(x), x.unique(return_counts=True), torch.unique(x, return_inverse=True))`),
      'tensor([1, 2, 3]) (tensor([1, 2, 3]), tensor([2, 1, 2])) (tensor([1, 2, 3]), tensor([2, 0, 2, 1, 0]))\n',
    );
  });

  it('unsqueeze_ / squeeze_ / t_ change the tensor itself', () => {
    assert.strictEqual(
      run(`import torch
y = torch.zeros(3)
y.unsqueeze_(0)
print(y.shape)
y.squeeze_()
print(y.shape)
m = torch.arange(6.).reshape(2, 3)
m.t_()
print(m.shape, m.is_contiguous())`),
      'torch.Size([1, 3])\ntorch.Size([3])\ntorch.Size([3, 2]) False\n',
    );
  });
});

describe('coverage: median along a dim', () => {
  it('returns torch.return_types.median with the lower median and its index (MedianBackward1)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([[3., 1., 2.], [9., 7., 8.]], requires_grad=True)
m = x.median(dim=1)
print(m)
m.values.sum().backward()
print(x.grad, torch.median(x, 0, keepdim=True).indices)`),
      'torch.return_types.median(\nvalues=tensor([2., 8.], grad_fn=<MedianBackward1>),\nindices=tensor([2, 2]))\ntensor([[0., 0., 1.],\n        [0., 0., 1.]]) tensor([[0, 0, 0]])\n',
    );
  });
});

describe('coverage: strides', () => {
  it('stride() and storage_offset() of views follow ATen (unsqueeze inserts size*stride, expand 0)', () => {
    assert.strictEqual(
      run(`import torch
x = torch.arange(24.).reshape(2, 3, 4)
print(x.stride(), x.stride(1), x.transpose(0, 2).stride(), x.permute(2, 0, 1).stride())
print(x[:, 1].stride(), x[:, 1].storage_offset(), x[1, :, ::2].stride(), x[1, :, ::2].storage_offset())
print(x.unsqueeze(1).stride(), x[None].expand(2, 2, 3, 4).stride(), torch.ones(3).unsqueeze(1).stride())`),
      '(12, 4, 1) 4 (1, 4, 12) (1, 12, 4)\n(12, 1) 4 (4, 2) 12\n(12, 12, 4, 1) (0, 12, 4, 1) (1, 1)\n',
    );
  });
});

describe('coverage: small aliases', () => {
  it('fill_diagonal_, signbit, greater, fliplr, inner, square_', () => {
    assert.strictEqual(
      run(`import torch
x = torch.zeros(3, 3)
x.fill_diagonal_(2)
y = torch.tensor([1., -2.])
y.square_()
print(x.diagonal(), torch.tensor([1., -0., -2.]).signbit(), torch.greater(torch.ones(2), 0), torch.tensor([[1, 2], [3, 4]]).fliplr(), torch.inner(torch.ones(2), torch.ones(2)), y)`),
      'tensor([2., 2., 2.]) tensor([False,  True,  True]) tensor([True, True]) tensor([[2, 1],\n        [4, 3]]) tensor(2.) tensor([1., 4.])\n',
    );
  });
});

describe('coverage: positional keepdim of std/var', () => {
  it('std(dim, unbiased, keepdim) reads keepdim positionally', () => {
    assert.strictEqual(run('import torch\nx = torch.tensor([[1.], [2.]])\nprint(x.std(0, True, True), x.var(0, False, True))'), 'tensor([[0.7071]]) tensor([[0.2500]])\n');
  });
});

describe('coverage: det and inverse', () => {
  it('det through an LU factorisation in float32 (LinalgDetBackward0), inverse (LinalgInvExBackward0)', () => {
    assert.strictEqual(
      run(`import torch
A = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
print(torch.det(A), torch.linalg.det(A).grad_fn.name(), torch.det(torch.eye(3) * 2))
print(torch.inverse(torch.tensor([[4., 7.], [2., 6.]])))
C = torch.tensor([[2., 0.], [0., 4.]], requires_grad=True)
Ci = C.inverse()
Ci.sum().backward()
print(Ci, C.grad)`),
      // LU with pivoting: u22 = 2 - (1/3 in float32)*4 = 0.6666666, det = -3 * 0.6666666 = -1.9999999 (prints -2.0000)
      // d(inv)/dC for diagonal C: -inv^T 1 inv^T = -[[1/4, 1/8], [1/8, 1/16]]
      'tensor(-2.0000, grad_fn=<LinalgDetBackward0>) LinalgDetBackward0 tensor(8.)\n' +
        'tensor([[ 0.6000, -0.7000],\n        [-0.2000,  0.4000]])\n' +
        'tensor([[0.5000, 0.0000],\n        [0.0000, 0.2500]], grad_fn=<LinalgInvExBackward0>) tensor([[-0.2500, -0.1250],\n        [-0.1250, -0.0625]])\n',
    );
  });
});
