import * as assert from 'assert';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

/** The warnings each cell reported, as the oracle compares them. */
function warnings(src: string): string[][] {
  return runCells(splitCells(src)).cells.map((c) => c.warnings.map((w) => `${w.category}: ${w.message}`));
}

const sizeWarning =
  'UserWarning: Using a target size (torch.Size([3, 1])) that is different to the input size (torch.Size([3])). ' +
  'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.';

// torch/nn/functional.py (1.13) warns about the target size in mse_loss, l1_loss, smooth_l1_loss and
// huber_loss with stacklevel=2: the default filter keys the warning by the caller's line.
describe('known diffs: warnings raised with stacklevel=2 from torch/nn/functional.py', () => {
  const pre = 'import torch\nimport torch.nn.functional as F\na = torch.zeros(3)\nb = torch.zeros(3, 1)\n';

  it('F.mse_loss called from two lines warns twice', () => {
    assert.deepStrictEqual(warnings(pre + 'F.mse_loss(a, b)\nF.mse_loss(a, b)\n'), [[sizeWarning, sizeWarning]]);
  });

  it('the same line in a loop warns once', () => {
    assert.deepStrictEqual(warnings(pre + 'for _ in range(3):\n    F.l1_loss(a, b)\n'), [[sizeWarning]]);
  });

  it('smooth_l1_loss and huber_loss too', () => {
    assert.deepStrictEqual(warnings(pre + 'F.smooth_l1_loss(a, b)\nF.huber_loss(a, b)\n'), [[sizeWarning, sizeWarning]]);
  });

  it('through nn.MSELoss the warning points into torch (loss.py), so it shows once', () => {
    assert.deepStrictEqual(warnings(pre + 'crit = torch.nn.MSELoss()\ncrit(a, b)\ncrit(a, b)\n'), [[sizeWarning]]);
  });
});
