import { allocate, DType, Storage } from '../dtype';
import { broadcastShapes, numel, sameShape, Shape } from '../shape';
import { Tensor } from '../tensor';

/*
 * Elementwise kernels. The ops hand binaryMap / unaryMap a per-element function; calling it
 * once per element from one shared loop is slow (the call site sees every op's function, so
 * V8 cannot inline any of them). So the common functions get loops of their own:
 * - builtins passed as they are (Math.exp, Math.tanh, …) are recognised by identity;
 * - the ops' small arrow functions (`(x, y) => x + y`, `(x) => (x > 0 ? x : 0)`, …) are
 *   recognised by their source text, which fully determines what they compute (a captured
 *   coefficient, as in `(x, y) => x - al * y`, is read back by calling the function once);
 * and anything else goes through the generic loop. A dedicated loop computes exactly what
 * the function would (the same double operations, then the store's rounding).
 */

/** Strides that read `t` as if it had been expanded to `shape` (0 on broadcast dims). */
export function broadcastStrides(t: Tensor, shape: Shape): number[] {
  const nd = shape.length;
  const off = nd - t.ndim;
  const out = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.ndim; i++) out[i + off] = t.shape[i] === 1 && shape[i + off] !== 1 ? 0 : t.strides[i];
  return out;
}

// ---------------------------------------------------------------- recognising functions

/** Binary functions with loops of their own. */
const enum Bin {
  Generic,
  Add, // x + y
  Sub, // x - y
  Mul, // x * y
  Div, // x / y
  RSub, // y - x
  AddScaled, // x + c * y
  SubScaled, // x - c * y
}

/** Unary functions with loops of their own. */
const enum Un {
  Generic,
  Neg, // -x
  Relu, // x > 0 ? x : 0
  Step, // x > 0 ? 1 : 0
  Exp,
  Tanh,
  Log,
  Sqrt,
  Abs,
  Sin,
  Cos,
}

/** Below this many elements the generic loop is as fast as recognising the function. */
const RECOGNISE_MIN = 32;

const fnText = Function.prototype.toString;
const binKinds = new Map<string, Bin>();
const unKinds = new Map<string, Un>();

const P2 = String.raw`^\(?(\w+),(\w+)\)?=>`;
const BIN_PATTERNS: [RegExp, Bin][] = [
  [new RegExp(P2 + String.raw`\(?\1\+\2\)?$`), Bin.Add],
  [new RegExp(P2 + String.raw`\(?\1-\2\)?$`), Bin.Sub],
  [new RegExp(P2 + String.raw`\(?\1\*\2\)?$`), Bin.Mul],
  [new RegExp(P2 + String.raw`\(?\1\/\2\)?$`), Bin.Div],
  [new RegExp(P2 + String.raw`\(?\2-\1\)?$`), Bin.RSub],
];
const SCALED = new RegExp(P2 + String.raw`\(?\1([-+])([A-Za-z_$][\w$]*)\*\2\)?$`);
const P1 = String.raw`^\(?(\w+)\)?=>`;
const UN_PATTERNS: [RegExp, Un][] = [
  [new RegExp(P1 + String.raw`\(?-\1\)?$`), Un.Neg],
  [new RegExp(P1 + String.raw`\(?\1>0\?\1:0\)?$`), Un.Relu],
  [new RegExp(P1 + String.raw`\(?\1>0\?1:0\)?$`), Un.Step],
];

function classifyBinary(src: string): Bin {
  const s = src.replace(/\s+/g, '');
  for (const [re, kind] of BIN_PATTERNS) if (re.test(s)) return kind;
  const m = SCALED.exec(s);
  if (m && m[4] !== m[1] && m[4] !== m[2]) return m[3] === '+' ? Bin.AddScaled : Bin.SubScaled;
  return Bin.Generic;
}

function classifyUnary(src: string): Un {
  const s = src.replace(/\s+/g, '');
  for (const [re, kind] of UN_PATTERNS) if (re.test(s)) return kind;
  return Un.Generic;
}

