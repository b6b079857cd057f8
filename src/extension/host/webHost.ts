/**
 * The web host (VS Code for the web): the interpreter (dist/web/worker.js) in a Web Worker.
 *
 * Making the worker: a worker's script must normally come from the page's origin, and the
 * extension's files may be served from another one. So it tries, in order:
 *   1. `new Worker(url)`: VS Code's web extension host replaces `Worker` with one that wraps the
 *      URL in a blob that calls importScripts(url), so this usually works as is;
 *   2. our own blob that calls importScripts(url) (classic scripts may come from anywhere);
 *   3. the script's text, read through the extension's own means (vscode.workspace.fs, which
 *      also reaches a remote extension's files), as a blob.
 * A way that throws, or whose worker reports an error before it has said `ready`, gives way
 * to the next; messages posted meanwhile are queued and replayed to the worker that starts.
 *
 * What the web cannot do: measure memory (no process RSS, no resourceLimits), so there is no
 * memory watchdog; the time watchdog (terminate()) and the engine's tensor-size budget remain.
 * This module imports neither Node nor `vscode`, so it can run in a plain page (the
 * scripts/vscode/web-worker-check.js test does that).
 */
import type { WorkerRequest, WorkerResponse } from '../workerProtocol';
import type { InterpreterHost, InterpreterWorker, WorkerEvents } from './interpreterHost';

export interface WebWorkerScript {
  /** The worker script's URL, as the browser should load it. */
  url: string;
  /** Reads the script's text, for when no worker can be made from its URL. */
  read?(): PromiseLike<Uint8Array | string>;
}

type Attempt = () => Worker | Promise<Worker>;

function blobWorker(source: BlobPart, name: string): Worker {
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
  // The worker has fetched the blob once it starts; revoking later keeps the URL from leaking.
  const worker = new Worker(blobUrl, { name });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  return worker;
}

export class WebInterpreterHost implements InterpreterHost {
  /** The way that made the last worker that said `ready` (1-3), for tests and logs. */
  lastWay: number | undefined;

  constructor(private readonly script: WebWorkerScript) {}

  private attempts(): Attempt[] {
    const { url, read } = this.script;
    const name = 'Autograd Lens interpreter';
    const ways: Attempt[] = [
      () => new Worker(url, { name }),
      () => blobWorker(`importScripts(${JSON.stringify(url)});`, name),
    ];
    if (read) {
      ways.push(async () => {
        const text = await read();
        return blobWorker(typeof text === 'string' ? text : new TextDecoder().decode(text), name);
      });
    }
    return ways;
  }

  start(events: WorkerEvents): InterpreterWorker {
    const attempts = this.attempts();
    let worker: Worker | undefined;
    let way = 0;
    let ready = false;
    let ended = false;
    /** Posted before the worker said `ready`: replayed if it gives way to the next one. */
    const unconfirmed: WorkerRequest[] = [];

    const end = (err: Error) => {
      if (ended) return;
      ended = true;
      worker?.terminate();
      worker = undefined;
      events.gone(err, false);
    };

    const next = (why: unknown): void => {
      worker?.terminate();
      worker = undefined;
      if (ended) return;
      if (way >= attempts.length) {
        end(new Error(`the interpreter could not start (${why instanceof Error ? why.message : String(why)})`));
        return;
      }
      const attempt = attempts[way++];
      let made: Worker | Promise<Worker>;
      try {
        made = attempt();
      } catch (e) {
        next(e);
        return;
      }
      Promise.resolve(made).then(attach, next);
    };

    const attach = (w: Worker): void => {
      if (ended) {
        w.terminate();
        return;
      }
      worker = w;
      w.onmessage = (e: MessageEvent<WorkerResponse>) => {
        if (w !== worker) return;
        if (e.data?.type === 'ready') {
          ready = true;
          this.lastWay = way;
          unconfirmed.length = 0;
        }
        events.message(e.data);
      };
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        if (w !== worker) return;
        const why = new Error(e.message || 'the interpreter failed');
        if (ready) end(why);
        else next(why);
      };
      w.onmessageerror = () => {
        if (w === worker) end(new Error('a message from the interpreter could not be read'));
      };
      for (const msg of unconfirmed) w.postMessage(msg);
    };

    next(new Error('no way to start a worker'));

    return {
      postMessage(msg) {
        if (ended) return;
        if (!ready) unconfirmed.push(msg);
        worker?.postMessage(msg);
      },
      terminate() {
        ended = true;
        worker?.terminate();
        worker = undefined;
      },
    };
  }
}
