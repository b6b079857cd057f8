/**
 * The stepper's arithmetic. A position is {pass, step}: step = how many of the pass's node
 * executions are shown (0 = none yet, steps.length = all). At step k the node that just ran is
 * steps[k-1] ("current"), steps[0..k-2] ran before it, steps[k] runs next.
 */
import type { StepPosition } from '../../trace/protocol';
import type { Trace, TracePass, TraceStep, TraceValue } from '../../trace/trace';

export interface GradRecord {
  pass: number;
  step: number;
  before: TraceValue | null;
  incoming: TraceValue;
  after: TraceValue;
}

export interface ParamRecord {
  index: number;
  optimizer: string;
  before: TraceValue;
  after: TraceValue;
}

export function clampPosition(trace: Trace, p: StepPosition | null | undefined): StepPosition {
  if (!trace.passes.length) return { pass: 0, step: 0 };
  const pass = Math.min(Math.max(0, Math.floor(p?.pass ?? 0)), trace.passes.length - 1);
  const n = trace.passes[pass].steps.length;
  const step = Math.min(Math.max(0, Math.floor(p?.step ?? 0)), n);
  return { pass, step };
}

export interface StepView {
  pass: TracePass | null;
  position: StepPosition;
  total: number;
  /** The node execution just shown (steps[step-1]). */
  current: TraceStep | null;
  /** The one that runs next (steps[step]). */
  next: TraceStep | null;
  /** Trace node id → 1-based step number, for every node executed so far (incl. current). */
  executed: Map<string, number>;
}

export function stepView(trace: Trace, p: StepPosition): StepView {
  const position = clampPosition(trace, p);
  const pass = trace.passes[position.pass] ?? null;
  const executed = new Map<string, number>();
  if (!pass) return { pass, position, total: 0, current: null, next: null, executed };
  for (let i = 0; i < position.step; i++) executed.set(pass.steps[i].node, i + 1);
  return {
    pass,
    position,
    total: pass.steps.length,
    current: position.step > 0 ? pass.steps[position.step - 1] : null,
    next: pass.steps[position.step] ?? null,
    executed,
  };
}

export type StepCommand = 'step' | 'back' | 'end' | 'restart';

export function applyCommand(trace: Trace, p: StepPosition, cmd: StepCommand): StepPosition {
  const cur = clampPosition(trace, p);
  const n = trace.passes[cur.pass]?.steps.length ?? 0;
  switch (cmd) {
    case 'step':
      return { pass: cur.pass, step: Math.min(n, cur.step + 1) };
    case 'back':
      return { pass: cur.pass, step: Math.max(0, cur.step - 1) };
    case 'end':
      return { pass: cur.pass, step: n };
    case 'restart':
      return { pass: cur.pass, step: 0 };
  }
}

/** Every step, in any pass, at which a trace node ran: [pass, 1-based step]. */
export function executionsOf(trace: Trace, nodeId: string): [number, number][] {
  const out: [number, number][] = [];
  trace.passes.forEach((p, i) => {
    const k = p.steps.findIndex((s) => s.node === nodeId);
    if (k >= 0) out.push([i, k + 1]);
  });
  return out;
}

/** The `.grad` history of a leaf tensor: one record per pass that accumulated into it. */
export function gradHistory(trace: Trace, tensorId: string): GradRecord[] {
  const out: GradRecord[] = [];
  trace.passes.forEach((p, i) => {
    p.steps.forEach((s, k) => {
      if (s.accumulation && s.accumulation.tensor === tensorId) {
        out.push({ pass: i, step: k + 1, before: s.accumulation.before, incoming: s.accumulation.incoming, after: s.accumulation.after });
      }
    });
  });
  return out;
}

/** A parameter across optimizer steps. */
export function optimizerHistory(trace: Trace, tensorId: string): ParamRecord[] {
  const out: ParamRecord[] = [];
  for (const s of trace.optimizerSteps) {
    for (const p of s.params) if (p.tensor === tensorId) out.push({ index: s.index, optimizer: s.optimizer, before: p.before, after: p.after });
  }
  return out;
}