/** What `f` computes, and for the scaled kinds its coefficient c. */
function binaryKind(f: (x: number, y: number) => number): { kind: Bin; c: number } {
  const src = fnText.call(f);
  let kind = binKinds.get(src);
  if (kind === undefined) {
    kind = classifyBinary(src);
    if (binKinds.size < 1000) binKinds.set(src, kind);
  }
  if (kind === Bin.AddScaled || kind === Bin.SubScaled) {
    // f(0, 1) is 0 ± c exactly; a zero or non-finite c (where the sign of zero or NaN
    // propagation could differ) keeps the generic loop
    const v = f(0, 1);
    const c = kind === Bin.AddScaled ? v : -v;
    if (typeof c !== 'number' || !Number.isFinite(c) || c === 0) return { kind: Bin.Generic, c: 0 };
    return { kind, c };
  }
  return { kind, c: 0 };
}

function unaryKind(f: (x: number) => number): Un {
  switch (f) {
    case Math.exp:
      return Un.Exp;
    case Math.tanh:
      return Un.Tanh;
    case Math.log:
      return Un.Log;
    case Math.sqrt:
      return Un.Sqrt;
    case Math.abs:
      return Un.Abs;
    case Math.sin:
      return Un.Sin;
    case Math.cos:
      return Un.Cos;
  }
  const src = fnText.call(f);
  let kind = unKinds.get(src);
  if (kind === undefined) {
    kind = classifyUnary(src);
    if (unKinds.size < 1000) unKinds.set(src, kind);
  }
  return kind;
}

// ---------------------------------------------------------------- loops

/**
 * out[o + i] = a[pa + i·ia] ∘ b[pb + i·ib] for i < len, ∘ given by `kind` (strides may be 0
 * for broadcasting). Bin.Generic is binaryRunFn's.
 */
function binaryRun(kind: Bin, c: number, out: Storage, o: number, ad: Storage, pa: number, ia: number, bd: Storage, pb: number, ib: number, len: number): void {
  const end = o + len;
  switch (kind) {
    case Bin.Add:
      if (ia === 1 && ib === 1) for (; o < end; o++, pa++, pb++) out[o] = ad[pa] + bd[pb];
      else if (ia === 1 && ib === 0) {
        const y = bd[pb];
        for (; o < end; o++, pa++) out[o] = ad[pa] + y;
      } else for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] + bd[pb];
      return;
    case Bin.Sub:
      if (ia === 1 && ib === 1) for (; o < end; o++, pa++, pb++) out[o] = ad[pa] - bd[pb];
      else if (ia === 1 && ib === 0) {
        const y = bd[pb];
        for (; o < end; o++, pa++) out[o] = ad[pa] - y;
      } else for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] - bd[pb];
      return;
    case Bin.Mul:
      if (ia === 1 && ib === 1) for (; o < end; o++, pa++, pb++) out[o] = ad[pa] * bd[pb];
      else if (ia === 1 && ib === 0) {
        const y = bd[pb];
        for (; o < end; o++, pa++) out[o] = ad[pa] * y;
      } else for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] * bd[pb];
      return;
    case Bin.Div:
      if (ia === 1 && ib === 1) for (; o < end; o++, pa++, pb++) out[o] = ad[pa] / bd[pb];
      else if (ia === 1 && ib === 0) {
        const y = bd[pb];
        for (; o < end; o++, pa++) out[o] = ad[pa] / y;
      } else for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] / bd[pb];
      return;
    case Bin.RSub:
      for (; o < end; o++, pa += ia, pb += ib) out[o] = bd[pb] - ad[pa];
      return;
    case Bin.AddScaled:
      for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] + c * bd[pb];
      return;
    case Bin.SubScaled:
      for (; o < end; o++, pa += ia, pb += ib) out[o] = ad[pa] - c * bd[pb];
      return;
  }
}

/*
 * Whole-tensor loops for the four arithmetic ops: one index from 0 (the operands' offsets
 * are 0), unrolled by 4 with the loads first. V8 reloads a typed array's length and data
 * pointer on every iteration of a loop over arrays it does not know, and adds a check per
 * index variable; these forms take about half the time per element of the plain loop.
 */

