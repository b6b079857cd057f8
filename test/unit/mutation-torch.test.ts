import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

/** Runs a snippet and returns what its cells printed (stdout, then "Type: message" if one was raised). */
function run(src: string): string {
  const res = runCells(splitCells(src)).cells;
  return res.map((c) => c.stdout + (c.error ? c.error + '\n' : '')).join('');
}

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
