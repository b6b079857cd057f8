/** PyTorch 1.13.1 CPU random streams, reproduced bit for bit. */
export { Generator, DEFAULT_SEED, RNG_STATE_BYTES, RNG_STATE_LEGACY_BYTES, seedToUint64 } from './generator';
export {
  allocateFloat,
  kaimingUniformBound,
  linearBiasBound,
  linearInit,
  normalFill,
  normalFillScalar,
  rand,
  randint,
  randn,
  randperm,
  uniformFill,
} from './distributions';
export type { FloatArray, FloatDType } from './distributions';
export { fma32, fma64 } from './fma';
export { glibcCos, glibcLog, glibcSin } from './libm';
export { MT19937 } from './mt19937';