/** out[i] = a[i] ∘ b[i], i < n. */
function sameShapeRun(kind: Bin, out: Storage, ad: Storage, bd: Storage, n: number): void {
  const n4 = n - (n % 4);
  let i = 0;
  switch (kind) {
    case Bin.Add:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        const y0 = bd[i], y1 = bd[i + 1], y2 = bd[i + 2], y3 = bd[i + 3];
        out[i] = x0 + y0;
        out[i + 1] = x1 + y1;
        out[i + 2] = x2 + y2;
        out[i + 3] = x3 + y3;
      }
      for (; i < n; i++) out[i] = ad[i] + bd[i];
      return;
    case Bin.Sub:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        const y0 = bd[i], y1 = bd[i + 1], y2 = bd[i + 2], y3 = bd[i + 3];
        out[i] = x0 - y0;
        out[i + 1] = x1 - y1;
        out[i + 2] = x2 - y2;
        out[i + 3] = x3 - y3;
      }
      for (; i < n; i++) out[i] = ad[i] - bd[i];
      return;
    case Bin.Mul:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        const y0 = bd[i], y1 = bd[i + 1], y2 = bd[i + 2], y3 = bd[i + 3];
        out[i] = x0 * y0;
        out[i + 1] = x1 * y1;
        out[i + 2] = x2 * y2;
        out[i + 3] = x3 * y3;
      }
      for (; i < n; i++) out[i] = ad[i] * bd[i];
      return;
    case Bin.Div:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        const y0 = bd[i], y1 = bd[i + 1], y2 = bd[i + 2], y3 = bd[i + 3];
        out[i] = x0 / y0;
        out[i + 1] = x1 / y1;
        out[i + 2] = x2 / y2;
        out[i + 3] = x3 / y3;
      }
      for (; i < n; i++) out[i] = ad[i] / bd[i];
      return;
  }
}

/** out[i] = a[i] ∘ y, i < n. */
function scalarRun(kind: Bin, out: Storage, ad: Storage, y: number, n: number): void {
  const n4 = n - (n % 4);
  let i = 0;
  switch (kind) {
    case Bin.Add:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        out[i] = x0 + y;
        out[i + 1] = x1 + y;
        out[i + 2] = x2 + y;
        out[i + 3] = x3 + y;
      }
      for (; i < n; i++) out[i] = ad[i] + y;
      return;
    case Bin.Sub:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        out[i] = x0 - y;
        out[i + 1] = x1 - y;
        out[i + 2] = x2 - y;
        out[i + 3] = x3 - y;
      }
      for (; i < n; i++) out[i] = ad[i] - y;
      return;
    case Bin.Mul:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        out[i] = x0 * y;
        out[i + 1] = x1 * y;
        out[i + 2] = x2 * y;
        out[i + 3] = x3 * y;
      }
      for (; i < n; i++) out[i] = ad[i] * y;
      return;
    case Bin.Div:
      for (; i < n4; i += 4) {
        const x0 = ad[i], x1 = ad[i + 1], x2 = ad[i + 2], x3 = ad[i + 3];
        out[i] = x0 / y;
        out[i + 1] = x1 / y;
        out[i + 2] = x2 / y;
        out[i + 3] = x3 / y;
      }
      for (; i < n; i++) out[i] = ad[i] / y;
      return;
  }
}

const isArith = (k: Bin): boolean => k === Bin.Add || k === Bin.Sub || k === Bin.Mul || k === Bin.Div;

/** The same with any function. */
function binaryRunFn(f: (x: number, y: number) => number, out: Storage, o: number, ad: Storage, pa: number, ia: number, bd: Storage, pb: number, ib: number, len: number): void {
  const end = o + len;
  for (; o < end; o++, pa += ia, pb += ib) out[o] = f(ad[pa], bd[pb]);
}

