import type { Trace } from './trace';

/** Where the stepper is: which backward pass, and how many of its node executions are shown. */
export interface StepPosition {
  pass: number;
  step: number;
}

/** Messages from the extension host to the webview. */
export type HostToWebview =
  | { type: 'trace'; trace: Trace; position: StepPosition; title: string }
  | { type: 'position'; position: StepPosition }
  | { type: 'highlightLine'; line: number | null }
  | { type: 'error'; message: string }
  | { type: 'requestExport'; format: 'svg' };

/**
 * When the page started, as wall-clock milliseconds (Date.now() scale, comparable across the
 * page and the extension host on one machine): for the latency breakdown of a new panel.
 */
export interface PageTiming {
  /** The page's navigation start (performance.timeOrigin). */
  origin: number;
  /** The webview bundle began to run. */
  script: number;
  /** The page was ready for a trace (the moment it sent `ready`). */
  ready: number;
}

/** Messages from the webview to the extension host. */
export type WebviewToHost =
  | { type: 'ready'; timing?: PageTiming }
  | { type: 'setPosition'; position: StepPosition }
  | { type: 'revealLine'; line: number }
  | { type: 'exported'; format: 'svg'; content: string }
  | { type: 'rendered'; nodes: number; millis: number };

/** Validates a message from the webview (untrusted input). */
export function parseWebviewMessage(m: unknown): WebviewToHost | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  switch (o.type) {
    case 'ready': {
      const t = o.timing as Record<string, unknown> | undefined;
      const ms = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
      return t && typeof t === 'object' && ms(t.origin) && ms(t.script) && ms(t.ready)
        ? { type: 'ready', timing: { origin: t.origin as number, script: t.script as number, ready: t.ready as number } }
        : { type: 'ready' };
    }
    case 'setPosition': {
      const p = o.position as Record<string, unknown> | undefined;
      return p && int(p.pass) && int(p.step) ? { type: 'setPosition', position: { pass: p.pass as number, step: p.step as number } } : null;
    }
    case 'revealLine':
      return int(o.line) ? { type: 'revealLine', line: o.line as number } : null;
    case 'exported':
      return o.format === 'svg' && typeof o.content === 'string' ? { type: 'exported', format: 'svg', content: o.content } : null;
    case 'rendered':
      return typeof o.nodes === 'number' && typeof o.millis === 'number' ? { type: 'rendered', nodes: o.nodes, millis: o.millis } : null;
  }
  return null;
}
