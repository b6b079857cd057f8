/**
 * The page's link to the extension host: VS Code's webview API when there is one, otherwise
 * (the standalone HTML page) a stand-in that keeps state in memory and drops messages.
 */
import type { HostToWebview, StepPosition, WebviewToHost } from '../trace/protocol';
import { Trace, validateTrace } from '../trace/trace';

interface VsCodeApi {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export interface Host {
  readonly standalone: boolean;
  post(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: () => api.getState(),
      setState: (s) => api.setState(s),
    };
  }
  let state: unknown;
  return {
    standalone: true,
    post: () => {},
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

const nat = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function position(v: unknown): StepPosition | null {
  const p = v as Record<string, unknown> | null;
  return p && typeof p === 'object' && nat(p.pass) && nat(p.step) ? { pass: p.pass, step: p.step } : null;
}

/** Checks a message from the host before acting on it (it carries a trace built from user code). */
export function parseHostMessage(m: unknown): HostToWebview | { type: 'invalid'; reason: string } | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'trace': {
      const err = validateTrace(o.trace);
      if (err) return { type: 'invalid', reason: err };
      return { type: 'trace', trace: o.trace as Trace, position: position(o.position) ?? { pass: 0, step: 0 }, title: typeof o.title === 'string' ? o.title : '' };
    }
    case 'position': {
      const p = position(o.position);
      return p ? { type: 'position', position: p } : { type: 'invalid', reason: 'bad position' };
    }
    case 'highlightLine':
      return { type: 'highlightLine', line: nat(o.line) ? o.line : null };
    case 'error':
      return { type: 'error', message: typeof o.message === 'string' ? o.message : 'Unknown error' };
    case 'requestExport':
      return { type: 'requestExport', format: 'svg' };
  }
  return null;
}
