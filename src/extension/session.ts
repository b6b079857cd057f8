/**
 * The trace being shown and where the backward stepper is. Stepping is a position
 * (pass, step): `step` node executions of pass `pass` are shown, 0 to steps.length.
 * Every view (panel, lenses, editor decorations) listens to `onDidChange`.
 */
import * as vscode from 'vscode';
import type { StepPosition } from '../trace/protocol';
import type { Trace, TraceNode, TracePass } from '../trace/trace';
import type { SourceMap } from './sourceMap';
import type { RanCell, SyntaxProblem } from './workerProtocol';

export interface TraceSession {
  trace: Trace;
  map: SourceMap;
  title: string;
  cells: RanCell[];
  syntaxErrors: SyntaxProblem[];
  /** The version of each traced document when it was traced (later edits make lines stale). */
  versions: Record<string, number>;
  /** How long the worker took, in ms. */
  runMillis: number;
}

export type ChangeKind = 'trace' | 'position';

export class SessionStore implements vscode.Disposable {
  private current: TraceSession | undefined;
  private nodes = new Map<string, TraceNode>();
  private pos: StepPosition = { pass: 0, step: 0 };
  private readonly changed = new vscode.EventEmitter<ChangeKind>();
  readonly onDidChange = this.changed.event;

  get session(): TraceSession | undefined {
    return this.current;
  }

  get position(): StepPosition {
    return { ...this.pos };
  }

  get pass(): TracePass | undefined {
    return this.current?.trace.passes[this.pos.pass];
  }

  node(id: string): TraceNode | undefined {
    return this.nodes.get(id);
  }

  /** The node execution shown last (the one the stepper is on), if any. */
  get currentStep() {
    const pass = this.pass;
    return pass && this.pos.step > 0 ? pass.steps[this.pos.step - 1] : undefined;
  }

  setSession(session: TraceSession, position: StepPosition = { pass: 0, step: 0 }): void {
    this.current = session;
    this.nodes = new Map(session.trace.nodes.map((n) => [n.id, n]));
    this.pos = this.clamp(position);
    this.changed.fire('trace');
  }

  clear(): void {
    this.current = undefined;
    this.nodes.clear();
    this.pos = { pass: 0, step: 0 };
    this.changed.fire('trace');
  }

  /** Moves the stepper; out-of-range positions are clamped. Returns whether it moved. */
  setPosition(p: StepPosition): boolean {
    const next = this.clamp(p);
    if (next.pass === this.pos.pass && next.step === this.pos.step) return false;
    this.pos = next;
    this.changed.fire('position');
    return true;
  }

  step(delta: number): boolean {
    return this.setPosition({ pass: this.pos.pass, step: this.pos.step + delta });
  }

  toEnd(): boolean {
    return this.setPosition({ pass: this.pos.pass, step: this.pass?.steps.length ?? 0 });
  }

  selectPass(pass: number): boolean {
    return this.setPosition({ pass, step: 0 });
  }

  private clamp(p: StepPosition): StepPosition {
    const passes = this.current?.trace.passes ?? [];
    if (passes.length === 0) return { pass: 0, step: 0 };
    const pass = Math.min(Math.max(0, Math.trunc(p.pass) || 0), passes.length - 1);
    const step = Math.min(Math.max(0, Math.trunc(p.step) || 0), passes[pass].steps.length);
    return { pass, step };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