/**
 * Elementwise f(a, b) with broadcasting, computed in double and stored in `outDtype`
 * (the store rounds to float32 / the caller truncates integers as needed).
 */
export function binaryMap(a: Tensor, b: Tensor, outDtype: DType, f: (x: number, y: number) => number): Tensor {
  const as = a.shape;
  const bs = b.shape;
  const same = sameShape(as, bs);
  const shape = same ? as.slice() : broadcastShapes(as, bs);
  const n = numel(shape);
  const out = allocate(outDtype, n);
  const ad = a.storage.data;
  const bd = b.storage.data;
  if (n === 1) {
    // one element each (whatever their strides): no loop to choose
    out[0] = f(ad[a.offset], bd[b.offset]);
    return Tensor.fromData(out, shape, outDtype);
  }
  const { kind, c } = n >= RECOGNISE_MIN ? binaryKind(f) : { kind: Bin.Generic, c: 0 };
  const na = same ? n : numel(as);
  const nb = same ? n : numel(bs);
  const ac = a.isContiguous();
  const bc = b.isContiguous();
  if (ac && bc && na === n && nb === n) {
    if (kind === Bin.Generic) binaryRunFn(f, out, 0, ad, a.offset, 1, bd, b.offset, 1, n);
    else if (isArith(kind) && a.offset === 0 && b.offset === 0) sameShapeRun(kind, out, ad, bd, n);
    else binaryRun(kind, c, out, 0, ad, a.offset, 1, bd, b.offset, 1, n);
  } else if (nb === 1 && ac && na === n) {
    if (kind === Bin.Generic) binaryRunFn(f, out, 0, ad, a.offset, 1, bd, b.offset, 0, n);
    else if (isArith(kind) && a.offset === 0) scalarRun(kind, out, ad, bd[b.offset], n);
    else binaryRun(kind, c, out, 0, ad, a.offset, 1, bd, b.offset, 0, n);
  } else if (na === 1 && bc && nb === n) {
    if (kind === Bin.Generic) binaryRunFn(f, out, 0, ad, a.offset, 0, bd, b.offset, 1, n);
    else if ((kind === Bin.Add || kind === Bin.Mul) && b.offset === 0) scalarRun(kind, out, bd, ad[a.offset], n); // commutative
    else binaryRun(kind, c, out, 0, ad, a.offset, 0, bd, b.offset, 1, n);
  } else if (n > 0) {
    // broadcast / strided: an odometer over the outer dims, a run along the last one
    const sa = broadcastStrides(a, shape);
    const sb = broadcastStrides(b, shape);
    const nd = shape.length;
    const len = shape[nd - 1];
    const ia = sa[nd - 1];
    const ib = sb[nd - 1];
    const idx = new Array<number>(nd).fill(0);
    let pa = a.offset;
    let pb = b.offset;
    for (let o = 0; o < n; o += len) {
      if (kind === Bin.Generic) binaryRunFn(f, out, o, ad, pa, ia, bd, pb, ib, len);
      else binaryRun(kind, c, out, o, ad, pa, ia, bd, pb, ib, len);
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]++;
        pa += sa[d];
        pb += sb[d];
        if (idx[d] < shape[d]) break;
        pa -= sa[d] * shape[d];
        pb -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
  return Tensor.fromData(out, shape, outDtype);
}

/** Elementwise f(a) into a new contiguous tensor of `outDtype`. */
export function unaryMap(a: Tensor, outDtype: DType, f: (x: number) => number): Tensor {
  const src = a.values();
  const n = src.length;
  const out = allocate(outDtype, n);
  const kind = n >= RECOGNISE_MIN ? unaryKind(f) : Un.Generic;
  switch (kind) {
    case Un.Generic:
      for (let i = 0; i < n; i++) out[i] = f(src[i]);
      break;
    case Un.Neg:
      for (let i = 0; i < n; i++) out[i] = -src[i];
      break;
    case Un.Relu:
      for (let i = 0; i < n; i++) {
        const x = src[i];
        out[i] = x > 0 ? x : 0;
      }
      break;
    case Un.Step:
      for (let i = 0; i < n; i++) out[i] = src[i] > 0 ? 1 : 0;
      break;
    case Un.Exp:
      if (out instanceof Float32Array) expFloat32Array(src, out, n, EXP_TABLE, POW2);
      else for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]);
      break;
    case Un.Tanh:
      for (let i = 0; i < n; i++) out[i] = Math.tanh(src[i]);
      break;
    case Un.Log:
      for (let i = 0; i < n; i++) out[i] = Math.log(src[i]);
      break;
    case Un.Sqrt:
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(src[i]);
      break;
    case Un.Abs:
      for (let i = 0; i < n; i++) out[i] = Math.abs(src[i]);
      break;
    case Un.Sin:
      for (let i = 0; i < n; i++) out[i] = Math.sin(src[i]);
      break;
    case Un.Cos:
      for (let i = 0; i < n; i++) out[i] = Math.cos(src[i]);
      break;
  }
  return Tensor.fromData(out, a.shape, outDtype);
}

