/**
 * The layout Web Worker (bundled to dist/layoutWorker.js): receives {id, input, options}, answers
 * {id, result} or {id, error}. Says {type:'ready'} once loaded so the page knows it runs.
 */
import { layoutGraph, LayoutGraphInput, LayoutOptions } from './layout/layered';

interface WorkerScope {
  postMessage(m: unknown): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (ev: MessageEvent) => {
  const d = ev.data as { id?: unknown; input?: LayoutGraphInput; options?: LayoutOptions };
  if (typeof d?.id !== 'number' || !d.input || !Array.isArray(d.input.nodes) || !Array.isArray(d.input.edges)) return;
  try {
    scope.postMessage({ id: d.id, result: layoutGraph(d.input, d.options ?? {}) });
  } catch (e) {
    scope.postMessage({ id: d.id, error: (e as Error).message });
  }
});

scope.postMessage({ type: 'ready' });
