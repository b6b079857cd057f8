/**
 * The web build's defaultHost (esbuild.js puts it in place of defaultHost.ts): the Web Worker
 * host that web/extension.ts set up before activating. The worker path the desktop code
 * passes is a file path; the web host has its own URL, so the path is not used.
 */
import type { InterpreterHost } from './interpreterHost';

let configured: InterpreterHost | undefined;

export function setDefaultHost(host: InterpreterHost): void {
  configured = host;
}

export function defaultHost(_workerPath: string): InterpreterHost {
  if (!configured) throw new Error('Autograd Lens: the web interpreter host was not set up before activation');
  return configured;
}
