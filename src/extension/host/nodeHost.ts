/**
 * The desktop host: the interpreter (dist/worker.js) in a Node worker thread, with a V8 heap
 * limit on the worker and a watchdog on the process's resident memory.
 */
import { Worker } from 'worker_threads';
import type { WorkerResponse } from '../workerProtocol';
import type { InterpreterHost, InterpreterWorker, WorkerEvents } from './interpreterHost';

export class NodeInterpreterHost implements InterpreterHost {
  constructor(private readonly workerPath: string) {}

  start(events: WorkerEvents): InterpreterWorker {
    const worker = new Worker(this.workerPath, {
      // The V8 heap of the worker (Python objects, lists); tensors are watched separately.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.unref();
    worker.on('message', (msg: WorkerResponse) => events.message(msg));
    worker.on('error', (err) => events.gone(err, (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'));
    worker.on('exit', (code) => events.gone(new Error(`the interpreter stopped (exit code ${code})`), false));
    return {
      postMessage: (msg) => worker.postMessage(msg),
      terminate: () => void worker.terminate(),
    };
  }

  watchMemory(limitBytes: number, exceeded: () => void): () => void {
    // Tensors live in ArrayBuffers outside the worker's V8 heap limit: watch the process.
    const baseline = process.memoryUsage.rss();
    const timer = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > limitBytes) exceeded();
    }, 50);
    return () => clearInterval(timer);
  }
}
