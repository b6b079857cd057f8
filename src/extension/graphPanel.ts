/**
 * The graph panel's host side: one panel, created or revealed on demand and revived by a
 * serializer after a reload; it sends the trace and the stepper's position to the page
 * (src/webview) and validates everything the page sends back (src/trace/protocol.ts).
 */
import * as vscode from 'vscode';
import { HostToWebview, PageTiming, parseWebviewMessage, WebviewToHost } from '../trace/protocol';
import type { SessionStore } from './session';
import { localResourceRoots, PageAssets, panelHtml, readPageAssets } from './webviewHtml';

export const GRAPH_VIEW_TYPE = 'autogradLens.graph';

export interface PanelEvents {
  /** The page asked to show the source of a node (a 1-based line of the traced snippet). */
  revealLine(line: number): void;
  /** The panel was created, shown, hidden or closed. */
  visibilityChanged(): void;
  /** Something the page sent, after validation (for the API's message log). */
  received(msg: WebviewToHost): void;
}

export interface RenderReport {
  nodes: number;
  /** The page's own drawing time. */
  millis: number;
  /** From the command that produced the trace (or opened the panel) to this report. */
  latencyMs?: number;
  /** When the report arrived (performance.now() of the extension host). */
  at: number;
  /**
   * Where the latency went, in ms from the request, when this drawing followed one: the panel
   * made (VS Code created the webview editor), the page began loading, its script ran, it was
   * ready, the trace was sent to it, the drawing was reported. Absent phases did not happen
   * (a panel that was already open has no page phases).
   */
  phases?: LatencyPhases;
}

export interface LatencyPhases {
  panelCreated?: number;
  pageStart?: number;
  script?: number;
  ready?: number;
  traceSent?: number;
  drawn: number;
}

/** One line for the integration test's log: the phases in the order they happened. */
export function describePhases(p: LatencyPhases): string {
  const parts: [string, number | undefined][] = [
    ['panel created', p.panelCreated],
    ['page loading', p.pageStart],
    ['script running', p.script],
    ['page ready', p.ready],
    ['trace sent', p.traceSent],
    ['drawn', p.drawn],
  ];
  const happened = parts.filter((x): x is [string, number] => x[1] !== undefined).sort((x, y) => x[1] - y[1]);
  return `${happened.map(([label, v]) => `${label} ${v.toFixed(0)}`).join(' → ')} ms`;
}

