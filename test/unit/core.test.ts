import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { backwardSteps, Tensor, ops } from '../../src/core';

function leaf(vals: number[], shape = [vals.length]): Tensor {
  const t = Tensor.fromData(Float32Array.from(vals), shape, 'float32');
  t.setRequiresGrad(true);
  return t;
}

function backward(root: Tensor) {
  const it = backwardSteps([root], [ops.ones(root.shape)], { retainGraph: false });
  const events = [];
  for (let r = it.next(); !r.done; r = it.next()) events.push(r.value);
  return events;
}

describe('core autograd', () => {
  it('x*x + x: gradients, node names and one event per node in PyTorch order', () => {
    const x = leaf([1, 2]);
    const y = ops.add(ops.mul(x, x), x);
    assert.strictEqual(y.gradFn?.name, 'AddBackward0');
    const s = ops.sum(y);
    const events = backward(s);
    assert.deepStrictEqual(Array.from(x.grad!.values()), [3, 5]);
    assert.deepStrictEqual(
      events.map((e) => e.node.name),
      ['SumBackward0', 'AddBackward0', 'MulBackward0', 'AccumulateGrad'],
    );
    const acc = events[3].accumulation!;
    assert.strictEqual(acc.before, null);
    assert.deepStrictEqual(Array.from(acc.after.values()), [3, 5]);
    // x gets one gradient from AddBackward0 and one per operand of MulBackward0, summed
    assert.deepStrictEqual(events[3].contributions[0].map((c) => c.from?.name), ['AddBackward0', 'MulBackward0', 'MulBackward0']);
  });

  it('broadcast gradients are summed back to the input shape', () => {
    const a = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = leaf([1, 10, 100]);
    backward(ops.sum(ops.mul(a, b)));
    assert.deepStrictEqual(Array.from(b.grad!.values()), [5, 7, 9]);
  });

  it('second backward through freed saved tensors raises PyTorch error', () => {
    const x = leaf([1, 2]);
    const y = ops.sum(ops.mul(x, x));
    backward(y);
    assert.throws(() => backward(y), /Trying to backward through the graph a second time/);
  });

  it('in-place change of a saved output is detected by the version counter', () => {
    const x = leaf([1, 2, 3]);
    const y = ops.sigmoid(x);
    ops.applyInPlace(y, (old) => ops.mul(old, 2));
    assert.strictEqual(y.gradFn?.name, 'MulBackward0');
    assert.throws(() => backward(ops.sum(y)), /output 0 of SigmoidBackward0, is at version 1; expected version 0/);
  });

  it('src/core imports nothing from outside src/core', () => {
    const root = path.join(__dirname, '../../src/core');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, f.name);
        if (f.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(root);
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        assert.ok(spec.startsWith('.'), `${f} imports package ${spec}`);
        const target = path.resolve(path.dirname(f), spec);
        assert.ok(target.startsWith(root), `${f} imports ${spec} outside src/core`);
      }
    }
  });
});
