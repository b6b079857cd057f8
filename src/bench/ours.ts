/**
 * The workloads on our engine, called the way the Python front end calls it (ops with JS
 * numbers for Python floats, backwardSteps drained into an event list as
 * TorchRuntime.backward does). Each factory prepares inputs and returns the timed run.
 */
import { backwardSteps, BackwardEvent, noGrad, ops, Tensor } from '../core';
import { sumFloat32Cascade } from '../core/ops/kernels';
import { splitCells } from '../frontends/python/cells';
import { runCells } from '../frontends/python/runner';
import { traceOfRun } from '../frontends/python/trace';
import type { Run } from './timing';

/** Deterministic inputs in [-1, 1). */
export function randomValues(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

const tensor = (shape: number[], seed: number, requiresGrad = false): Tensor => {
  const t = Tensor.fromData(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape, 'float32');
  if (requiresGrad) t.setRequiresGrad(true);
  return t;
};

/** backward() as the front end runs it: every event kept for the stepper (when recording). */
function backward(root: Tensor, record: boolean): BackwardEvent[] {
  const it = backwardSteps([root], [ops.full(root.shape, 1, root.dtype)], { retainGraph: false, record });
  const events: BackwardEvent[] = [];
  for (let r = it.next(); !r.done; r = it.next()) events.push(r.value);
  return events;
}

export function chain(steps: number, record: boolean): Run {
  return () => {
    const x0 = Tensor.scalar(1, 'float32');
    x0.setRequiresGrad(true);
    let x = x0;
    for (let i = 0; i < steps; i++) x = ops.add(ops.mul(x, 1.0001), 0.001);
    backward(x, record);
    if (!x0.grad || !Number.isFinite(x0.grad.item())) throw new Error('chain: no gradient');
  };
}

type Binary = 'add' | 'mul';
type Unary = 'exp' | 'tanh';

export function binary(op: Binary, n: number): Run {
  const a = tensor([n], 1);
  const b = tensor([n], 2);
  const f = ops[op];
  return () => void f(a, b);
}

export function unary(op: Unary, n: number): Run {
  const a = tensor([n], 3);
  const f = ops[op];
  return () => void f(a);
}

/**
 * The float32 kernel alone, as unaryMap(a, 'float32', Math.exp) reaches it: what ops.exp / ops.tanh
 * cost once elementwise.ts hands unaryMap the builtin itself rather than `(x) => Math.fround(f(x))`
 * (the same values: the Float32Array store rounds).
 */
export function unaryKernel(op: Unary, n: number): Run {
  const a = tensor([n], 3);
  const f = op === 'exp' ? Math.exp : Math.tanh;
  return () => void ops.unaryMap(a, 'float32', f);
}

export function reduction(op: 'sum' | 'mean', n: number): Run {
  const a = tensor([n], 4);
  const f = ops[op];
  return () => void f(a);
}

/**
 * sum / mean of a float32 tensor through kernels.ts sumFloat32Cascade (bit-identical to
 * cascadeSum.ts torchSum, which ops.sum calls today): what they cost once torchSum delegates.
 */
export function reductionKernel(op: 'sum' | 'mean', n: number): Run {
  const v = randomValues(n, 4);
  return op === 'sum' ? () => void sumFloat32Cascade(v, 0, n) : () => void Math.fround(sumFloat32Cascade(v, 0, n) / n);
}

export function matmul(n: number): Run {
  const a = tensor([n, n], 5);
  const b = tensor([n, n], 6);
  return () => void ops.matmul(a, b);
}

/** One step of 256×64 → Linear(64,128) → ReLU → Linear(128,10) → MSE; backward; read and zero the four grads. */
export function mlpStep(record: boolean): Run {
  const x = tensor([256, 64], 7);
  const target = tensor([256, 10], 8);
  const w1 = tensor([128, 64], 9, true);
  const b1 = tensor([128], 10, true);
  const w2 = tensor([10, 128], 11, true);
  const b2 = tensor([10], 12, true);
  const params = [w1, b1, w2, b2];
  return () => {
    const h = ops.relu(ops.linear(x, w1, b1));
    const y = ops.linear(h, w2, b2);
    const loss = ops.mseLoss(y, target);
    backward(loss, record);
    let check = 0;
    for (const p of params) check += p.grad!.values()[0];
    if (!Number.isFinite(check)) throw new Error('mlp: bad gradient');
    // optimizer.zero_grad() as torch 1.13 does it (and the front end's zeroGrad)
    noGrad(() => {
      for (const p of params) ops.fillInPlace(p.grad!, 0, 'ZeroBackward0');
    });
  };
}

/** Parse + run + trace of a Python source; returns the run and the last trace's JSON size. */
export function traceRun(source: string): { run: Run; bytes: () => number } {
  let last: unknown = null;
  return {
    run: () => {
      const cells = splitCells(source);
      const result = runCells(cells);
      const failed = result.cells.find((c) => c.error);
      if (failed) throw new Error(`trace workload failed: ${failed.error}`);
      last = traceOfRun(cells, result);
    },
    bytes: () => Buffer.byteLength(JSON.stringify(last)),
  };
}