export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** How many times this panel's page has said it is ready (more than once: it was reloaded). */
  private readyCount = 0;
  /**
   * The session whose trace was last posted to this panel. The trace is posted as soon as it
   * is made, even before the page is ready: VS Code holds a webview's messages until its page
   * has loaded, which saves the page's `ready` round trip on a new panel.
   */
  private delivered: unknown;
  private highlighted: number | null = null;
  private pendingExports: ((svg: string | undefined) => void)[] = [];
  /**
   * When the trace now being drawn was asked for (wall clock, comparable with the page's times)
   * and what happened since: the latency report and its breakdown.
   */
  private timeline: { requested: number; panelCreated?: number; page?: PageTiming; traceSent?: number } | undefined;
  /** A trace is being made: a page that becomes ready waits for it rather than drawing the old one. */
  private awaitingTrace = false;
  lastRender: RenderReport | undefined;
  /** The page's script, worker and style, read once (a new panel needs no file reads). */
  private assets: Promise<PageAssets> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: SessionStore,
    private readonly events: PanelEvents,
  ) {
    this.disposables.push(
      store.onDidChange((kind) => {
        if (kind === 'trace') this.sendTrace();
        else this.post({ type: 'position', position: store.position });
      }),
    );
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  get active(): boolean {
    return this.panel?.active ?? false;
  }

  get exists(): boolean {
    return this.panel !== undefined;
  }

  /** Reveals the panel, creating it beside the editor if needed. */
  createOrShow(preserveFocus = true, startedAt = performance.now()): void {
    if (this.panel) {
      if (!this.panel.visible) this.setRequested(startedAt);
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    this.setRequested(startedAt);
    const panel = vscode.window.createWebviewPanel(
      GRAPH_VIEW_TYPE,
      this.title(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      // Kept alive behind other tabs: showing it again is instant and keeps its zoom and step.
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: localResourceRoots() },
    );
    this.attach(panel);
    if (this.timeline) this.timeline.panelCreated = Date.now();
  }

  private setRequested(startedAt: number): void {
    this.timeline = { requested: Date.now() - (performance.now() - startedAt) };
  }

  /** Takes over a panel restored after a reload (WebviewPanelSerializer). */
  revive(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots() };
    this.setRequested(performance.now());
    this.attach(panel);
  }

  /** Marks the start of a trace, so the next drawing reports the whole latency. */
  markRequested(startedAt: number): void {
    this.setRequested(startedAt);
    this.awaitingTrace = true;
  }

  /** The trace started by markRequested ended (made, failed or cancelled). */
  traceSettled(): void {
    if (!this.awaitingTrace) return;
    this.awaitingTrace = false;
    this.timeline = undefined;
    this.sendTrace();
  }

  highlightLine(line: number | null): void {
    if (line === this.highlighted) return;
    this.highlighted = line;
    this.post({ type: 'highlightLine', line });
  }

  showError(message: string): void {
    this.post({ type: 'error', message });
  }

  /** Asks the page for the SVG it has drawn; undefined if it does not answer in time. */
  async requestSvg(timeoutMs = 10_000): Promise<string | undefined> {
    if (!this.panel) return undefined;
    if (!(await this.whenReady(timeoutMs))) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (svg: string | undefined) => {
        clearTimeout(timer);
        this.pendingExports = this.pendingExports.filter((f) => f !== finish);
        resolve(svg);
      };
      this.pendingExports.push(finish);
      this.post({ type: 'requestExport', format: 'svg' });
    });
  }

  private async whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.panel && !this.ready) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.ready;
  }

  private title(): string {
    const s = this.store.session;
    return s ? `Autograd: ${s.title}` : 'Autograd Lens';
  }

  /** Starts reading the page's files, so that the first panel does not wait for them. */
  preloadAssets(): Promise<PageAssets> {
    this.assets ??= readPageAssets(this.extensionUri);
    return this.assets;
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.readyCount = 0;
    this.delivered = undefined;
    this.preloadAssets().then(
      (assets) => {
        if (this.panel === panel) panel.webview.html = panelHtml(assets);
      },
      (err: Error) => {
        this.assets = undefined; // try again with the next panel
        if (this.panel === panel) void vscode.window.showErrorMessage(`Autograd Lens: could not load the graph page (${err.message}).`);
      },
    );
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => this.events.visibilityChanged()),
      panel.onDidDispose(() => this.onDisposed(panel)),
    );
    this.events.visibilityChanged();
  }

  private onDisposed(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.ready = false;
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    for (const f of this.pendingExports.slice()) f(undefined);
    this.events.visibilityChanged();
  }

  private onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) return; // not ours, or malformed: ignore
    this.events.received(msg);
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.readyCount++;
        if (this.timeline && msg.timing) this.timeline.page = msg.timing;
        // a first load received what was posted before it; a reloaded page starts empty
        if (!this.awaitingTrace && !(this.readyCount === 1 && this.delivered !== undefined && this.delivered === this.store.session)) this.sendTrace();
        if (this.highlighted !== null) this.post({ type: 'highlightLine', line: this.highlighted });
        break;
      case 'setPosition':
        this.store.setPosition(msg.position);
        break;
      case 'revealLine':
        this.events.revealLine(msg.line);
        break;
      case 'exported':
        for (const f of this.pendingExports.slice()) f(msg.content);
        break;
      case 'rendered': {
        const t = this.timeline;
        const since = (v: number | undefined) => (v === undefined || !t ? undefined : v - t.requested);
        const phases: LatencyPhases | undefined = t && {
          panelCreated: since(t.panelCreated),
          pageStart: since(t.page?.origin),
          script: since(t.page?.script),
          ready: since(t.page?.ready),
          traceSent: since(t.traceSent),
          drawn: Date.now() - t.requested,
        };
        this.timeline = undefined;
        this.lastRender = { nodes: msg.nodes, millis: msg.millis, latencyMs: phases?.drawn, at: performance.now(), phases };
        break;
      }
    }
  }

  private sendTrace(): void {
    this.awaitingTrace = false;
    if (!this.panel) return;
    this.panel.title = this.title();
    const s = this.store.session;
    if (!s) return;
    this.post({ type: 'trace', trace: s.trace, position: this.store.position, title: s.title });
    this.delivered = s;
    if (this.timeline) this.timeline.traceSent = Date.now();
  }

  /** Posts to the page; VS Code keeps what is posted before the page has loaded until it has. */
  private post(msg: HostToWebview): void {
    if (this.panel) void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Restores the panel after a window reload; the host re-sends the trace once the page is ready. */
export class GraphPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly onRevive: (panel: vscode.WebviewPanel, state: unknown) => void) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.onRevive(panel, state);
  }
}
