/**
 * Runs layouts off the UI thread: in a Web Worker made (as a Blob URL) from the source the page
 * carries, or — when no worker can be made (no source, a CSP without `worker-src blob:`) — on
 * the main thread in ~12 ms slices, so input and pan/zoom keep getting turns in between. The
 * worker must say "ready" within a few seconds or the fallback takes over.
 */
import { LayoutGraphInput, layoutGraphSteps, LayoutOptions, LayoutResult } from './layout/layered';

interface Pending {
  resolve(r: LayoutResult): void;
  reject(e: Error): void;
  input: LayoutGraphInput;
  options: LayoutOptions;
}

export type LayoutMode = 'worker' | 'main' | 'starting';

/** Graphs up to this many nodes are laid out on the page while the worker is still starting. */
export const SMALL_GRAPH_NODES = 300;


export class LayoutClient {
  mode: LayoutMode = 'starting';
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private ready: Promise<void>;

  /** `workerSource`: the layout worker's script, which the page carries (null: lay out here). */
  constructor(workerSource: string | null) {
    this.ready = workerSource ? this.start(workerSource) : Promise.resolve(this.fallback('no layout worker'));
  }

  /** The last reason the worker could not be used, for the status line. */
  fallbackReason = '';

  private async start(source: string): Promise<void> {
    let w: Worker;
    try {
      w = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    } catch (e) {
      this.fallback(`worker refused (${(e as Error).message})`);
      return;
    }
    const worker = w;
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 4000);
      worker.addEventListener('message', (ev: MessageEvent) => {
        if ((ev.data as { type?: string })?.type === 'ready') {
          clearTimeout(timer);
          resolve(true);
        }
      });
      worker.addEventListener('error', (ev) => {
        ev.preventDefault?.();
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ok) {
      worker.terminate();
      this.fallback('worker did not start');
      return;
    }
    this.worker = worker;
    this.mode = 'worker';
    worker.addEventListener('message', (ev: MessageEvent) => this.onMessage(ev.data));
    worker.addEventListener('error', () => {
      // a worker that dies takes its pending layouts with it: redo them here
      this.worker = null;
      this.fallback('worker failed');
      const again = [...this.pending.values()];
      this.pending.clear();
      for (const p of again) this.runHere(p);
    });
  }

  private fallback(reason: string): void {
    this.mode = 'main';
    this.fallbackReason = reason;
  }

  private onMessage(data: unknown): void {
    const d = data as { id?: number; result?: LayoutResult; error?: string };
    if (typeof d?.id !== 'number') return;
    const p = this.pending.get(d.id);
    if (!p) return;
    this.pending.delete(d.id);
    if (d.result) p.resolve(d.result);
    else p.reject(new Error(d.error ?? 'layout failed'));
  }

  async layout(input: LayoutGraphInput, options: LayoutOptions = {}): Promise<LayoutResult> {
    // A new page's first graph need not wait for the worker to boot (~40–100 ms) when it is
    // small: laying out a few hundred nodes here takes a few ms, in the same time slices.
    if (this.mode === 'starting' && input.nodes.length <= SMALL_GRAPH_NODES) {
      return new Promise<LayoutResult>((resolve, reject) => this.runHere({ resolve, reject, input, options }));
    }
    await this.ready;
    return new Promise<LayoutResult>((resolve, reject) => {
      const p: Pending = { resolve, reject, input, options };
      if (this.worker) {
        const id = this.nextId++;
        this.pending.set(id, p);
        this.worker.postMessage({ id, input, options });
      } else this.runHere(p);
    });
  }

  /** Main-thread fallback: the layout generator, advanced in time slices. */
  private runHere(p: Pending): void {
    const it = layoutGraphSteps(p.input, p.options);
    const slice = () => {
      const t0 = performance.now();
      try {
        for (;;) {
          const r = it.next();
          if (r.done) {
            p.resolve(r.value);
            return;
          }
          if (performance.now() - t0 > 12) break;
        }
      } catch (e) {
        p.reject(e as Error);
        return;
      }
      setTimeout(slice, 0);
    };
    slice();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