// ---------------------------------------------------------------- exp rounded to float32

/*
 * float32 exp must equal Math.fround(Math.exp(x)), which is what the ops have always stored.
 * This computes exp(x) in double to within ~1e-15 (relative), and keeps the result only when
 * every double within 2^-40 (relative) of it rounds to the same float32 — then Math.exp(x),
 * which is within one double ulp (2^-52) of exp(x), rounds to it too. Otherwise (about 1
 * element in 30,000, and every x outside [-104, 89], NaN included) it calls Math.exp.
 * src/bench/expCheck.ts checks every float32 input.
 *
 * exp(x) = 2^m · 2^(j/64) · exp(r): k = round(x·64/ln 2) = 64m + j (rounded with the 1.5·2^52
 * trick), r = x − k·ln2/64 (Cody–Waite split, so k·LN2_64_HI is exact), |r| ≤ ln2/128, exp(r)
 * by its Taylor series to r⁵/5! (truncation < 1e-16). ~40% less time than Math.exp per element.
 */
const EXP_TABLE = (() => {
  const t = new Float64Array(64);
  for (let j = 0; j < 64; j++) t[j] = Math.pow(2, j / 64);
  return t;
})();
/** 2^m for m in [-160, 140], at index m + 160. */
const POW2 = (() => {
  const t = new Float64Array(301);
  for (let m = -160; m <= 140; m++) t[m + 160] = Math.pow(2, m);
  return t;
})();
const INV_LN2_64 = 64 / Math.LN2;
/** ln2/64 split: HI has its low 32 bits clear, so k·HI is exact for |k| < 2^20. */
const LN2_64_HI = (() => {
  const f = new Float64Array([Math.LN2 / 64]);
  const u = new Uint32Array(f.buffer);
  u[0] = 0; // little-endian: the low word
  return f[0];
})();
const LN2_64_LO = Math.LN2 / 64 - LN2_64_HI;
/** Adding and subtracting 1.5·2^52 rounds a double below 2^51 to the nearest integer. */
const ROUND_SHIFT = 6755399441055744;
const EXP_DELTA = Math.pow(2, -40);
const EXP_LO = 1 - EXP_DELTA;
const EXP_HI = 1 + EXP_DELTA;

/** out[i] = Math.fround(Math.exp(src[i])) for i < n (the tables are parameters: V8 reads them faster). */
export function expFloat32Array(src: ArrayLike<number>, out: Float32Array, n: number, table: Float64Array = EXP_TABLE, pow2: Float64Array = POW2): void {
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (!(x > -104 && x < 89)) {
      out[i] = Math.exp(x);
      continue;
    }
    const kd = x * INV_LN2_64 + ROUND_SHIFT - ROUND_SHIFT;
    const k = kd | 0;
    const r = x - kd * LN2_64_HI - kd * LN2_64_LO;
    const p = 1 + r * (1 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333))));
    const y = pow2[(k >> 6) + 160] * table[k & 63] * p;
    const lo = Math.fround(y * EXP_LO);
    out[i] = lo === Math.fround(y * EXP_HI) ? lo : Math.exp(x);
  }
}

