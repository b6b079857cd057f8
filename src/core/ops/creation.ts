import { allocate, castScalar, DType, isFloating } from '../dtype';
import { TorchError } from '../errors';
import { numel } from '../shape';
import { Tensor } from '../tensor';
import { getDefaultDtype, Scalar, scalarDtype, scalarValue } from './scalar';

/** Elements beyond this are refused with a clear error instead of exhausting memory. */
let maxElements = 1e8;
export const setMaxElements = (n: number): void => {
  maxElements = n;
};

export function checkSize(shape: number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new TorchError('RuntimeError', `Trying to create tensor with negative dimension ${s}: [${shape.join(', ')}]`);
    }
  }
  const n = numel(shape);
  if (n > maxElements) {
    throw new TorchError(
      'MemoryError',
      `a tensor of ${n.toExponential(2)} elements (shape [${shape.join(', ')}]) exceeds Autograd Lens's budget of ${maxElements.toExponential(0)} elements`,
    );
  }
}

export function full(shape: number[], value: Scalar, dtype?: DType): Tensor {
  checkSize(shape);
  const dt = dtype ?? scalarDtype(value);
  const data = allocate(dt, numel(shape));
  const v = castScalar(dt, scalarValue(value));
  if (v !== 0) data.fill(v);
  return Tensor.fromData(data, shape, dt);
}

export const zeros = (shape: number[], dtype?: DType): Tensor => full(shape, 0, dtype ?? getDefaultDtype());
export const ones = (shape: number[], dtype?: DType): Tensor => full(shape, 1, dtype ?? getDefaultDtype());

export function arange(start: Scalar, end: Scalar, step: Scalar, dtype?: DType): Tensor {
  const allInt = [start, end, step].every((x) => typeof x !== 'number');
  const dt = dtype ?? (allInt ? 'int64' : getDefaultDtype());
  const s = scalarValue(start);
  const e = scalarValue(end);
  const st = scalarValue(step);
  if (st === 0) throw new TorchError('RuntimeError', 'step must be nonzero');
  if ((st > 0 && e < s) || (st < 0 && e > s)) {
    throw new TorchError('RuntimeError', 'upper bound and larger bound inconsistent with step sign');
  }
  const n = Math.ceil((e - s) / st);
  checkSize([n]);
  const data = allocate(dt, n);
  for (let i = 0; i < n; i++) data[i] = castScalar(dt, s + i * st);
  return Tensor.fromData(data, [n], dt);
}

export function linspace(start: number, end: number, steps: number, dtype?: DType): Tensor {
  if (steps < 0) throw new TorchError('RuntimeError', 'number of steps must be non-negative');
  const dt = dtype ?? getDefaultDtype();
  checkSize([steps]);
  const data = allocate(dt, steps);
  if (steps === 1) data[0] = start;
  else if (steps > 1) {
    const f32 = dt === 'float32';
    const step = f32 ? Math.fround((end - start) / (steps - 1)) : (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) {
      const v = i < half ? start + step * i : end - step * (steps - i - 1);
      data[i] = isFloating(dt) ? v : Math.trunc(v);
    }
  }
  return Tensor.fromData(data, [steps], dt);
}

export function eye(n: number, m: number = n, dtype?: DType): Tensor {
  const t = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) t.storage.data[i * m + i] = 1;
  return t;
}
