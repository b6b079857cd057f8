import * as assert from 'assert';
import { traceOfSource } from '../../src/frontends/python/trace';
import type { Trace, TraceNode, TraceTensor } from '../../src/trace/trace';
import { LayoutGraphInput, layoutGraph, LayoutResult } from '../../src/webview/layout/layered';
import { layoutTrace } from '../../src/webview/layout/layoutTrace';

const traceOf = (src: string) => traceOfSource(src);

const TUTORIAL = `import torch
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
y = x + 2
z = y * y * 2
z = z.mean()
z.backward()
w = torch.ones(4, requires_grad=True)
for epoch in range(3):
    out = (w * 3).sum()
    out.backward()
d = x.detach()
`;

const MLP = `# %%
import torch
import torch.nn as nn
torch.manual_seed(0)
X = torch.randn(8, 3)
Y = torch.randn(8, 1)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
# %%
for step in range(50):
    pred = model(X)
    loss = loss_fn(pred, Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

/** A seeded random DAG shaped like autograd graphs: node i's inputs are earlier-created nodes. */
function randomDag(n: number, seed: number, maxIn = 3): LayoutGraphInput {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `v${i}`, w: 60 + Math.floor(rnd() * 90), h: rnd() < 0.3 ? 46 : 28, bottom: i < n / 20 }));
  const edges: { from: string; to: string }[] = [];
  for (let i = Math.ceil(n / 20); i < n; i++) {
    const k = 1 + Math.floor(rnd() * maxIn);
    for (let j = 0; j < k; j++) {
      const lo = Math.max(0, i - 40);
      edges.push({ from: `v${i}`, to: `v${lo + Math.floor(rnd() * (i - lo))}` });
    }
  }
  return { nodes, edges };
}

/** No two boxes overlap anywhere (sweep over x). */
function assertNoOverlaps(l: LayoutResult): void {
  const boxes = [...l.nodes].sort((a, b) => a.x - b.x);
  const active: typeof boxes = [];
  for (const b of boxes) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i].x + active[i].w <= b.x) active.splice(i, 1);
    for (const a of active) {
      const overlapY = a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlapY, `boxes ${a.id} and ${b.id} overlap`);
    }
    active.push(b);
  }
}

/** Within each layer boxes are separated; every edge goes from a higher layer to a lower one (drawn downward). */
function assertLayered(l: LayoutResult): void {
  const byId = new Map(l.nodes.map((n) => [n.id, n]));
  for (const e of l.edges) {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    assert.ok(a.layer < b.layer, `edge ${e.from}→${e.to} goes from layer ${a.layer} to ${b.layer}`);
    assert.ok(e.points.length >= 2, 'edge has points');
    const p0 = e.points[0];
    const p1 = e.points[e.points.length - 1];
    assert.ok(Math.abs(p0.y - (a.y + a.h)) < 1e-6 && p0.x >= a.x - 1e-6 && p0.x <= a.x + a.w + 1e-6, 'edge leaves the bottom of its source');
    assert.ok(Math.abs(p1.y - b.y) < 1e-6 && p1.x >= b.x - 1e-6 && p1.x <= b.x + b.w + 1e-6, 'edge enters the top of its target');
    for (let i = 1; i < e.points.length; i++) assert.ok(e.points[i].y >= e.points[i - 1].y - 1e-6, 'edge runs downward');
  }
  for (const n of l.nodes) {
    assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${n.id} has a position`);
    assert.ok(n.x >= -1e-6 && n.y >= -1e-6 && n.x + n.w <= l.width + 1e-6 && n.y + n.h <= l.height + 1e-6, `${n.id} inside the drawing`);
  }
}

