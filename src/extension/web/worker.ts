/**
 * The interpreter as a Web Worker (bundled to dist/web/worker.js, an iife): the web build's
 * counterpart of ../worker.ts. Same messages (../workerProtocol.ts), same engine.
 */
import { handle, warmUp } from '../host/workerHandler';
import type { WorkerRequest, WorkerResponse } from '../workerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

warmUp();
scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  if (req && req.type === 'run') scope.postMessage(handle(req));
};
scope.postMessage({ type: 'ready' } satisfies WorkerResponse);