// ---------------------------------------------------------------- float32 sum in PyTorch's order

/**
 * The float32 inner-reduction sum of cascadeSum.ts (`torchSum(v, start, n, 'float32')`, ATen's
 * cascade_sum over 8-lane vectors with 4 interleaved partials), bit for bit, for n ≥ 8, in
 * about a tenth of the time: its 32 streams (lane l, partial k) take the elements
 * start + 32i + 8k + l, all have the same length and so cross their cascade levels together;
 * this walks the data once, in order, keeping each group of 8 streams' sums in locals.
 * (cascadeSum.ts gets each element through a closure, one stream at a time.)
 */
export function sumFloat32Cascade(v: ArrayLike<number>, start: number, n: number): number {
  const vecSize = Math.floor(n / 8);
  const size = Math.floor(vecSize / 4); // elements per stream
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / 4));
  const step = 1 << levelPower;
  const mask = step - 1;
  // acc[j][s]: level j of stream s = 8k + l
  const a0 = new Float64Array(32);
  const a1 = new Float64Array(32);
  const a2 = new Float64Array(32);
  const a3 = new Float64Array(32);
  let i = 0;
  while (i + step <= size) {
    sumStreams(v, start + i * 32, step, a0);
    i += step;
    // the cascade: carry level j-1 into level j, up while i is a multiple of the level's span
    for (let s = 0; s < 32; s++) {
      a1[s] = Math.fround(a1[s] + a0[s]);
      a0[s] = 0;
    }
    if ((i & (mask << levelPower)) === 0) {
      for (let s = 0; s < 32; s++) {
        a2[s] = Math.fround(a2[s] + a1[s]);
        a1[s] = 0;
      }
      if ((i & (mask << (2 * levelPower))) === 0) {
        for (let s = 0; s < 32; s++) {
          a3[s] = Math.fround(a3[s] + a2[s]);
          a2[s] = 0;
        }
      }
    }
  }
  if (i < size) sumStreams(v, start + i * 32, size - i, a0);
  // each stream: acc0 + acc1 + acc2 + acc3
  const p = new Float64Array(32);
  for (let s = 0; s < 32; s++) p[s] = Math.fround(Math.fround(Math.fround(a0[s] + a1[s]) + a2[s]) + a3[s]);
  // per lane: the vectors left over after the 4-way interleave go into partial 0, then partials 1..3
  let acc = 0;
  for (let e = vecSize * 8; e < n; e++) acc = Math.fround(acc + v[start + e]);
  for (let l = 0; l < 8; l++) {
    let q = p[l];
    for (let j = size * 4; j < vecSize; j++) q = Math.fround(q + v[start + j * 8 + l]);
    for (let k = 1; k < 4; k++) q = Math.fround(q + p[k * 8 + l]);
    acc = Math.fround(acc + q);
  }
  return acc;
}

/** acc[s] += v[base + 32i + s] (rounded each time) for i < count, s < 32: four passes of 8 streams in locals. */
function sumStreams(v: ArrayLike<number>, base: number, count: number, acc: Float64Array): void {
  const end = base + count * 32;
  for (let g = 0; g < 32; g += 8) {
    let c0 = acc[g], c1 = acc[g + 1], c2 = acc[g + 2], c3 = acc[g + 3];
    let c4 = acc[g + 4], c5 = acc[g + 5], c6 = acc[g + 6], c7 = acc[g + 7];
    for (let q = base + g; q < end; q += 32) {
      c0 = Math.fround(c0 + v[q]);
      c1 = Math.fround(c1 + v[q + 1]);
      c2 = Math.fround(c2 + v[q + 2]);
      c3 = Math.fround(c3 + v[q + 3]);
      c4 = Math.fround(c4 + v[q + 4]);
      c5 = Math.fround(c5 + v[q + 5]);
      c6 = Math.fround(c6 + v[q + 6]);
      c7 = Math.fround(c7 + v[q + 7]);
    }
    acc[g] = c0; acc[g + 1] = c1; acc[g + 2] = c2; acc[g + 3] = c3;
    acc[g + 4] = c4; acc[g + 5] = c5; acc[g + 6] = c6; acc[g + 7] = c7;
  }
}

