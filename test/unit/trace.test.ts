import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { traceOfSource } from '../../src/frontends/python/trace';
import { validateTrace } from '../../src/trace/trace';

const trace = (src: string) => traceOfSource(src);

describe('trace', () => {
  it('records the tutorial graph, one step per node, and .grad before + incoming = after', () => {
    const t = trace(`import torch
torch.manual_seed(1)
x = torch.randn(3, requires_grad=True)
y = x + 2
z = y * y * 2
z = z.mean()
z.backward()
`);
    assert.strictEqual(validateTrace(t), null);
    assert.strictEqual(t.passes.length, 1);
    const names = t.passes[0].steps.map((s) => t.nodes.find((n) => n.id === s.node)!.name);
    assert.deepStrictEqual(names, ['MeanBackward0', 'MulBackward0', 'MulBackward0', 'AddBackward0', 'AccumulateGrad']);
    const acc = t.passes[0].steps[4].accumulation!;
    assert.strictEqual(acc.before, null);
    assert.strictEqual(acc.after.text, 'tensor([3.5485, 3.0226, 2.7489])');
    const x = t.tensors.find((v) => v.names.includes('x'))!;
    assert.strictEqual(x.isLeaf, true);
    assert.strictEqual(x.grad!.text, 'tensor([3.5485, 3.0226, 2.7489])');
    assert.strictEqual(x.range!.line, 3);
    // the second MulBackward0 (y*y) receives one gradient, sends two to AddBackward0, summed there
    const add = t.passes[0].steps[3];
    assert.strictEqual(add.contributions[0].length, 2);
  });

  it('keeps each backward pass and the accumulation history', () => {
    const t = trace(`import torch
w = torch.ones(2, requires_grad=True)
for i in range(3):
    (w * 3).sum().backward()
`);
    assert.strictEqual(t.passes.length, 3);
    const afters = t.passes.map((p) => p.steps.find((s) => s.accumulation)!.accumulation!.after.text);
    assert.deepStrictEqual(afters, ['tensor([3., 3.])', 'tensor([6., 6.])', 'tensor([9., 9.])']);
    assert.strictEqual(t.passes[1].steps.find((s) => s.accumulation)!.accumulation!.before!.text, 'tensor([3., 3.])');
  });

  it('records optimizer steps and the error of a failing cell with its line', () => {
    const t = trace(`# %%
import torch
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
(w * 2).sum().backward()
opt.step()
# %%
w.foo
`);
    assert.strictEqual(t.optimizerSteps.length, 1);
    assert.strictEqual(t.optimizerSteps[0].params[0].after.text, 'tensor([0.8000])');
    assert.strictEqual(t.cells[1].error, "AttributeError: 'Tensor' object has no attribute 'foo'");
    assert.strictEqual(t.cells[1].errorRange!.line, 8);
  });

  it('the example tutorial produces a valid trace', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../examples/autograd_tutorial.py'), 'utf8');
    const t = trace(src);
    assert.strictEqual(validateTrace(t), null);
    assert.ok(t.passes.length >= 7);
    assert.ok(t.cells.every((c) => c.error === null));
  });
});
