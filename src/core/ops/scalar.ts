import { DType, isFloating, promoteTypes } from '../dtype';
import { Tensor } from '../tensor';

/**
 * A non-tensor operand as the front end passes it: a JS number is a float, a bigint an
 * integer, a boolean a bool — the three kinds take part in type promotion differently.
 */
export type Scalar = number | bigint | boolean;
export type Operand = Tensor | Scalar;

export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

/** The engine-wide default float dtype (torch.set_default_dtype). */
let defaultFloat: DType = 'float32';
export const getDefaultDtype = (): DType => defaultFloat;
export const setDefaultDtype = (d: DType): void => {
  defaultFloat = d;
};

export function scalarDtype(s: Scalar): DType {
  if (typeof s === 'boolean') return 'bool';
  if (typeof s === 'bigint') return 'int64';
  return defaultFloat;
}

export const scalarValue = (s: Scalar): number => (typeof s === 'number' ? s : Number(s));

/** One of PyTorch's three promotion tiers: tensors with dims, zero-dim tensors, wrapped scalars. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (!higher) return lower;
  if (!lower) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** torch.result_type over operands. */
export function resultType(...ops: Operand[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let wrapped: DType | null = null;
  for (const o of ops) {
    if (isTensor(o)) {
      if (o.ndim > 0) dim = dim ? promoteTypes(dim, o.dtype) : o.dtype;
      else zero = zero ? promoteTypes(zero, o.dtype) : o.dtype;
    } else {
      const d = scalarDtype(o);
      wrapped = wrapped ? promoteTypes(wrapped, d) : d;
    }
  }
  return combine(dim, combine(zero, wrapped)) ?? defaultFloat;
}