/** utils::CeilLog2, as cascadeSum.ts has it. */
function ceilLog2(x: number): number {
  if (x <= 2) return x - 1 > 0 ? x - 1 : 0;
  return 32 - Math.clz32(x - 1);
}

// ---------------------------------------------------------------- matrix product

/**
 * C[m×n] = A[m×k] · B[k×n] on contiguous row-major data (linalg's gemm). Each output is a sum
 * over k ascending; float32 rounds after every multiply-add (Math.fround(acc + a·b), as the FMA
 * kernels of CPU BLAS do), float64 accumulates in double.
 *
 * A is copied to a Float64Array and B to a transposed one, so both operands of every
 * multiply-add are read along k; the product is computed in 4×4 tiles whose 16 sums live in
 * registers across the whole k loop (8 loads per 16 multiply-adds instead of 2 per 1).
 *
 * The previous kernel skipped the multiply-adds of zero entries of A. That only changes the
 * result when the matching entry of B is infinite or NaN (0·∞ = NaN; otherwise adding ±0 to a
 * sum that started at +0 changes nothing), so when B has such entries the skipping loop runs.
 */
export function matmulKernel(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, dtype: DType): Storage {
  const out = allocate(dtype, m * n);
  if (m === 0 || n === 0 || k === 0) return out;
  const f32 = dtype === 'float32';
  const kn = k * n;
  // the packed copies cost 8 bytes an element of A and B: past 64 MB, the row-by-row loop
  // (same results, no copies) keeps the memory a huge product needs to its output
  if (m * k + kn > PACKED_MATMUL_MAX) {
    matmulSkippingZeros(a, b, m, k, n, f32, out);
    return out;
  }
  for (let i = 0; i < kn; i++) {
    if (!Number.isFinite(b[i])) {
      matmulSkippingZeros(a, b, m, k, n, f32, out);
      return out;
    }
  }
  const A = new Float64Array(m * k);
  for (let i = 0; i < m * k; i++) A[i] = a[i];
  const BT = new Float64Array(kn);
  for (let p = 0; p < k; p++) {
    const row = p * n;
    for (let j = 0, q = p; j < n; j++, q += k) BT[q] = b[row + j];
  }
  if (f32) matmulTiles32(A, BT, out, m, k, n);
  else matmulTiles64(A, BT, out, m, k, n);
  return out;
}

/** Elements of A and B together (8 bytes each when packed) above which no packed copies are made. */
const PACKED_MATMUL_MAX = 1 << 23;

/** The float32 tiles: C = A · BTᵀ, BT being B transposed (n×k); C is the output (its store rounds nothing: every sum is a float32 already). */
function matmulTiles32(A: Float64Array, BT: Float64Array, C: Storage, m: number, k: number, n: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p];
        const x1 = A[a1 + p];
        const x2 = A[a2 + p];
        const x3 = A[a3 + p];
        const y0 = BT[b0 + p];
        const y1 = BT[b1 + p];
        const y2 = BT[b2 + p];
        const y3 = BT[b3 + p];
        c00 = Math.fround(c00 + x0 * y0);
        c01 = Math.fround(c01 + x0 * y1);
        c02 = Math.fround(c02 + x0 * y2);
        c03 = Math.fround(c03 + x0 * y3);
        c10 = Math.fround(c10 + x1 * y0);
        c11 = Math.fround(c11 + x1 * y1);
        c12 = Math.fround(c12 + x1 * y2);
        c13 = Math.fround(c13 + x1 * y3);
        c20 = Math.fround(c20 + x2 * y0);
        c21 = Math.fround(c21 + x2 * y1);
        c22 = Math.fround(c22 + x2 * y2);
        c23 = Math.fround(c23 + x2 * y3);
        c30 = Math.fround(c30 + x3 * y0);
        c31 = Math.fround(c31 + x3 * y1);
        c32 = Math.fround(c32 + x3 * y2);
        c33 = Math.fround(c33 + x3 * y3);
      }
      let o = i * n + j;
      C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
      o += n;
      C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13;
      o += n;
      C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
      o += n;
      C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
    }
  }
  // the last columns of the tiled rows, then the last rows
  for (let i = 0; i < m4; i++) for (let j = n4; j < n; j++) C[i * n + j] = dot32(A, i * k, BT, j * k, k);
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) C[i * n + j] = dot32(A, i * k, BT, j * k, k);
}

