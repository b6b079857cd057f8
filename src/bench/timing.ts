/**
 * Side-by-side timing: our engine and tfjs-cpu run the same workload alternately in one
 * process (ours first on even reps, tfjs first on odd ones), after warm-up runs of each.
 * Garbage collection is left to V8, so each side's GC cost lands in its own samples on
 * average (medians absorb the odd pause). Forcing a full GC before every sample (--gc) is
 * worse than it sounds: it shrinks the young generation and resets V8's pretenuring, so
 * every sample starts cold (the MLP step measured about 2x slower that way).
 */
import * as v8 from 'v8';
import * as vm from 'vm';

export interface Stats {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  samples: number;
}

/** A prepared run: inputs are made before timing, only `run` is timed. */
export type Run = () => void;

let gcFn: (() => void) | null = null;
/** Collect garbage before every sample (--gc). Off by default: see the header. */
let forceGc = false;
export const setForceGc = (v: boolean): void => {
  forceGc = v;
};
function gc(): void {
  if (gcFn === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = () => {};
    }
  }
  gcFn();
}

export function stats(samples: number[]): Stats {
  const s = samples.slice().sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median_ms: round(median), min_ms: round(s[0]), max_ms: round(s[n - 1]), samples: n };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function timeOnce(run: Run): number {
  if (forceGc) gc();
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export interface Plan {
  warmup: number;
  reps: number;
  /** Stop early (after at least 3 reps) once this many ms have been spent timing. */
  budgetMs: number;
}

/** Times `ours` and (if given) `theirs` interleaved; returns their samples. */
export function measurePair(ours: Run, theirs: Run | null, plan: Plan): { ours: number[]; theirs: number[] | null } {
  for (let i = 0; i < plan.warmup; i++) {
    ours();
    if (theirs) theirs();
  }
  const a: number[] = [];
  const b: number[] = [];
  let spent = 0;
  for (let r = 0; r < plan.reps; r++) {
    if (theirs && r % 2 === 1) {
      b.push(timeOnce(theirs));
      a.push(timeOnce(ours));
    } else {
      a.push(timeOnce(ours));
      if (theirs) b.push(timeOnce(theirs));
    }
    spent += a[a.length - 1] + (theirs ? b[b.length - 1] : 0);
    if (r >= 2 && spent > plan.budgetMs) break;
  }
  return { ours: a, theirs: theirs ? b : null };
}
