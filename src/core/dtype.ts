/**
 * The dtypes the engine knows, with PyTorch's names and promotion rules.
 * int64 values live in Float64Array storage: exact up to 2^53, which covers every
 * integer a snippet of this scope produces, and keeps one fast code path for kernels.
 */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

export const isFloating = (d: DType): boolean => d === 'float32' || d === 'float64';
export const isIntegral = (d: DType): boolean => d === 'int64' || d === 'int32' || d === 'bool';

/**
 * One-element arrays (0-d results, wrapped scalars: most of what a chain of scalar ops makes)
 * are views into a shared zeroed buffer, each at its own 8-byte-aligned offset, never reused:
 * a view costs half of a standalone typed array. Only `.buffer`/`.byteOffset` tell them apart.
 */
const SLAB_BYTES = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function allocateOne(dtype: DType): Storage {
  if (slabUsed === SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += 8;
  switch (dtype) {
    case 'float32':
      return new Float32Array(slab, at, 1);
    case 'float64':
    case 'int64':
      return new Float64Array(slab, at, 1);
    case 'int32':
      return new Int32Array(slab, at, 1);
    case 'bool':
      return new Uint8Array(slab, at, 1);
  }
}

export function allocate(dtype: DType, n: number): Storage {
  if (n === 1) return allocateOne(dtype);
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
    case 'int64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

/** Rounds a JS number to what the dtype can hold (float32 rounding, integer truncation, bool). */
export function castScalar(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'int64':
    case 'int32':
      return Number.isFinite(v) ? Math.trunc(v) : 0;
    case 'bool':
      return v !== 0 ? 1 : 0;
  }
}

/** Rank of a dtype category, for promotion: bool < integer < floating. */
const category = (d: DType): number => (d === 'bool' ? 0 : isIntegral(d) ? 1 : 2);
const width: Record<DType, number> = { bool: 1, int32: 32, int64: 64, float32: 32, float64: 64 };

/** torch.promote_types for two tensors of the same "dimension class". */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  return width[a] >= width[b] ? a : b;
}

/** PyTorch's name for printing: torch.float32 etc. */
export const torchName = (d: DType): string => `torch.${d}`;

/** Legacy tensor type names used in some error messages ([torch.FloatTensor [3]]). */
export function legacyTypeName(d: DType): string {
  switch (d) {
    case 'float32':
      return 'torch.FloatTensor';
    case 'float64':
      return 'torch.DoubleTensor';
    case 'int64':
      return 'torch.LongTensor';
    case 'int32':
      return 'torch.IntTensor';
    case 'bool':
      return 'torch.BoolTensor';
  }
}

/** ScalarType names as ATen prints them in "expected scalar type Float but found Double". */
export function scalarTypeName(d: DType): string {
  switch (d) {
    case 'float32':
      return 'Float';
    case 'float64':
      return 'Double';
    case 'int64':
      return 'Long';
    case 'int32':
      return 'Int';
    case 'bool':
      return 'Bool';
  }
}
