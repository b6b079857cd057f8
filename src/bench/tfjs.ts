/**
 * The same workloads on @tensorflow/tfjs-core with its pure-JS CPU backend. The core's Node
 * bundle registers no gradients, so they are imported explicitly. Every run is a tf.tidy so
 * intermediate tensors are disposed, as a tfjs program would do.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// a named import: the package says it has no side effects, but loading it registers the backend
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { randomValues } from './ours';
import type { Run } from './timing';

export async function initTfjs(): Promise<string> {
  // production mode: tfjs's correctness checks off (its fastest setting), and no console banner
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  return `tfjs-core ${tf.version_core}, tfjs-backend-cpu ${version_cpu} (${tf.getBackend()})`;
}

const tensor = (shape: number[], seed: number): tf.Tensor => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape, 'float32');

export function chain(steps: number): Run {
  const x0 = tf.scalar(1, 'float32');
  const g = tf.grad((x: tf.Tensor) => {
    let y = x;
    for (let i = 0; i < steps; i++) y = tf.add(tf.mul(y, 1.0001), 0.001);
    return y;
  });
  return () =>
    tf.tidy(() => {
      const d = g(x0).dataSync();
      if (!Number.isFinite(d[0])) throw new Error('tfjs chain: no gradient');
    });
}

export function binary(op: 'add' | 'mul', n: number): Run {
  const a = tensor([n], 1);
  const b = tensor([n], 2);
  const f = op === 'add' ? tf.add : tf.mul;
  return () => f(a, b).dispose();
}

export function unary(op: 'exp' | 'tanh', n: number): Run {
  const a = tensor([n], 3);
  const f = op === 'exp' ? tf.exp : tf.tanh;
  return () => f(a).dispose();
}

export function reduction(op: 'sum' | 'mean', n: number): Run {
  const a = tensor([n], 4);
  const f = op === 'sum' ? tf.sum : tf.mean;
  return () => f(a).dispose();
}

export function matmul(n: number): Run {
  const a = tensor([n, n], 5);
  const b = tensor([n, n], 6);
  return () => tf.matMul(a, b).dispose();
}

/** The same step: Dense layers as matMul + bias (weights stored [in, out], tfjs's layout), MSE, gradients read. */
export function mlpStep(): Run {
  const x = tensor([256, 64], 7);
  const target = tensor([256, 10], 8);
  const w1 = tf.variable(tensor([64, 128], 9));
  const b1 = tf.variable(tensor([128], 10));
  const w2 = tf.variable(tensor([128, 10], 11));
  const b2 = tf.variable(tensor([10], 12));
  const vars = [w1, b1, w2, b2];
  return () => {
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const y = tf.add(tf.matMul(h, w2), b2);
      return tf.mean(tf.squaredDifference(y, target));
    }, vars);
    let check = 0;
    for (const v of vars) check += grads[v.name].dataSync()[0];
    if (!Number.isFinite(check)) throw new Error('tfjs mlp: bad gradient');
    // tfjs gradients do not accumulate: zeroing is disposing them
    value.dispose();
    for (const k of Object.keys(grads)) grads[k].dispose();
  };
}
