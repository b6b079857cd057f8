/**
 * Autograd Lens in VS Code: commands, code lenses, hovers, diagnostics, cell outputs and the
 * graph panel, around a trace made in a worker thread (snippets never run on this thread).
 */
import * as vscode from 'vscode';
import type { WebviewToHost } from '../trace/protocol';
import { CellOutputs } from './cellOutputs';
import { AutogradCodeLenses } from './codeLens';
import { SnippetDiagnostics } from './diagnostics';
import { ExportArgs, exportGraph } from './exportGraph';
import { GRAPH_VIEW_TYPE, GraphPanel, GraphPanelSerializer, RenderReport } from './graphPanel';
import { TensorHover } from './hover';
import { InterpreterClient } from './interpreterClient';
import { restoreSession, saveSession } from './persistence';
import { SessionStore } from './session';
import { settings } from './settings';
import { notebookSnippet, snippetFor } from './snippet';
import { findDocument, TracedState } from './tracedState';
import { Tracer } from './tracer';

/** What tests and other extensions can read about the extension's state. */
export interface AutogradLensState {
  panelVisible: boolean;
  trace?: { tensors: number; nodes: { id: string; name: string }[]; passes: number; error?: string };
  /** The backward pass shown (0-based). */
  pass?: number;
  /** How many node executions of that pass are shown (0 = none yet). */
  step?: number;
  /** Node executions in that pass. */
  steps?: number;
  /** PyTorch's name of the node executed last (e.g. "MulBackward0"). */
  currentNode?: string;
  /** For an AccumulateGrad step: the leaf's .grad before, the incoming gradient, and .grad after. */
  accumulation?: { tensor: string; before: string | null; incoming: string; after: string };
  title?: string;
  /** The panel's last drawing: nodes, its own time, and the time from the command to it. */
  render?: RenderReport;
  /** The worker's time for the last trace, in ms. */
  runMillis?: number;
}

export interface AutogradLensApi {
  getState(): AutogradLensState;
  /** The last messages the panel's page sent, after validation (newest last). */
  recentMessages(): WebviewToHost[];
  /** The cell outputs shown beside a document's cells. */
  cellOutputs(uri: vscode.Uri): { line: number; text: string }[];
}

const CONTEXT = {
  hasTrace: 'autogradLens.hasTrace',
  hasPasses: 'autogradLens.hasPasses',
  multiplePasses: 'autogradLens.multiplePasses',
  panelVisible: 'autogradLens.panelVisible',
  editorTraced: 'autogradLens.editorTraced',
};

