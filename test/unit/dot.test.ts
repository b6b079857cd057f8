import * as assert from 'assert';
import { traceOfSource } from '../../src/frontends/python/trace';
import { dotString, traceToDot } from '../../src/trace/dot';

const trace = (src: string) => traceOfSource(src);

const TUTORIAL = `import torch
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
y = x + 2
z = y * y * 2
z = z.mean()
z.backward()
`;

/** The statements of a DOT graph body, checked to be well formed: quoted strings closed, braces balanced. */
function statements(dot: string): string[] {
  assert.match(dot, /^digraph "[^"]*" \{\n/);
  assert.ok(dot.trimEnd().endsWith('}'));
  let inString = false;
  let depth = 0;
  for (let i = 0; i < dot.length; i++) {
    const c = dot[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      else assert.notStrictEqual(c, '\n', 'a line break inside a quoted string');
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  assert.strictEqual(inString, false, 'an unterminated string');
  assert.strictEqual(depth, 0, 'unbalanced braces');
  return dot.split('\n').slice(1, -2).map((l) => l.trim());
}

describe('traceToDot', () => {
  it('draws every grad_fn node with its PyTorch name and one edge per next_functions entry', () => {
    const t = trace(TUTORIAL);
    const dot = traceToDot(t);
    const lines = statements(dot);
    for (const n of t.nodes) {
      assert.ok(lines.some((l) => l.startsWith(`"${n.id}" [label="${n.name}"`)), `node ${n.id} ${n.name}`);
      for (const e of n.next) if (e) assert.ok(lines.includes(`"${n.id}" -> "${e.node}" [tooltip="input ${n.next.indexOf(e)}"];`) || lines.some((l) => l.startsWith(`"${n.id}" -> "${e.node}"`)));
    }
    const names = t.nodes.map((n) => n.name).sort();
    assert.deepStrictEqual(names, ['AccumulateGrad', 'AddBackward0', 'MeanBackward0', 'MulBackward0', 'MulBackward0']);
    // y * y: MulBackward0 has two edges to the same AddBackward0
    const mul = t.nodes.find((n) => n.name === 'MulBackward0' && n.next.every((e) => e !== null))!;
    assert.strictEqual(lines.filter((l) => l.startsWith(`"${mul.id}" -> `)).length, 2);
    // the leaf x hangs off AccumulateGrad, labelled with its name and shape
    assert.ok(lines.some((l) => /\[label="x\\n\(3,\) float32", shape=box/.test(l)), dot);
    // the output z points to its grad_fn
    assert.ok(lines.some((l) => /-> "n\d+" \[style=dashed, label="grad_fn"/.test(l)));
  });

  it('marks the nodes executed up to a stepper position, and the current one', () => {
    const t = trace(TUTORIAL);
    const steps = t.passes[0].steps;
    const dot = traceToDot(t, { position: { pass: 0, step: 2 } });
    const line = (id: string) => dot.split('\n').find((l) => l.trim().startsWith(`"${id}" [`))!;
    assert.match(line(steps[0].node), /fillcolor/);
    assert.match(line(steps[1].node), /fillcolor/);
    assert.match(line(steps[1].node), /penwidth/);
    assert.doesNotMatch(line(steps[0].node), /penwidth/);
    assert.doesNotMatch(line(steps[2].node), /fillcolor/);
    assert.doesNotMatch(traceToDot(t), /fillcolor="#fff2b3"/);
  });

  it('escapes names from the snippet: quotes, backslashes, line breaks and markup stay text', () => {
    const t = trace(`import torch
x = torch.ones(2, requires_grad=True)
d = {'a"b\\\\c\\n<script>alert(1)</script>': x * 2}
d['a"b\\\\c\\n<script>alert(1)</script>'].sum().backward()
`);
    const dot = traceToDot(t);
    statements(dot);
    assert.ok(dot.includes('d[\\"a\\\\\\"b\\\\\\\\c\\\\n<script>alert(1)</script>\\"]'), dot);
    assert.strictEqual(dotString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
  });

  it('handles an empty trace', () => {
    const dot = traceToDot(trace('x = 1\n'));
    assert.deepStrictEqual(statements(dot).filter((l) => !/^(graph|node|edge) \[/.test(l)), []);
  });
});
