/**
 * `npm run bench [-- --quick] [-- --json] [-- --only SUBSTRING]`: our engine and
 * tfjs-core's CPU backend on the same workloads in one process, interleaved, with medians,
 * min, max and our/tfjs ratio of medians, against the goals of the product's quality bars.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chainGraph, mlpGraph } from './graphs';
import { findLayout } from './layout';
import * as ours from './ours';
import { TRAIN_100 } from './programs';
import * as tfjs from './tfjs';
import { measurePair, Plan, Run, setForceGc, stats, Stats } from './timing';

interface Workload {
  name: string;
  ours: () => Run;
  tfjs: (() => Run) | null;
  /** Calls per sample, for workloads too short to time one by one. */
  inner?: number;
  plan: 'heavy' | 'medium' | 'light';
  /** Goal for ours/tfjs (ratio of medians), or an absolute goal in ms when there is no tfjs side. */
  goal?: { ratio?: number; ms?: number };
  /** Extra figures reported beside the timing (e.g. the trace's size). */
  extra?: () => Record<string, number>;
  skip?: string;
}

export interface Row {
  name: string;
  ours: Stats | null;
  tfjs: Stats | null;
  ratio: number | null;
  goal?: string;
  met?: boolean;
  skipped?: string;
  [k: string]: unknown;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : null;
setForceGc(args.includes('--gc'));

const PLANS: Record<Workload['plan'], Plan> = quick
  ? { heavy: { warmup: 1, reps: 5, budgetMs: 2500 }, medium: { warmup: 2, reps: 7, budgetMs: 1500 }, light: { warmup: 3, reps: 9, budgetMs: 800 } }
  : { heavy: { warmup: 3, reps: 15, budgetMs: 12000 }, medium: { warmup: 5, reps: 21, budgetMs: 6000 }, light: { warmup: 10, reps: 31, budgetMs: 3000 } };

function workloads(): Workload[] {
  const w: Workload[] = [];
  const CHAIN = 10_000;
  w.push({ name: 'chain/fwd+bwd', ours: () => ours.chain(CHAIN, true), tfjs: () => tfjs.chain(CHAIN), plan: 'heavy', goal: { ratio: 0.05 } });
  w.push({ name: 'chain/fwd+bwd/no-record', ours: () => ours.chain(CHAIN, false), tfjs: () => tfjs.chain(CHAIN), plan: 'heavy' });
  const sizes: [string, number, number][] = [
    ['1e3', 1e3, 1000],
    ['1e5', 1e5, 10],
    ['1e6', 1e6, 1],
  ];
  const elementwiseGoal: Record<string, number> = { add: 0.3, mul: 0.3, exp: 0.8, tanh: 0.8 };
  for (const op of ['add', 'mul'] as const) {
    for (const [label, n, inner] of sizes) {
      w.push({ name: `${op}/${label}`, ours: () => ours.binary(op, n), tfjs: () => tfjs.binary(op, n), inner, plan: 'light', goal: label === '1e6' ? { ratio: elementwiseGoal[op] } : undefined });
    }
  }
  for (const op of ['exp', 'tanh'] as const) {
    for (const [label, n, inner] of sizes) {
      w.push({ name: `${op}/${label}`, ours: () => ours.unary(op, n), tfjs: () => tfjs.unary(op, n), inner, plan: 'light', goal: label === '1e6' ? { ratio: elementwiseGoal[op] } : undefined });
    }
  }
  for (const op of ['exp', 'tanh'] as const) {
    w.push({ name: `${op}/1e6/kernel`, ours: () => ours.unaryKernel(op, 1e6), tfjs: () => tfjs.unary(op, 1e6), plan: 'light' });
  }
  w.push({ name: 'sum/1e6', ours: () => ours.reduction('sum', 1e6), tfjs: () => tfjs.reduction('sum', 1e6), plan: 'light', goal: { ratio: 0.8 } });
  w.push({ name: 'mean/1e6', ours: () => ours.reduction('mean', 1e6), tfjs: () => tfjs.reduction('mean', 1e6), plan: 'light', goal: { ratio: 0.1 } });
  for (const op of ['sum', 'mean'] as const) {
    w.push({ name: `${op}/1e6/kernel`, ours: () => ours.reductionKernel(op, 1e6), tfjs: () => tfjs.reduction(op, 1e6), plan: 'light' });
  }
  const mmGoal: Record<number, number> = { 256: 0.4, 512: 0.5 };
  for (const n of [64, 256, 512]) {
    w.push({ name: `matmul/${n}`, ours: () => ours.matmul(n), tfjs: () => tfjs.matmul(n), inner: n === 64 ? 20 : 1, plan: n === 512 ? 'heavy' : 'medium', goal: mmGoal[n] ? { ratio: mmGoal[n] } : undefined });
  }
  w.push({ name: 'mlp/step', ours: () => ours.mlpStep(true), tfjs: () => tfjs.mlpStep(), plan: 'medium', goal: { ratio: 0.4 } });
  w.push({ name: 'mlp/step/no-record', ours: () => ours.mlpStep(false), tfjs: () => tfjs.mlpStep(), plan: 'medium' });

  const tutorialPath = path.join(__dirname, '..', 'examples', 'autograd_tutorial.py');
  const tutorial = fs.existsSync(tutorialPath) ? fs.readFileSync(tutorialPath, 'utf8') : null;
  if (tutorial) {
    const t = ours.traceRun(tutorial);
    w.push({ name: 'trace/tutorial', ours: () => t.run, tfjs: null, plan: 'medium', goal: { ms: 50 }, extra: () => ({ trace_bytes: t.bytes() }) });
  } else {
    w.push({ name: 'trace/tutorial', ours: () => () => {}, tfjs: null, plan: 'light', skip: `${tutorialPath} not found` });
  }
  const train = ours.traceRun(TRAIN_100);
  w.push({ name: 'trace/train100', ours: () => train.run, tfjs: null, plan: 'heavy', extra: () => ({ trace_bytes: train.bytes() }) });

  const layout = findLayout();
  for (const [kind, make] of [
    ['chain', chainGraph],
    ['mlp', mlpGraph],
  ] as const) {
    for (const n of [100, 1000, 5000, 10000]) {
      const name = `layout/${kind}/${n}`;
      if (!layout) {
        w.push({ name, ours: () => () => {}, tfjs: null, plan: 'light', skip: 'no layout in src/webview/layout/ when the benchmark was built' });
        continue;
      }
      const g = make(n);
      w.push({ name, ours: () => () => void layout.fn(g), tfjs: null, plan: n >= 5000 ? 'heavy' : 'medium', extra: () => ({ nodes: g.trace.nodes.length }) });
    }
  }
  return w.filter((x) => !only || x.name.includes(only));
}

function repeat(run: Run, k: number): Run {
  if (k === 1) return run;
  return () => {
    for (let i = 0; i < k; i++) run();
  };
}

function perCall(s: Stats, k: number): Stats {
  const r = (x: number) => Math.round((x / k) * 1e6) / 1e6;
  return { median_ms: r(s.median_ms), min_ms: r(s.min_ms), max_ms: r(s.max_ms), samples: s.samples };
}

function runWorkload(w: Workload): Row {
  if (w.skip) return { name: w.name, ours: null, tfjs: null, ratio: null, skipped: w.skip };
  const k = w.inner ?? 1;
  const a = repeat(w.ours(), k);
  const b = w.tfjs ? repeat(w.tfjs(), k) : null;
  const m = measurePair(a, b, PLANS[w.plan]);
  const so = perCall(stats(m.ours), k);
  const st = m.theirs ? perCall(stats(m.theirs), k) : null;
  const ratio = st ? Math.round((so.median_ms / st.median_ms) * 1000) / 1000 : null;
  const row: Row = { name: w.name, ours: so, tfjs: st, ratio, ...(w.extra ? w.extra() : {}) };
  if (w.goal?.ratio !== undefined && ratio !== null) {
    row.goal = `≤ ${w.goal.ratio}×`;
    row.met = ratio <= w.goal.ratio;
  } else if (w.goal?.ms !== undefined) {
    row.goal = `< ${w.goal.ms} ms`;
    row.met = so.median_ms < w.goal.ms;
  }
  return row;
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x >= 0.01 ? x.toFixed(3) : x.toFixed(5));
const cell = (s: Stats | null): string => (s ? `${fmt(s.median_ms)} (${fmt(s.min_ms)}–${fmt(s.max_ms)})` : '—');

function printRow(r: Row, widths: number[]): void {
  const extras = Object.entries(r)
    .filter(([key]) => !['name', 'ours', 'tfjs', 'ratio', 'goal', 'met', 'skipped'].includes(key))
    .map(([key, v]) => `${key}=${v}`)
    .join(' ');
  const cols = r.skipped
    ? [r.name, 'skipped', '', '', '', r.skipped]
    : [r.name, cell(r.ours), cell(r.tfjs), r.ratio === null ? '—' : `${r.ratio.toFixed(3)}×`, r.goal ? `${r.goal} ${r.met ? 'met' : 'MISSED'}` : '', extras];
  console.log(cols.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  '));
}

async function main(): Promise<void> {
  const started = Date.now();
  const tfInfo = await tfjs.initTfjs();
  const list = workloads();
  const layoutWhere = findLayout()?.where;
  const widths = [26, 28, 28, 9, 16];
  if (!json) {
    console.log(`autograd-lens bench${quick ? ' --quick' : ''}: ms per call, median (min–max); ratio = ours/tfjs medians; ${tfInfo}; node ${process.version}`);
    console.log(`layout: ${layoutWhere ?? 'none when built'}`);
    console.log(['workload', 'ours', 'tfjs-cpu', 'ratio', 'goal', ''].map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  '));
  }
  const rows: Row[] = [];
  for (const w of list) {
    const r = runWorkload(w);
    rows.push(r);
    if (!json) printRow(r, widths);
  }
  if (json) {
    console.log(JSON.stringify({ workloads: rows }));
  } else {
    const goals = rows.filter((r) => r.met !== undefined);
    console.log(`goals met: ${goals.filter((r) => r.met).length}/${goals.length}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
