/**
 * Runs snippets in the interpreter worker (dist/worker.js) with a time and memory watchdog.
 * One worker is kept warm; a job that is cancelled, superseded, too slow or too big gets its
 * worker terminated (the engine is synchronous, so that is the only way to stop it) and the
 * next job starts a fresh one.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { RunSettings, WorkerRequest, WorkerResponse } from './workerProtocol';

export type RunResult = Extract<WorkerResponse, { type: 'result' }>;
export type RunInput = Extract<WorkerRequest, { type: 'run' }>['input'];

/** Why a run produced no trace; `kind` lets the caller word its message. */
export class RunAborted extends Error {
  constructor(
    readonly kind: 'cancelled' | 'timeout' | 'memory' | 'crashed',
    message: string,
  ) {
    super(message);
  }
}

export interface Limits extends RunSettings {
  /** Growth of the extension host's resident memory that stops the run. */
  memoryMb: number;
}

interface Job {
  id: number;
  resolve(r: RunResult): void;
  reject(e: Error): void;
  timers: NodeJS.Timeout[];
}

export class InterpreterClient {
  private worker: Worker | undefined;
  private job: Job | undefined;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly workerPath: string = path.join(__dirname, 'worker.js')) {}

  /** Starts the worker ahead of the first run, so the first trace does not pay for it. */
  warmUp(): void {
    if (!this.disposed) this.ensureWorker();
  }

  /** Runs a snippet; a run already in flight is cancelled first (a new trace replaces it). */
  run(input: RunInput, limits: Limits): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new RunAborted('cancelled', 'Autograd Lens is shutting down'));
    this.abort(new RunAborted('cancelled', 'replaced by a newer trace'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<RunResult>((resolve, reject) => {
      const job: Job = { id, resolve, reject, timers: [] };
      this.job = job;
      // The interpreter stops itself at maxMillis per cell with a located TimeoutError; this
      // catches what it cannot (a single huge kernel, a runaway cell list).
      const hardLimit = limits.maxMillis + 5_000;
      job.timers.push(
        setTimeout(
          () => this.abort(new RunAborted('timeout', `the snippet ran longer than ${(hardLimit / 1000).toFixed(0)} s and was stopped`)),
          hardLimit,
        ),
      );
      // Tensors live in ArrayBuffers outside the worker's V8 heap limit: watch the process.
      const baseline = process.memoryUsage.rss();
      const limitBytes = limits.memoryMb * 1024 * 1024;
      job.timers.push(
        setInterval(() => {
          if (process.memoryUsage.rss() - baseline > limitBytes) {
            this.abort(new RunAborted('memory', `the snippet used more than ${limits.memoryMb} MB and was stopped`));
          }
        }, 50),
      );
      const { memoryMb: _memoryMb, ...settings } = limits;
      worker.postMessage({ type: 'run', id, input, settings } satisfies WorkerRequest);
    });
  }

  /** Cancels the run in flight, if any. */
  cancel(): void {
    this.abort(new RunAborted('cancelled', 'the trace was cancelled'));
  }

  get busy(): boolean {
    return this.job !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.abort(new RunAborted('cancelled', 'Autograd Lens is shutting down'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, {
      // The V8 heap of the worker (Python objects, lists); tensors are watched separately.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.unref();
    worker.on('message', (msg: WorkerResponse) => this.onMessage(worker, msg));
    worker.on('error', (err) => this.onGone(worker, err));
    worker.on('exit', (code) => this.onGone(worker, new Error(`the interpreter stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, msg: WorkerResponse): void {
    if (worker !== this.worker || msg.type === 'ready') return;
    const job = this.job;
    if (!job || msg.id !== job.id) return;
    this.finish(job);
    if (msg.type === 'result') job.resolve(msg);
    else job.reject(new RunAborted('crashed', `the interpreter failed: ${msg.message}`));
  }

  private onGone(worker: Worker, err: Error): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.job;
    if (!job) return;
    this.finish(job);
    const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
    job.reject(oom ? new RunAborted('memory', 'the snippet ran out of memory and was stopped') : new RunAborted('crashed', err.message));
  }

  private finish(job: Job): void {
    for (const t of job.timers) clearTimeout(t);
    if (this.job === job) this.job = undefined;
  }

  /** Stops the job in flight by terminating its worker; the next run starts a new one. */
  private abort(reason: RunAborted): void {
    const job = this.job;
    if (!job) return;
    this.finish(job);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    job.reject(reason);
    if (!this.disposed) setTimeout(() => this.warmUp(), 0);
  }
}
