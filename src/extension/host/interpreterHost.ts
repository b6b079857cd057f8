/**
 * Where the interpreter worker runs: a Node worker thread on desktop (nodeHost.ts), a Web
 * Worker in VS Code for the web (webHost.ts). InterpreterClient only talks to this interface,
 * so the extension's code imports no Node module except through a host.
 */
import type { WorkerRequest, WorkerResponse } from '../workerProtocol';

/** What a host tells the client about one worker it started. */
export interface WorkerEvents {
  message(msg: WorkerResponse): void;
  /** The worker is gone (crashed, ran out of memory, exited); `outOfMemory` when the host knows it was memory. */
  gone(err: Error, outOfMemory: boolean): void;
}

/** One running interpreter worker. */
export interface InterpreterWorker {
  postMessage(msg: WorkerRequest): void;
  /** Stops the worker at once (the engine is synchronous: this is the only way to stop a run). */
  terminate(): void;
}

export interface InterpreterHost {
  /** Starts a worker. Events for it arrive until it is terminated or gone. */
  start(events: WorkerEvents): InterpreterWorker;
  /**
   * Watches the memory a run uses, calling `exceeded` once it has grown by more than
   * `limitBytes`; returns the function that stops watching. Undefined when the host cannot
   * measure memory (the web: the time watchdog and the engine's tensor size budget remain).
   */
  watchMemory?(limitBytes: number, exceeded: () => void): () => void;
}