describe('webview layout', () => {
  it('lays out the tutorial: output at the top, leaves at the bottom, no overlaps, edges downward', () => {
    const t = traceOf(TUTORIAL);
    const l = layoutTrace(t, { collapse: 'none' });
    assert.ok(l.nodes.length > 10);
    assertNoOverlaps(l);
    assertLayered(l);
    const g = l.graph;
    const pos = new Map(l.nodes.map((n) => [n.id, n]));
    // z's box sits above MeanBackward0, which sits above everything of its graph; x (a leaf) below its AccumulateGrad
    const zBox = g.nodes.find((d) => d.kind === 'tensor' && d.title === 'z')!;
    const mean = g.nodes.find((d) => d.title === 'MeanBackward0')!;
    const acc = g.nodes.find((d) => d.kind === 'accumulate' && t.nodes.find((n) => n.id === d.traceNode)!.variable === t.tensors.find((x) => x.names.includes('x'))?.id);
    assert.ok(pos.get(zBox.id)!.layer < pos.get(mean.id)!.layer);
    assert.ok(acc, 'x has an AccumulateGrad');
    const xBox = g.nodes.find((d) => d.kind === 'tensor' && d.title === 'x')!;
    assert.ok(pos.get(acc!.id)!.layer < pos.get(xBox.id)!.layer);
    // leaves are at the bottom of their component: nothing of the component lies below x
    const layersBelow = l.edges.filter((e) => e.from === xBox.id);
    assert.strictEqual(layersBelow.length, 0);
  });

  it('is deterministic', () => {
    const t = traceOf(MLP);
    const a = layoutTrace(t, { collapse: 'none' });
    const b = layoutTrace(t, { collapse: 'none' });
    assert.deepStrictEqual(
      a.nodes.map((n) => [n.id, n.x, n.y]),
      b.nodes.map((n) => [n.id, n.x, n.y]),
    );
    assert.deepStrictEqual(a.edges, b.edges);
    const g = randomDag(800, 7);
    assert.deepStrictEqual(layoutGraph(g), layoutGraph(g));
  });

  it('keeps chains straight', () => {
    const n = 30;
    const g: LayoutGraphInput = {
      nodes: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, w: 80 + (i % 3) * 20, h: 28 })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `c${i}`, to: `c${i + 1}` })),
    };
    const l = layoutGraph(g);
    const centres = l.nodes.map((b) => b.x + b.w / 2);
    for (const c of centres) assert.ok(Math.abs(c - centres[0]) < 1e-6, 'every box of a chain on one vertical line');
    assert.strictEqual(l.crossings, 0);
  });

  it('handles random DAGs, multi-edges, self-loops, unknown ids and cycles without overlaps', () => {
    for (const seed of [1, 2, 3]) {
      const g = randomDag(400, seed);
      g.edges.push({ from: 'v300', to: 'v300' }, { from: 'v301', to: 'nowhere' }, { from: 'v302', to: 'v250' }, { from: 'v302', to: 'v250' });
      const l = layoutGraph(g);
      assert.strictEqual(l.nodes.length, 400);
      assertNoOverlaps(l);
      assertLayered({ ...l, edges: l.edges.filter((e) => e.from !== e.to && e.to !== 'nowhere') });
    }
    // a cycle: still laid out, every edge drawn (the back edge reversed internally)
    const cyc = layoutGraph({ nodes: ['a', 'b', 'c'].map((id) => ({ id, w: 50, h: 20 })), edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }] });
    assert.strictEqual(cyc.edges.length, 3);
    assert.ok(cyc.edges.every((e) => e.points.length >= 2));
    assertNoOverlaps(cyc);
  });

  it('pushes `bottom` nodes (AccumulateGrad, leaves) to the bottom of their component', () => {
    // a -> b -> c -> d, a -> L (bottom): L goes to the last layer, not right under a
    const l = layoutGraph({
      nodes: [{ id: 'a', w: 40, h: 20 }, { id: 'b', w: 40, h: 20 }, { id: 'c', w: 40, h: 20 }, { id: 'd', w: 40, h: 20 }, { id: 'L', w: 40, h: 20, bottom: true }],
      edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'd' }, { from: 'a', to: 'L' }],
    });
    const byId = new Map(l.nodes.map((n) => [n.id, n]));
    assert.strictEqual(byId.get('L')!.layer, byId.get('d')!.layer);
  });

  it('completes big graphs (10,000-node chain, 5,000-node DAG) without deep recursion', () => {
    const n = 10000;
    const chain: LayoutGraphInput = {
      nodes: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, w: 100, h: 28 })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `c${i}`, to: `c${i + 1}` })),
    };
    const l = layoutGraph(chain);
    assert.strictEqual(l.layers, n);
    assertLayered(l);
    const dag = layoutGraph(randomDag(5000, 11));
    assert.strictEqual(dag.nodes.length, 5000);
    assertNoOverlaps(dag);
  });

  it('collapses a 50-step training loop into one group node by default', () => {
    const t = traceOf(MLP);
    const full = layoutTrace(t, { collapse: 'none' });
    const auto = layoutTrace(t);
    const groups = auto.graph.nodes.filter((d) => d.kind === 'group');
    assert.strictEqual(groups.length, 1);
    assert.strictEqual(groups[0].title, '× 49 iterations');
    assert.ok(auto.nodes.length < 30 && full.nodes.length > 300, `${auto.nodes.length} drawn collapsed, ${full.nodes.length} expanded`);
    assertNoOverlaps(auto);
    assertLayered(auto);
    // the output has the shape the benchmark reads
    for (const n of auto.nodes) for (const k of ['id', 'x', 'y', 'w', 'h']) assert.ok(k in n);
    for (const e of auto.edges) for (const k of ['from', 'to', 'points']) assert.ok(k in e);
    assert.ok(auto.width > 0 && auto.height > 0);
  });

  it('lays out a trace with tensors of every kind (hand-made, as another producer would write it)', () => {
    const tensor = (id: string, names: string[], extra: Partial<TraceTensor>): TraceTensor => ({
      id,
      names,
      value: { shape: [2], dtype: 'float32', data: [1, 2], truncated: false, text: 'tensor([1., 2.])' },
      requiresGrad: true,
      isLeaf: false,
      isParameter: false,
      retainsGrad: false,
      gradFn: null,
      outputNr: 0,
      grad: null,
      range: null,
      ...extra,
    });
    const node = (id: string, name: string, next: TraceNode['next'], extra: Partial<TraceNode> = {}): TraceNode => ({
      id,
      name,
      seq: Number(id.slice(1)),
      kind: 'function',
      next,
      outputs: [],
      variable: null,
      saved: [],
      formula: '',
      range: null,
      ...extra,
    });
    const t: Trace = {
      version: 1,
      generator: 'test',
      cells: [],
      tensors: [tensor('t1', ['w'], { isLeaf: true, isParameter: true }), tensor('t2', ['y'], { gradFn: 'n2' }), tensor('t3', ['c'], { requiresGrad: false, isLeaf: true })],
      nodes: [node('n1', 'AccumulateGrad', [], { kind: 'accumulate', variable: 't1', seq: -1 }), node('n2', 'MulBackward0', [{ node: 'n1', inputNr: 0 }, null], { outputs: ['t2'] })],
      passes: [],
      optimizerSteps: [],
    };
    const l = layoutTrace(t);
    const g = l.graph;
    const roles = Object.fromEntries(g.nodes.filter((d) => d.kind === 'tensor').map((d) => [d.title, d.role]));
    assert.deepStrictEqual(roles, { y: 'root', w: 'param', c: 'nograd' });
    const mul = g.nodes.find((d) => d.title === 'MulBackward0')!;
    assert.deepStrictEqual(mul.cuts, [1], 'the constant input is a cut, not an edge');
    assert.deepStrictEqual(
      g.edges.map((e) => `${e.from}>${e.to}:${e.kind}`).sort(),
      ['n1>t1:accumulate', 'n2>n1:grad', 't2>n2:output'],
    );
    assertNoOverlaps(l);
    assertLayered(l);
  });
});
