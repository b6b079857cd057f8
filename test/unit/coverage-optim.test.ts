import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

function run(src: string): string {
  const res = runCells(splitCells(src)).cells;
  return res.map((c) => c.stdout + (c.error ? c.error + '\n' : '')).join('');
}

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
