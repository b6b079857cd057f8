/**
 * torch.Generator for the CPU (ATen's CPUGeneratorImpl): an MT19937 engine, the
 * initial seed, and the cached second Box-Muller sample of the scalar normal path.
 */
import { MT19937, MT_N } from './mt19937';
import { glibcCos, glibcLog, glibcSin } from './libm';

/**
 * ATen's default_rng_seed_val. Real PyTorch seeds its default CPU generator
 * non-deterministically at start-up; a fixed value keeps runs reproducible.
 */
export const DEFAULT_SEED = 67280421310721n;

const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** Size in bytes of torch.get_rng_state() for the CPU generator (CPUGeneratorImplState). */
export const RNG_STATE_BYTES = 5056;
/** Size of the legacy THGeneratorState that set_rng_state also accepts. */
export const RNG_STATE_LEGACY_BYTES = 5048;

/** Converts a Python-style integer seed to the uint64 PyTorch stores (negatives wrap). */
export function seedToUint64(seed: number | bigint): bigint {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    seed = BigInt(seed);
  }
  return BigInt.asUintN(64, seed);
}

export class Generator {
  private readonly engine = new MT19937();
  private seedValue: bigint = 0n;
  /** Cached r*sin(theta) of the double-precision scalar normal path, or null. */
  nextDoubleNormal: number | null = null;
  /** The float cache ATen keeps too (serialised in the state; randn does not use it). */
  nextFloatNormal: number | null = null;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** generator.manual_seed(seed): MT19937 seeded with the low 32 bits; clears the normal caches. */
  manualSeed(seed: number | bigint): this {
    const s = seedToUint64(seed);
    this.seedValue = s;
    this.engine.seed(Number(s & 0xffffffffn));
    this.nextDoubleNormal = null;
    this.nextFloatNormal = null;
    return this;
  }

  /** generator.initial_seed(): the full 64-bit seed last given to manualSeed. */
  initialSeed(): bigint {
    return this.seedValue;
  }

  /** One 32-bit output, as a number in [0, 2^32). */
  random(): number {
    return this.engine.nextUint32();
  }

  /** Two outputs combined: (first << 32) | second. */
  random64(): bigint {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** uniform_real_distribution<float>(0, 1): 24 low bits of random(), times 2^-24. */
  randomFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) * TWO_POW_M24;
  }

  /** uniform_real_distribution<double>(0, 1): 53 low bits of random64(), times 2^-53. */
  randomDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * 4294967296 + lo) * TWO_POW_M53;
  }

  /**
   * at::normal_distribution<double> with mean 0 and std 1: returns the cached sample
   * if there is one, else draws two doubles u1, u2, returns r*cos(theta) and caches
   * r*sin(theta), with r = sqrt(-2 log(1 - u2)) and theta = 2 pi u1 (glibc's libm).
   */
  normalDouble(): number {
    const cached = this.nextDoubleNormal;
    if (cached !== null) {
      this.nextDoubleNormal = null;
      return cached;
    }
    const u1 = this.randomDouble();
    const u2 = this.randomDouble();
    const r = Math.sqrt(-2 * glibcLog(1 - u2));
    const theta = TWO_PI * u1;
    this.nextDoubleNormal = r * glibcSin(theta);
    return r * glibcCos(theta);
  }

  /** An independent generator in the same state. */
  clone(): Generator {
    const g = new Generator(0);
    g.engine.copyFrom(this.engine);
    g.seedValue = this.seedValue;
    g.nextDoubleNormal = this.nextDoubleNormal;
    g.nextFloatNormal = this.nextFloatNormal;
    return g;
  }

  /**
   * torch.get_rng_state(): the 5056 bytes of CPUGeneratorImplState (x86-64 layout,
   * little-endian): u64 initial seed, i32 left, i32 seeded, u64 next, u64[624] state,
   * f64 normal_x, f64 normal_y (the cached double sample), f64 normal_rho,
   * i32 normal_is_valid, 4 bytes padding, f32 cached float sample, u8 its validity,
   * 3 bytes padding.
   */
  getState(): Uint8Array {
    const bytes = new Uint8Array(RNG_STATE_BYTES);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, this.seedValue, true);
    v.setInt32(8, this.engine.left, true);
    v.setInt32(12, 1, true);
    v.setBigUint64(16, BigInt(this.engine.next), true);
    const st = this.engine.state;
    for (let i = 0; i < MT_N; i++) v.setUint32(24 + 8 * i, st[i], true); // high halves stay 0
    const base = 24 + 8 * MT_N; // 5016
    if (this.nextDoubleNormal !== null) {
      v.setFloat64(base + 8, this.nextDoubleNormal, true);
      v.setInt32(base + 24, 1, true);
    }
    if (this.nextFloatNormal !== null) {
      v.setFloat32(base + 32, this.nextFloatNormal, true);
      v.setUint8(base + 36, 1);
    }
    return bytes;
  }

  /**
   * torch.set_rng_state(bytes). Accepts the current 5056-byte layout and the legacy
   * 5048-byte one (whose cached normal is rebuilt as normal_rho * sin(2 pi normal_x)).
   * Throws with ATen's messages on a wrong size or an invalid engine state.
   */
  setState(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n !== RNG_STATE_BYTES && n !== RNG_STATE_LEGACY_BYTES) {
      throw new Error(
        `Expected either a CPUGeneratorImplStateLegacy of size ${RNG_STATE_LEGACY_BYTES} or a ` +
          `CPUGeneratorImplState of size ${RNG_STATE_BYTES} but found the input RNG state size to be ${n}`,
      );
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const base = 24 + 8 * MT_N;
    let doubleNormal: number | null = null;
    let floatNormal: number | null = null;
    if (n === RNG_STATE_LEGACY_BYTES) {
      if (v.getInt32(base + 24, true) !== 0) {
        const rho = v.getFloat64(base + 16, true);
        const theta = TWO_PI * v.getFloat64(base, true);
        doubleNormal = rho * glibcSin(theta);
      }
    } else {
      if (v.getUint8(base + 36) !== 0) floatNormal = v.getFloat32(base + 32, true);
      if (v.getInt32(base + 24, true) !== 0) doubleNormal = v.getFloat64(base + 8, true);
    }
    const left = v.getInt32(8, true);
    const seeded = v.getInt32(12, true);
    const next = Number(v.getBigUint64(16, true) & 0xffffffffn);
    if (!(seeded !== 0 && left > 0 && left <= MT_N && next <= MT_N)) {
      throw new Error('Invalid mt19937 state');
    }
    const st = this.engine.state;
    for (let i = 0; i < MT_N; i++) st[i] = v.getUint32(24 + 8 * i, true);
    this.engine.left = left;
    this.engine.next = next;
    this.seedValue = v.getBigUint64(0, true);
    this.nextDoubleNormal = doubleNormal;
    this.nextFloatNormal = floatNormal;
  }
}
