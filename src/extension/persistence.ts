/**
 * The session kept in the workspace's state, so the graph panel restored after a window
 * reload shows the same trace at the same step.
 */
import type * as vscode from 'vscode';
import type { StepPosition } from '../trace/protocol';
import { validateTrace } from '../trace/trace';
import type { SessionStore, TraceSession } from './session';
import { SourceMap } from './sourceMap';

const KEY = 'autogradLens.session';
const POSITION_KEY = 'autogradLens.position';
/** Bigger traces are not kept (the workspace state is not meant for large blobs). */
const MAX_CHARS = 4_000_000;

let pending: NodeJS.Timeout | undefined;

/** Keeps the session (when the trace changed) or only the stepper's position (when it moved). */
export function saveSession(memento: vscode.Memento, store: SessionStore, what: 'trace' | 'position'): void {
  if (what === 'position') {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => void memento.update(POSITION_KEY, store.position), 300);
    return;
  }
  const s = store.session;
  void memento.update(POSITION_KEY, store.position);
  if (!s) {
    void memento.update(KEY, undefined);
    return;
  }
  const value = { ...s, map: s.map.toJSON() };
  void memento.update(KEY, JSON.stringify(value).length > MAX_CHARS ? undefined : value);
}

export function restoreSession(memento: vscode.Memento): { session: TraceSession; position: StepPosition } | undefined {
  const v = memento.get<Record<string, unknown>>(KEY);
  if (!v || validateTrace(v.trace) !== null) return undefined;
  const map = SourceMap.fromJSON(v.map);
  if (!map || !Array.isArray(v.cells) || !Array.isArray(v.syntaxErrors)) return undefined;
  const session: TraceSession = {
    trace: v.trace as TraceSession['trace'],
    map,
    title: typeof v.title === 'string' ? v.title : 'restored trace',
    cells: v.cells as TraceSession['cells'],
    syntaxErrors: v.syntaxErrors as TraceSession['syntaxErrors'],
    // documents are renumbered after a reload: editor features wait for the next trace
    versions: {},
    runMillis: typeof v.runMillis === 'number' ? v.runMillis : 0,
  };
  const p = (memento.get<Partial<StepPosition>>(POSITION_KEY) ?? {}) as Partial<StepPosition>;
  return { session, position: { pass: Number(p.pass) || 0, step: Number(p.step) || 0 } };
}
