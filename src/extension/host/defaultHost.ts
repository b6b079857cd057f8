/**
 * The host InterpreterClient uses when given a worker path (desktop: a Node worker thread).
 * The web build (esbuild.js) replaces this module with defaultHost.web.ts.
 */
import type { InterpreterHost } from './interpreterHost';
import { NodeInterpreterHost } from './nodeHost';

export function defaultHost(workerPath: string): InterpreterHost {
  return new NodeInterpreterHost(workerPath);
}
