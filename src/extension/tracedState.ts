/**
 * The current trace as the editor features see it: only for documents that have not been
 * edited since they were traced (otherwise lines no longer match).
 */
import * as vscode from 'vscode';
import type { SessionStore, TraceSession } from './session';
import type { DocLine, SourceMap } from './sourceMap';
import { TensorIndex } from './tensorIndex';

export interface TracedView {
  session: TraceSession;
  map: SourceMap;
  index: TensorIndex;
  lineText(at: DocLine): string | undefined;
}

export function findDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

export class TracedState {
  private cache: { session: TraceSession; view: TracedView } | undefined;

  constructor(private readonly store: SessionStore) {}

  /** The trace, if there is one and `doc` (when given) was traced and is unchanged since. */
  current(doc?: vscode.TextDocument): TracedView | undefined {
    const session = this.store.session;
    if (!session) return undefined;
    if (doc) {
      const key = doc.uri.toString();
      if (!session.map.covers(key) || session.versions[key] !== doc.version) return undefined;
    }
    if (this.cache?.session !== session) {
      const view: TracedView = {
        session,
        map: session.map,
        index: new TensorIndex(session.trace),
        lineText(at) {
          const d = findDocument(at.uri);
          if (!d || at.line >= d.lineCount || session.versions[at.uri] !== d.version) return undefined;
          return d.lineAt(at.line).text;
        },
      };
      this.cache = { session, view };
    }
    return this.cache.view;
  }

  /** Whether a document is part of the current trace and unchanged. */
  isTraced(doc: vscode.TextDocument): boolean {
    return this.current(doc) !== undefined;
  }
}