export function activate(context: vscode.ExtensionContext): AutogradLensApi {
  const store = new SessionStore();
  const traced = new TracedState(store);
  const client = new InterpreterClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  const tracer = new Tracer(client, store);
  const diagnostics = new SnippetDiagnostics();
  const outputs = new CellOutputs(settings.inlineOutput);
  const lenses = new AutogradCodeLenses(traced, settings.valueLens);
  const messages: WebviewToHost[] = [];
  const subs = context.subscriptions;

  const setContext = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
  const updateContext = () => {
    const passes = store.session?.trace.passes.length ?? 0;
    setContext(CONTEXT.hasTrace, store.session !== undefined);
    setContext(CONTEXT.hasPasses, passes > 0);
    setContext(CONTEXT.multiplePasses, passes > 1);
    setContext(CONTEXT.panelVisible, panel.visible);
    const doc = vscode.window.activeTextEditor?.document;
    setContext(CONTEXT.editorTraced, doc !== undefined && traced.isTraced(doc));
  };

  const revealLine = async (line: number) => {
    const at = store.session?.map.toDoc(line);
    if (!at) return;
    const doc = findDocument(at.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(at.uri)));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const range = new vscode.Range(at.line, 0, at.line, 0);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  const panel = new GraphPanel(context.extensionUri, store, {
    revealLine: (line) => void revealLine(line),
    visibilityChanged: updateContext,
    received(msg) {
      messages.push(msg);
      if (messages.length > 100) messages.shift();
    },
  });

  // the page's files are read now, off the path from a command to the first drawing
  panel.preloadAssets().catch(() => undefined);
  subs.push(store, client, tracer, diagnostics, outputs, lenses, panel);
  subs.push(
    vscode.window.registerWebviewPanelSerializer(
      GRAPH_VIEW_TYPE,
      new GraphPanelSerializer((webviewPanel) => {
        if (!store.session) {
          const saved = restoreSession(context.workspaceState);
          if (saved) store.setSession(saved.session, saved.position);
        }
        panel.revive(webviewPanel);
      }),
    ),
  );

  // The views follow the session.
  subs.push(
    store.onDidChange((kind) => {
      if (kind === 'trace') {
        const s = store.session;
        if (s) diagnostics.show(s);
        else diagnostics.clear();
        outputs.show(s);
        lenses.refresh();
        updateContext();
      }
      saveSession(context.workspaceState, store, kind);
    }),
  );

  // Python documents and notebook cells alike: no scheme filter.
  const python: vscode.DocumentSelector = { language: 'python' };
  subs.push(vscode.languages.registerCodeLensProvider(python, lenses));
  subs.push(vscode.languages.registerHoverProvider(python, new TensorHover(traced)));

  subs.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || !store.session?.map.covers(e.document.uri.toString())) return;
      // Its lines have moved: errors at old positions would mislead until the next trace.
      diagnostics.clear(e.document.uri);
      updateContext();
    }),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      const view = traced.current(e.textEditor.document);
      if (!view) return;
      panel.highlightLine(view.map.toVirtual(e.textEditor.document.uri.toString(), e.selections[0].active.line) ?? null);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('autogradLens')) return;
      lenses.refresh();
      outputs.show(store.session);
    }),
  );

  // ---------------------------------------------------------------- commands
  const needTrace = (): boolean => {
    if (store.session?.trace.passes.length) return true;
    void vscode.window.showInformationMessage(
      store.session ? 'Autograd Lens: the traced code never calls backward().' : 'Autograd Lens: trace some code first (Autograd Lens: Trace Selection).',
    );
    return false;
  };
  const showPanel = () => {
    if (!panel.visible) panel.createOrShow(true);
  };

  async function traceCommand(uri?: vscode.Uri, line?: number): Promise<AutogradLensState | undefined> {
    const started = performance.now();
    let snippet;
    if (uri instanceof vscode.Uri) {
      // from a lens (with a line), or a menu (the document: its editor's selection counts)
      const doc = findDocument(uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
      const editor = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor : undefined;
      snippet = typeof line === 'number' ? snippetFor(doc, undefined, line) : snippetFor(doc, editor?.selection);
    } else if (vscode.window.activeTextEditor) {
      const editor = vscode.window.activeTextEditor;
      snippet = snippetFor(editor.document, editor.selection);
    } else if (vscode.window.activeNotebookEditor) {
      const nb = vscode.window.activeNotebookEditor;
      // the selected cell (a range's end is exclusive; an empty range is a position)
      snippet = notebookSnippet(nb.notebook, Math.max(nb.selection.start, nb.selection.end - 1));
    } else {
      void vscode.window.showInformationMessage('Autograd Lens: open a Python file or notebook and select some PyTorch code to trace.');
      return undefined;
    }
    panel.markRequested(started);
    // The page loads while the engine runs: most of the first drawing's latency is the webview's start.
    if (settings.openGraphOnTrace() || panel.exists) panel.createOrShow(true, started);
    const session = await tracer.trace(snippet).finally(() => panel.traceSettled());
    if (!session) return undefined;
    return getState();
  }

  const commands: [string, (...args: never[]) => unknown][] = [
    ['autogradLens.trace', traceCommand],
    [
      'autogradLens.showGraph',
      async () => {
        if (!store.session && (vscode.window.activeTextEditor?.document.languageId === 'python' || vscode.window.activeNotebookEditor)) {
          await traceCommand();
        }
        panel.createOrShow(true);
        return getState();
      },
    ],
    ['autogradLens.stepBackward', () => (needTrace() && (showPanel(), store.step(1)), getState())],
    ['autogradLens.stepBack', () => (needTrace() && (showPanel(), store.step(-1)), getState())],
    ['autogradLens.runBackward', () => (needTrace() && (showPanel(), store.toEnd()), getState())],
    ['autogradLens.restartBackward', () => (needTrace() && (showPanel(), store.setPosition({ ...store.position, step: 0 })), getState())],
    [
      'autogradLens.selectBackwardPass',
      async (arg?: number | { passes?: number[] }) => {
        if (!needTrace()) return getState();
        const passes = store.session!.trace.passes;
        let index: number | undefined = typeof arg === 'number' ? arg : undefined;
        if (index === undefined) {
          const among = typeof arg === 'object' && Array.isArray(arg?.passes) ? arg.passes : passes.map((p) => p.index);
          const items = among
            .map((i) => passes[i])
            .filter((p) => p !== undefined)
            .map((p) => {
              const root = store.session!.trace.tensors.find((t) => t.id === p.root);
              const line = p.range ? store.session!.map.toDoc(p.range.line) : undefined;
              return {
                label: `Pass ${p.index + 1}: ${p.kind === 'grad' ? 'torch.autograd.grad' : `${root?.names[0] ?? 'tensor'}.backward()`}`,
                description: `${p.steps.length} nodes${line ? ` · line ${line.line + 1}` : ''}`,
                picked: p.index === store.position.pass,
                index: p.index,
              };
            });
          const picked = await vscode.window.showQuickPick(items, { title: 'Step through which backward pass?' });
          if (!picked) return getState();
          index = picked.index;
        }
        store.selectPass(index);
        showPanel();
        return getState();
      },
    ],
    [
      'autogradLens.exportGraph',
      async (args?: ExportArgs) => {
        try {
          const uri = await exportGraph(store, panel, args && typeof args === 'object' ? args : {});
          if (uri && !args?.uri) void vscode.window.showInformationMessage(`Autograd Lens: exported ${vscode.workspace.asRelativePath(uri)}`);
          return uri;
        } catch (e) {
          void vscode.window.showErrorMessage(`Autograd Lens: export failed: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      },
    ],
  ];
  for (const [id, fn] of commands) subs.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));

  function getState(): AutogradLensState {
    const s = store.session;
    const state: AutogradLensState = { panelVisible: panel.visible };
    if (!s) return state;
    const error = s.trace.cells.find((c) => c.error)?.error;
    state.trace = {
      tensors: s.trace.tensors.length,
      nodes: s.trace.nodes.map((n) => ({ id: n.id, name: n.name })),
      passes: s.trace.passes.length,
      ...(error ? { error } : {}),
    };
    state.title = s.title;
    state.runMillis = s.runMillis;
    if (panel.lastRender) state.render = { ...panel.lastRender };
    const pass = store.pass;
    if (pass) {
      state.pass = store.position.pass;
      state.step = store.position.step;
      state.steps = pass.steps.length;
      const cur = store.currentStep;
      if (cur) {
        state.currentNode = store.node(cur.node)?.name;
        if (cur.accumulation) {
          const a = cur.accumulation;
          state.accumulation = { tensor: a.tensor, before: a.before?.text ?? null, incoming: a.incoming.text, after: a.after.text };
        }
      }
    }
    return state;
  }

  updateContext();
  // The first trace should not wait for the worker to load the engine.
  setTimeout(() => client.warmUp(), 0);

  return {
    getState,
    recentMessages: () => messages.slice(),
    cellOutputs: (uri) => outputs.outputsFor(uri.toString()),
  };
}

export function deactivate(): void {}
