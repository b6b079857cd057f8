/**
 * PyTorch's CPU floating-point sum (ATen/native/cpu/SumKernel.cpp, `cascade_sum`), reproduced
 * so float32 sums round exactly as PyTorch's do: the accumulator is the tensor's own type, the
 * inner (contiguous) reduction runs over 8-lane AVX2 vectors with 4 interleaved partial sums,
 * and long runs are summed in a cascade of levels to limit rounding error.
 */

/** utils::CeilLog2 */
function ceilLog2(x: number): number {
  if (x <= 2) return x - 1 > 0 ? x - 1 : 0;
  return 32 - Math.clz32(x - 1);
}

import { sumFloat32Cascade } from './kernels';

type Round = (x: number) => number;
const noRound: Round = (x) => x;

/** multi_row_sum for one lane: a cascade over `size` values given by get(i). */
function cascadeLane(get: (i: number) => number, size: number, r: Round): number {
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / 4));
  const step = 1 << levelPower;
  const mask = step - 1;
  const acc = [0, 0, 0, 0];
  let i = 0;
  while (i + step <= size) {
    for (let j = 0; j < step; j++, i++) acc[0] = r(acc[0] + get(i));
    for (let j = 1; j < 4; j++) {
      acc[j] = r(acc[j] + acc[j - 1]);
      acc[j - 1] = 0;
      if ((i & (mask << (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) acc[0] = r(acc[0] + get(i));
  for (let j = 1; j < 4; j++) acc[0] = r(acc[0] + acc[j]);
  return acc[0];
}

/** row_sum over scalars: 4 interleaved partial sums (ilp), the tail into the first. */
function scalarRowSum(v: ArrayLike<number>, start: number, n: number, r: Round): number {
  const sizeIlp = Math.floor(n / 4);
  const p = [0, 1, 2, 3].map((k) => cascadeLane((i) => v[start + i * 4 + k], sizeIlp, r));
  for (let i = sizeIlp * 4; i < n; i++) p[0] = r(p[0] + v[start + i]);
  for (let k = 1; k < 4; k++) p[0] = r(p[0] + p[k]);
  return p[0];
}

/** vectorized_inner_sum for one output: lanes of `lanes` elements, then the scalar tail, then the lanes. */
function vectorInnerSum(v: ArrayLike<number>, start: number, n: number, lanes: number, r: Round): number {
  const vecSize = Math.floor(n / lanes);
  const sizeIlp = Math.floor(vecSize / 4);
  const partial = new Array<number>(lanes);
  for (let l = 0; l < lanes; l++) {
    const p = [0, 1, 2, 3].map((k) => cascadeLane((i) => v[start + (i * 4 + k) * lanes + l], sizeIlp, r));
    for (let i = sizeIlp * 4; i < vecSize; i++) p[0] = r(p[0] + v[start + i * lanes + l]);
    for (let k = 1; k < 4; k++) p[0] = r(p[0] + p[k]);
    partial[l] = p[0];
  }
  let acc = 0;
  for (let e = vecSize * lanes; e < n; e++) acc = r(acc + v[start + e]);
  for (let l = 0; l < lanes; l++) acc = r(acc + partial[l]);
  return acc;
}

/**
 * Sum of v[start .. start+n) as PyTorch computes it for a reduction whose reduced elements are
 * contiguous in memory (`inner`: the innermost dim), or strided (`inner` false: one column of an
 * outer reduction, summed by the cascade alone).
 */
export function torchSum(v: ArrayLike<number>, start: number, n: number, dtype: 'float32' | 'float64', inner = true): number {
  const r = dtype === 'float32' ? Math.fround : noRound;
  const lanes = dtype === 'float32' ? 8 : 4;
  if (!inner) return cascadeLane((i) => v[start + i], n, r);
  if (n >= lanes && dtype === 'float32') return sumFloat32Cascade(v, start, n);
  if (n >= lanes) return vectorInnerSum(v, start, n, lanes, r);
  return scalarRowSum(v, start, n, r);
}

/** The lane-by-lane description of the float32 inner sum, kept as the reference the fast kernel is tested against. */
export function torchSumReference(v: ArrayLike<number>, start: number, n: number): number {
  return n >= 8 ? vectorInnerSum(v, start, n, 8, Math.fround) : scalarRowSum(v, start, n, Math.fround);
}
