import * as assert from 'assert';
import { traceOfSource } from '../../src/frontends/python/trace';
import { buildDrawGraph } from '../../src/webview/model/graphModel';
import { findRepeats } from '../../src/webview/model/repeats';
import { searchTrace } from '../../src/webview/model/search';
import { applyCommand, clampPosition, executionsOf, gradHistory, optimizerHistory, stepView } from '../../src/webview/model/stepper';
import { divergingColor, previewValue, shortNumber } from '../../src/webview/model/values';

const traceOf = (src: string) => traceOfSource(src);

const LOOP = `import torch
import torch.nn as nn
torch.manual_seed(0)
X = torch.randn(8, 3)
Y = torch.randn(8, 1)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(20):
    loss = nn.MSELoss()(model(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

describe('webview model: repeated structure', () => {
  it('finds the training loop: 20 blocks of the same 6 nodes', () => {
    const t = traceOf(LOOP);
    const runs = findRepeats(t);
    assert.strictEqual(runs.length, 1);
    assert.strictEqual(runs[0].period, 6);
    assert.strictEqual(runs[0].blocks.length, 20);
    assert.deepStrictEqual([...runs[0].names].sort(), ['AddmmBackward0', 'AddmmBackward0', 'MseLossBackward0', 'ReluBackward0', 'TBackward0', 'TBackward0']);
  });

  it('finds an unrolled chain (x = x * w + x) as one run, not the differing first iteration', () => {
    const t = traceOf(`import torch
x = torch.ones(2, requires_grad=True)
y = x
for i in range(100):
    y = y * 1.5 + x
y.sum().backward()
`);
    const runs = findRepeats(t);
    assert.strictEqual(runs.length, 1);
    assert.strictEqual(runs[0].period, 2);
    assert.ok(runs[0].blocks.length >= 98);
  });

  it('finds nothing in a graph without repeats', () => {
    const t = traceOf(`import torch
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
Q.sum().backward()
`);
    assert.deepStrictEqual(findRepeats(t), []);
  });

  it('draws a collapsed run as a group node; the focused iteration stays in full', () => {
    const t = traceOf(LOOP);
    const g = buildDrawGraph(t, { collapse: 'all' });
    const groups = g.nodes.filter((d) => d.kind === 'group');
    assert.strictEqual(groups.length, 1);
    assert.strictEqual(groups[0].count, 19, 'the last iteration is drawn in full');
    // focus on pass 5's output: iterations 1-4 and 6-20 are groups, 5 is drawn
    const root = t.tensors.find((x) => x.id === t.passes[4].root)!;
    const f = buildDrawGraph(t, { collapse: 'all', focus: root.gradFn });
    const counts = f.nodes.filter((d) => d.kind === 'group').map((d) => d.count);
    assert.deepStrictEqual(counts, [4, 15]);
    assert.strictEqual(f.nodeToDrawn.get(root.gradFn!), root.gradFn, 'the focused node is drawn itself');
    // every trace node is drawn or stands in a group
    for (const n of t.nodes) assert.ok(f.nodeToDrawn.has(n.id), `${n.id} drawn`);
    // expanding by hand
    const runId = g.runs[0].id;
    const e = buildDrawGraph(t, { collapse: 'all', expanded: { [runId]: true } });
    assert.strictEqual(e.nodes.filter((d) => d.kind === 'group').length, 0);
    assert.ok(e.nodes.length > g.nodes.length + 100);
  });

  it('collapses only long or big runs by default', () => {
    const small = traceOf(`import torch
w = torch.ones(4, requires_grad=True)
for epoch in range(3):
    (w * 3).sum().backward()
`);
    assert.strictEqual(findRepeats(small).length, 1);
    assert.strictEqual(buildDrawGraph(small).nodes.filter((d) => d.kind === 'group').length, 0, 'three small iterations stay drawn');
    assert.strictEqual(buildDrawGraph(traceOf(LOOP)).nodes.filter((d) => d.kind === 'group').length, 1);
  });
});

describe('webview model: stepper', () => {
  const t = traceOf(`import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward()
