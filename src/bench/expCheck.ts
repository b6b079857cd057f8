/**
 * Exhaustive check of the float32 exp kernel: for every float32 x in (-104, 89) (and a sweep
 * beyond), expFloat32(x) must equal Math.fround(Math.exp(x)). Takes about a minute:
 * `npx tsx src/bench/expCheck.ts`.
 */
import { expFloat32 } from '../core/ops/kernels';

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);
let checked = 0;
const t0 = Date.now();
// [start, end) bit patterns: +0 … 89 and -0 … -104, plus the edges beyond
for (const [start, end] of [
  [0x00000000, 0x42b40000],
  [0x80000000, 0xc2d20000],
  [0x7f800000, 0x7f800001],
  [0xff800000, 0xff800001],
  [0x7fc00000, 0x7fc00001],
]) {
  for (let bits = start; bits < end; bits++) {
    u[0] = bits;
    const x = f[0];
    const got = expFloat32(x);
    const want = Math.fround(Math.exp(x));
    if (!Object.is(got, want)) {
      console.error(`MISMATCH exp(${x}) [0x${bits.toString(16)}]: ${got}, expected ${want}`);
      process.exit(1);
    }
    checked++;
  }
}
console.log(`float32 exp: ${checked} inputs identical to Math.fround(Math.exp(x)) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