function dot32(A: Float64Array, pa: number, BT: Float64Array, pb: number, k: number): number {
  let c = 0;
  for (let p = 0; p < k; p++) c = Math.fround(c + A[pa + p] * BT[pb + p]);
  return c;
}

/** The same in double (float64 and integer dtypes). */
function matmulTiles64(A: Float64Array, BT: Float64Array, C: Storage, m: number, k: number, n: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p];
        const x1 = A[a1 + p];
        const x2 = A[a2 + p];
        const x3 = A[a3 + p];
        const y0 = BT[b0 + p];
        const y1 = BT[b1 + p];
        const y2 = BT[b2 + p];
        const y3 = BT[b3 + p];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      let o = i * n + j;
      C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
      o += n;
      C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13;
      o += n;
      C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
      o += n;
      C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
    }
  }
  for (let i = 0; i < m4; i++) for (let j = n4; j < n; j++) C[i * n + j] = dot64(A, i * k, BT, j * k, k);
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) C[i * n + j] = dot64(A, i * k, BT, j * k, k);
}

function dot64(A: Float64Array, pa: number, BT: Float64Array, pb: number, k: number): number {
  let c = 0;
  for (let p = 0; p < k; p++) c += A[pa + p] * BT[pb + p];
  return c;
}

/** The previous kernel, kept for B with infinities or NaN: row by row, skipping zero entries of A. */
function matmulSkippingZeros(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, f32: boolean, out: Storage): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p];
      if (av === 0) continue;
      const bp = p * n;
      if (f32) for (let j = 0; j < n; j++) acc[j] = Math.fround(acc[j] + av * b[bp + j]);
      else for (let j = 0; j < n; j++) acc[j] += av * b[bp + j];
    }
    const oi = i * n;
    for (let j = 0; j < n; j++) out[oi + j] = acc[j];
  }
}

// ---------------------------------------------------------------- copies

/** Writes `vals` (row-major, length numel(t)) into t's possibly strided storage. */
export function scatterInto(t: Tensor, vals: ArrayLike<number>): void {
  const data = t.storage.data;
  if (t.isContiguous()) {
    const o = t.offset;
    for (let i = 0; i < vals.length; i++) data[o + i] = vals[i];
    return;
  }
  const n = t.numel;
  for (let i = 0; i < n; i++) data[t.storageIndex(i)] = vals[i];
}

/** Values of `t` broadcast to `shape`, as a contiguous array (used by expand-like copies). */
export function expandValues(t: Tensor, shape: Shape, dtype: DType = t.dtype): Storage {
  const view = new Tensor(t.storage, t.dtype, shape.slice(), broadcastStrides(t, shape), t.offset);
  const v = view.values();
  if (dtype === t.dtype) return v.buffer === t.storage.data.buffer ? (v.slice() as Storage) : v;
  const out = allocate(dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return out;
}

export function fromValues(vals: ArrayLike<number>, shape: Shape, dtype: DType): Tensor {
  const out = allocate(dtype, vals.length);
  if (dtype === 'int64' || dtype === 'int32') for (let i = 0; i < vals.length; i++) out[i] = Math.trunc(vals[i]);
  else if (dtype === 'bool') for (let i = 0; i < vals.length; i++) out[i] = vals[i] ? 1 : 0;
  else out.set(vals as ArrayLike<number>);
  return Tensor.fromData(out, shape, dtype);
}

