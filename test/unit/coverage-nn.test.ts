import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

function run(src: string): string {
  const res = runCells(splitCells(src)).cells;
  return res.map((c) => c.stdout + (c.error ? c.error + '\n' : '')).join('');
}

/** nn.Module bookkeeping as torch/nn/modules/module.py defines it (1.13). */
describe('coverage: nn.Module buffers, named_modules, apply', () => {
  it('register_buffer: an attribute, in state_dict after own parameters, not a parameter', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1., 2.]))
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
        self.register_buffer('running', torch.zeros(2))
        self.register_buffer('scratch', torch.ones(1), persistent=False)
m = M()
print([n for n, _ in m.named_parameters()])
print(list(m.state_dict().keys()))
print([n for n, _ in m.named_buffers()], m.running)
m.running = torch.ones(2)
print(m.state_dict()['running'])
print([n for n, _ in m.named_modules()])`),
      "['w', 'layers.0.weight', 'layers.0.bias']\n['w', 'running', 'layers.0.weight', 'layers.0.bias']\n['running', 'scratch'] tensor([0., 0.])\ntensor([1., 1.])\n['', 'layers', 'layers.0', 'layers.1']\n",
    );
  });

  it('apply visits children before the module itself and returns it', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Sequential(nn.Linear(2, 1), nn.Sequential(nn.ReLU()))
seen = []
r = m.apply(lambda mod: seen.append(type(mod).__name__))
print(seen, r is m)
def init(mod):
    if isinstance(mod, nn.Linear):
        nn.init.ones_(mod.weight)
        nn.init.zeros_(mod.bias)
m.apply(init)
print(m(torch.tensor([[1., 2.]])))`),
      "['Linear', 'ReLU', 'Sequential', 'Sequential'] True\ntensor([[3.]], grad_fn=<ReluBackward0>)\n",
    );
  });

  it('requires_grad_(False) on a module freezes its parameters', () => {
    assert.strictEqual(
      run(`import torch
import torch.nn as nn
m = nn.Linear(2, 1).requires_grad_(False)
print(m.weight.requires_grad, m(torch.ones(1, 2)).requires_grad)`),
      'False False\n',
    );
  });
});
