/**
 * The Trace command's work: run the snippet in the worker (with progress and Cancel for a long
 * one), then hand the result to the session store. A new trace cancels the one in flight.
 */
import * as vscode from 'vscode';
import { InterpreterClient, RunAborted, RunResult } from './interpreterClient';
import type { SessionStore, TraceSession } from './session';
import { settings } from './settings';
import type { Snippet } from './snippet';
import { findDocument } from './tracedState';

/** A long trace shows a notification with Cancel after this long (short ones never flash one). */
const PROGRESS_DELAY_MS = 400;

export class Tracer implements vscode.Disposable {
  constructor(
    private readonly client: InterpreterClient,
    private readonly store: SessionStore,
  ) {}

  /**
   * Runs the snippet and makes it the current session. Resolves to the session, or undefined
   * when the run was cancelled or replaced, or failed (the user has been told why).
   */
  async trace(snippet: Snippet): Promise<TraceSession | undefined> {
    const versions: Record<string, number> = {};
    for (const uri of snippet.map.uris) {
      const doc = findDocument(uri);
      if (doc) versions[uri] = doc.version;
    }
    const run = this.client.run(snippet.input, settings.limits());
    this.showProgressIfSlow(run, snippet.title);
    let result: RunResult;
    try {
      result = await run;
    } catch (e) {
      if (e instanceof RunAborted && e.kind === 'cancelled') return undefined;
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`Autograd Lens: ${message}. The previous trace is kept; edit the snippet and trace again.`);
      return undefined;
    }
    const session: TraceSession = {
      trace: result.trace,
      map: snippet.map,
      title: snippet.title,
      cells: result.cells,
      syntaxErrors: result.syntaxErrors,
      versions,
      runMillis: result.millis,
    };
    this.store.setSession(session);
    return session;
  }

  private showProgressIfSlow(run: Promise<unknown>, title: string): void {
    let done = false;
    const settled = run.then(
      () => (done = true),
      () => (done = true),
    );
    setTimeout(() => {
      if (done) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Autograd Lens: tracing ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.client.cancel());
          const started = Date.now() - PROGRESS_DELAY_MS;
          const timer = setInterval(() => progress.report({ message: `${((Date.now() - started) / 1000).toFixed(1)} s` }), 250);
          try {
            await settled;
          } finally {
            clearInterval(timer);
          }
        },
      );
    }, PROGRESS_DELAY_MS);
  }

  dispose(): void {
    this.client.dispose();
  }
}
