import * as assert from 'assert';
import { run } from './snippet';

/**
 * create_graph: gradients of ops whose 1.13 derivative is a backward op of its own take that
 * op's node name (derivatives.yaml: sigmoid_backward, tanh_backward, threshold_backward), and a
 * gradient that would lose its graph raises instead of printing a value without grad_fn.
 */
describe('coverage: double backward', () => {
  it('sigmoid / tanh / relu gradients carry their *BackwardBackward0 nodes and differentiate again', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([-1., 2.], requires_grad=True)
g, = torch.autograd.grad(torch.sigmoid(x).sum(), x, create_graph=True)
print(g)
print(torch.autograd.grad(g.sum(), x)[0])
print(torch.autograd.grad(torch.tanh(x).sum(), x, create_graph=True)[0])
print(torch.autograd.grad(x.relu().sum(), x, create_graph=True)[0])`),
      // s = sigmoid: s' = s(1-s) = 0.1966, 0.1050; s'' = s(1-s)(1-2s) = 0.0909, -0.0800; tanh' = 1 - tanh^2
      'tensor([0.1966, 0.1050], grad_fn=<SigmoidBackwardBackward0>)\ntensor([ 0.0909, -0.0800])\n' +
        'tensor([0.4200, 0.0707], grad_fn=<TanhBackwardBackward0>)\ntensor([0., 1.], grad_fn=<ThresholdBackwardBackward0>)\n',
    );
  });

  it('hessian through views and selections', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([-1., 2.], requires_grad=True)
print(torch.autograd.functional.hessian(lambda t: (t.sigmoid() * t).sum(), x))`),
      // d2/dt2 [t s(t)] = 2 s(1-s) + t s(1-s)(1-2s)
      'tensor([[0.3024, 0.0000],\n        [0.0000, 0.0501]])\n',
    );
  });

  it('an op whose gradient is computed outside the graph refuses create_graph', () => {
    assert.strictEqual(
      run(`import torch
x = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad(x.prod(), x, create_graph=True)`),
      'NotImplementedError: double backward (create_graph=True) through ProdBackward0 is not supported by Autograd Lens yet\n',
    );
  });

  it('softmax, log_softmax, mse_loss and nll_loss gradients stay in the graph (1.13 *BackwardDataBackward0 names)', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn.functional as F
x = torch.tensor([1., 2., 3.], requires_grad=True)
print(torch.autograd.grad(F.softmax(x, 0)[0], x, create_graph=True)[0])
print(torch.autograd.grad(F.cross_entropy(x[None], torch.tensor([0])), x, create_graph=True)[0].grad_fn.next_functions[0][0].name())
print(torch.autograd.functional.hessian(lambda t: F.mse_loss(t, torch.zeros(3)), x).diagonal())
print(torch.autograd.functional.hessian(lambda t: F.cross_entropy(t[None], torch.tensor([0])), x)[0])`),
      // Hessian of cross entropy = diag(p) - p pᵀ with p = softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652]
      'tensor([ 0.0819, -0.0220, -0.0599], grad_fn=<SoftmaxBackwardDataBackward0>)\nLogSoftmaxBackwardDataBackward0\n' +
        'tensor([0.6667, 0.6667, 0.6667])\ntensor([ 0.0819, -0.0220, -0.0599])\n',
    );
  });
});

describe('coverage: torch.autograd.functional vjp / hvp / vhp', () => {
  it('return (detached output, result) with results shaped like the inputs', () => {
    assert.strictEqual(
      run(`import torch
from torch.autograd.functional import vjp, hvp, vhp
x = torch.tensor([1., 2.])
print(vjp(lambda t: t ** 3, x, torch.ones(2)))
print(hvp(lambda t: (t ** 3).sum(), x, torch.tensor([1., 0.])), vhp(lambda t: (t ** 3).sum(), x, torch.ones(2)))`),
      // d/dx x^3 = 3x^2 = [3, 12]; Hessian diag(6x) = diag(6, 12)
      '(tensor([1., 8.]), tensor([ 3., 12.]))\n(tensor(9.), tensor([6., 0.])) (tensor(9.), tensor([ 6., 12.]))\n',
    );
  });
});
