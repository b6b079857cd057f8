/**
 * Runs snippets in the interpreter worker with a time and memory watchdog. One worker is kept
 * warm; a job that is cancelled, superseded, too slow or too big gets its worker terminated
 * (the engine is synchronous, so that is the only way to stop it) and the next job starts a
 * fresh one. Where the worker runs is the host's business (host/interpreterHost.ts): a Node
 * worker thread on desktop, a Web Worker in VS Code for the web. This module imports no Node
 * module.
 */
import { defaultHost } from './host/defaultHost';
import type { InterpreterHost, InterpreterWorker } from './host/interpreterHost';
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
  /** Growth of the extension host's resident memory that stops the run (where the host can measure it). */
  memoryMb: number;
}

interface Job {
  id: number;
  resolve(r: RunResult): void;
  reject(e: Error): void;
  /** What to undo when the job ends: its timers and watchdogs. */
  stops: (() => void)[];
}

export class InterpreterClient {
  private readonly host: InterpreterHost;
  private worker: InterpreterWorker | undefined;
  private job: Job | undefined;
  private nextId = 1;
  private disposed = false;

  /** A worker script's path (the platform's default host runs it), or a host. */
  constructor(host: string | InterpreterHost) {
    this.host = typeof host === 'string' ? defaultHost(host) : host;
  }

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
      const job: Job = { id, resolve, reject, stops: [] };
      this.job = job;
      // The interpreter stops itself at maxMillis per cell with a located TimeoutError; this
      // catches what it cannot (a single huge kernel, a runaway cell list).
      const hardLimit = limits.maxMillis + 5_000;
      const timer = setTimeout(
        () => this.abort(new RunAborted('timeout', `the snippet ran longer than ${(hardLimit / 1000).toFixed(0)} s and was stopped`)),
        hardLimit,
      );
      job.stops.push(() => clearTimeout(timer));
      const stopWatching = this.host.watchMemory?.(limits.memoryMb * 1024 * 1024, () =>
        this.abort(new RunAborted('memory', `the snippet used more than ${limits.memoryMb} MB and was stopped`)),
      );
      if (stopWatching) job.stops.push(stopWatching);
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
    this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): InterpreterWorker {
    if (this.worker) return this.worker;
    const worker: InterpreterWorker = this.host.start({
      message: (msg) => this.onMessage(worker, msg),
      gone: (err, outOfMemory) => this.onGone(worker, err, outOfMemory),
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: InterpreterWorker, msg: WorkerResponse): void {
    if (worker !== this.worker || msg.type === 'ready') return;
    const job = this.job;
    if (!job || msg.id !== job.id) return;
    this.finish(job);
    if (msg.type === 'result') job.resolve(msg);
    else job.reject(new RunAborted('crashed', `the interpreter failed: ${msg.message}`));
  }

  private onGone(worker: InterpreterWorker, err: Error, oom: boolean): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.job;
    if (!job) return;
    this.finish(job);
    job.reject(oom ? new RunAborted('memory', 'the snippet ran out of memory and was stopped') : new RunAborted('crashed', err.message));
  }

  private finish(job: Job): void {
    for (const stop of job.stops.splice(0)) stop();
    if (this.job === job) this.job = undefined;
  }

  /** Stops the job in flight by terminating its worker; the next run starts a new one. */
  private abort(reason: RunAborted): void {
    const job = this.job;
    if (!job) return;
    this.finish(job);
    const worker = this.worker;
    this.worker = undefined;
    worker?.terminate();
    job.reject(reason);
    if (!this.disposed) setTimeout(() => this.warmUp(), 0);
  }
}