y2 = (x * 3).sum()
y2.backward()
`);

  it('positions: step = executions shown, clamped to the pass', () => {
    assert.deepStrictEqual(clampPosition(t, { pass: 9, step: 99 }), { pass: 1, step: t.passes[1].steps.length });
    assert.deepStrictEqual(clampPosition(t, { pass: -1, step: -3 }), { pass: 0, step: 0 });
    const v0 = stepView(t, { pass: 0, step: 0 });
    assert.strictEqual(v0.current, null);
    assert.strictEqual(v0.next, t.passes[0].steps[0]);
    const v2 = stepView(t, { pass: 0, step: 2 });
    assert.strictEqual(v2.current, t.passes[0].steps[1]);
    assert.deepStrictEqual([...v2.executed.values()], [1, 2]);
    const end = stepView(t, { pass: 0, step: t.passes[0].steps.length });
    assert.strictEqual(end.next, null);
  });

  it('commands: step, back, end, restart', () => {
    const n = t.passes[0].steps.length;
    let p = { pass: 0, step: 0 };
    p = applyCommand(t, p, 'back');
    assert.deepStrictEqual(p, { pass: 0, step: 0 });
    p = applyCommand(t, p, 'step');
    assert.deepStrictEqual(p, { pass: 0, step: 1 });
    p = applyCommand(t, p, 'end');
    assert.deepStrictEqual(p, { pass: 0, step: n });
    assert.deepStrictEqual(applyCommand(t, p, 'step'), { pass: 0, step: n });
    assert.deepStrictEqual(applyCommand(t, p, 'restart'), { pass: 0, step: 0 });
  });

  it('histories: .grad across passes, executions of a node', () => {
    const x = t.tensors.find((v) => v.names.includes('x'))!;
    const h = gradHistory(t, x.id);
    assert.strictEqual(h.length, 2);
    assert.strictEqual(h[0].before, null);
    assert.strictEqual(h[0].after.text, 'tensor([2., 4.])');
    assert.strictEqual(h[1].before!.text, 'tensor([2., 4.])');
    assert.strictEqual(h[1].after.text, 'tensor([5., 7.])');
    const acc = t.nodes.find((n) => n.kind === 'accumulate' && n.variable === x.id)!;
    assert.deepStrictEqual(executionsOf(t, acc.id).map(([p]) => p), [0, 1]);
  });

  it('optimizer history of a parameter', () => {
    const tr = traceOf(`import torch
w = torch.tensor([1.0, -1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.5)
for i in range(3):
    opt.zero_grad()
    (w * w).sum().backward()
    opt.step()
`);
    const w = tr.tensors.find((v) => v.names.includes('w'))!;
    const h = optimizerHistory(tr, w.id);
    assert.strictEqual(h.length, 3);
    assert.strictEqual(h[0].before.text, 'tensor([ 1., -1.])');
    assert.strictEqual(h[0].after.text, 'tensor([0., 0.])');
  });
});

describe('webview model: search and values', () => {
  it('finds tensors by Python name and nodes by PyTorch name, exact matches first', () => {
    const t = traceOf(`import torch
x = torch.ones(2, requires_grad=True)
xx = x * 2
y = xx.mean()
`);
    const hits = searchTrace(t, 'x');
    assert.strictEqual(hits[0].label, 'x');
    assert.ok(hits.some((h) => h.label === 'xx'));
    assert.deepStrictEqual(searchTrace(t, 'mulback').map((h) => h.label), ['MulBackward0']);
    assert.deepStrictEqual(searchTrace(t, '   '), []);
  });

  it('previews and colours', () => {
    const v = (shape: number[], data: number[]) => ({ shape, dtype: 'float32', data, truncated: false, text: '' });
    assert.strictEqual(previewValue(v([], [0.5])), '0.5');
    assert.strictEqual(previewValue(v([3], [1, -2.5, 3])), '[1, -2.5, 3]');
    assert.ok(previewValue(v([100], Array.from({ length: 100 }, (_, i) => i * 1.234)), 28).endsWith('…]'));
    assert.strictEqual(previewValue(v([2, 2], [1, 2, 3, 4])), '[[1, 2], …]');
    assert.strictEqual(shortNumber(0.000012345), '1.23e-5');
    assert.strictEqual(shortNumber(-0.33333), '-0.3333');
    assert.notStrictEqual(divergingColor(-1, 1), divergingColor(1, 1));
    assert.match(divergingColor(0, 1), /rgba\(/);
  });
});
