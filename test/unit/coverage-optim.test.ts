import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { run } from './snippet';

/** torch/optim/{optimizer,sgd,adam}.py in 1.13: state is a defaultdict(dict), state_dict packs params as indices. */
describe('coverage: optimizer state', () => {
  it('SGD without momentum still records momentum_buffer None after a step', () => {
    assert.strictEqual(
      run(`import torch
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
print(opt.state)
(w * 2).sum().backward()
opt.step()
print(opt.state)
print(opt.state_dict())`),
      "defaultdict(<class 'dict'>, {})\n" +
        "defaultdict(<class 'dict'>, {tensor([0.8000], requires_grad=True): {'momentum_buffer': None}})\n" +
        "{'state': {0: {'momentum_buffer': None}}, 'param_groups': [{'lr': 0.1, 'momentum': 0, 'dampening': 0, 'weight_decay': 0, 'nesterov': False, 'maximize': False, 'foreach': None, 'differentiable': False, 'params': [0]}]}\n",
    );
  });

  it('state_dict numbers parameters across groups', () => {
    assert.strictEqual(
      run(`import torch
a = torch.ones(1, requires_grad=True)
b = torch.ones(1, requires_grad=True)
opt = torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.5}], lr=0.1)
print([g['params'] for g in opt.state_dict()['param_groups']], opt.state_dict()['state'])`),
      '[[0], [1]] {}\n',
    );
  });

  it('Adam with amsgrad keeps max_exp_avg_sq and normalises by it', () => {
    assert.strictEqual(
      run(`import torch
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.Adam([w], lr=0.1, amsgrad=True)
for g in [2.0, 0.2]:
    opt.zero_grad()
    (w * g).sum().backward()
    opt.step()
print(sorted(opt.state[w].keys()))
print(opt.state[w]['max_exp_avg_sq'], opt.state[w]['exp_avg_sq'])
print(w)`),
      // v1 = 0.001*4 = 0.004; v2 = 0.999*0.004 + 0.001*0.04 = 0.004036 (max keeps v2);
      // m2 = 0.9*0.2 + 0.1*0.2 = 0.2; step 2: 0.1 * (0.2/0.19) / (sqrt(0.004036/0.001999) + 1e-8) = 0.07408
      "['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']\ntensor([0.0040]) tensor([0.0040])\ntensor([0.8259], requires_grad=True)\n",
    );
  });
});

/** torch/optim/{rmsprop,adagrad,adamw,lr_scheduler}.py of 1.13, worked through by hand for w = 1, loss = w². */
describe('coverage: RMSprop, Adagrad, AdamW and lr schedulers', () => {
  it('RMSprop, Adagrad and AdamW steps and state', () => {
    assert.strictEqual(
      run(`import torch
for name, kw in [("RMSprop", dict(lr=0.01)), ("Adagrad", dict(lr=0.1)), ("AdamW", dict(lr=0.1))]:
    w = torch.tensor([1.0], requires_grad=True)
    opt = getattr(torch.optim, name)([w], **kw)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    print(name, w, opt.state[w])`),
      // RMSprop: sq = 0.04 then 0.072; w = 1 - 0.01*2/0.2 = 0.9, then 0.9 - 0.01*1.8/sqrt(0.072) = 0.8329
      // Adagrad: sum = 4 then 7.24; w = 0.9, then 0.9 - 0.1*1.8/sqrt(7.24) = 0.8331
      // AdamW: w*(1 - 0.001) before each Adam update: 0.999 - 0.1 = 0.899, then 0.898101 - 0.099582 = 0.7985
      "RMSprop tensor([0.8329], requires_grad=True) {'step': 2, 'square_avg': tensor([0.0720])}\n" +
        "Adagrad tensor([0.8331], requires_grad=True) {'step': tensor(2.), 'sum': tensor([7.2400])}\n" +
        "AdamW tensor([0.7985], requires_grad=True) {'step': tensor(2.), 'exp_avg': tensor([0.3598]), 'exp_avg_sq': tensor([0.0072])}\n",
    );
  });

  it('reprs list the 1.13 defaults of each optimizer', () => {
    assert.strictEqual(
      run(`import torch
w = torch.ones(1, requires_grad=True)
print(torch.optim.AdamW([w]))
print(torch.optim.RMSprop([w]))
print(torch.optim.Adagrad([w]))`),
      'AdamW (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n    eps: 1e-08\n    foreach: None\n    lr: 0.001\n    maximize: False\n    weight_decay: 0.01\n)\n' +
        'RMSprop (\nParameter Group 0\n    alpha: 0.99\n    centered: False\n    eps: 1e-08\n    foreach: None\n    lr: 0.01\n    maximize: False\n    momentum: 0\n    weight_decay: 0\n)\n' +
        'Adagrad (\nParameter Group 0\n    eps: 1e-10\n    foreach: None\n    initial_accumulator_value: 0\n    lr: 0.01\n    lr_decay: 0\n    maximize: False\n    weight_decay: 0\n)\n',
    );
  });

  it('StepLR multiplies by gamma every step_size epochs and records initial_lr', () => {
    assert.strictEqual(
      run(`import torch
from torch.optim.lr_scheduler import StepLR
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
sch = StepLR(opt, step_size=2, gamma=0.1)
for epoch in range(4):
    opt.step()
    sch.step()
    print(epoch, sch.get_last_lr())
print(sorted(opt.param_groups[0].keys()))`),
      "0 [0.1]\n1 [0.010000000000000002]\n2 [0.010000000000000002]\n3 [0.0010000000000000002]\n" +
        "['dampening', 'differentiable', 'foreach', 'initial_lr', 'lr', 'maximize', 'momentum', 'nesterov', 'params', 'weight_decay']\n",
    );
  });

  it('ExponentialLR, LambdaLR and the warning for stepping the scheduler first', () => {
    const res = runCells(
      splitCells(`import torch
w = torch.ones(1, requires_grad=True)
s = torch.optim.lr_scheduler.ExponentialLR(torch.optim.SGD([w], lr=1.0), gamma=0.5)
s.step()
print(s.get_last_lr(), s.last_epoch)
s3 = torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD([w], lr=0.5), lr_lambda=lambda e: 1 / (e + 1))
s3.step()
s3.step()
print(s3.get_last_lr())`),
    ).cells[0];
    assert.strictEqual(res.stdout, '[0.5] 1\n[0.16666666666666666]\n');
    assert.deepStrictEqual(
      res.warnings.map((x) => x.message),
      [
        'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
      ],
    );
  });
});

describe('coverage: optimizer keywords', () => {
  it('an unknown keyword is Python\'s TypeError', () => {
    assert.strictEqual(
      run('import torch\ntorch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1, betas=(0.9, 0.99))'),
      "TypeError: SGD.__init__() got an unexpected keyword argument 'betas'\n",
    );
  });
});

describe('coverage: CosineAnnealingLR', () => {
  it('follows the chainable 1.13 recurrence (values checked against CPython)', () => {
    assert.strictEqual(
      run(`import torch
w = torch.ones(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
for i in range(6):
    opt.step()
    s.step()
    print(i, s.get_last_lr())`),
      '0 [0.08535533905932738]\n1 [0.05]\n2 [0.014644660940672627]\n3 [0.0]\n4 [0.014644660940672622]\n5 [0.05000000000000001]\n',
    );
  });
});
