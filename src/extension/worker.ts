/**
 * The interpreter worker (bundled to dist/worker.js): a Node worker thread that runs snippets
 * on the engine and posts their trace back. The host terminates it on timeout or cancel, so
 * a runaway snippet can never block the editor. The web build's counterpart is web/worker.ts.
 */
import { parentPort } from 'worker_threads';
import { handle, warmUp } from './host/workerHandler';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

const port = parentPort;
if (port) {
  warmUp();
  port.on('message', (req: WorkerRequest) => {
    if (req && req.type === 'run') port.postMessage(handle(req));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerResponse);
}
