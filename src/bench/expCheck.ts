/**
 * Exhaustive check of the float32 exp kernel: for every float32 x in (-104, 89) and the
 * special values, the kernel's loop must store Math.fround(Math.exp(x)). About a minute:
 * `npx tsx src/bench/expCheck.ts`.
 */
import { expFloat32Array } from '../core/ops/kernels';

const CHUNK = 1 << 20;
const bits = new Uint32Array(CHUNK);
const xs = new Float32Array(bits.buffer);
const out = new Float32Array(CHUNK);
let checked = 0;
const t0 = Date.now();
// [start, end) bit patterns: +0 … 90 and -0 … -105, infinities and a NaN
for (const [start, end] of [
  [0x00000000, 0x42b40000],
  [0x80000000, 0xc2d20000],
  [0x7f800000, 0x7f800001],
  [0xff800000, 0xff800001],
  [0x7fc00000, 0x7fc00001],
]) {
  for (let base = start; base < end; base += CHUNK) {
    const n = Math.min(CHUNK, end - base);
    for (let i = 0; i < n; i++) bits[i] = base + i;
    expFloat32Array(xs, out, n);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.exp(xs[i]));
      if (!Object.is(out[i], want)) {
        console.error(`MISMATCH exp(${xs[i]}) [0x${bits[i].toString(16)}]: ${out[i]}, expected ${want}`);
        process.exit(1);
      }
    }
    checked += n;
  }
}
console.log(`float32 exp: ${checked} inputs identical to Math.fround(Math.exp(x)) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
