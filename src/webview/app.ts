/**
 * The graph panel: toolbar (pass selector, stepper, search, zoom), the drawing, the step card and
 * the inspector, wired to the host by the typed protocol. The same code runs in the VS Code
 * webview and in the standalone HTML page (there the stepper works locally).
 */
import type { StepPosition } from '../trace/protocol';
import type { Trace } from '../trace/trace';
import { clear, h } from './dom';
import { Host, parseHostMessage } from './host';
import { icon, IconName } from './icons';
import type { LayoutResult } from './layout/layered';
import { layoutInput } from './layout/layoutTrace';
import type { LayoutClient } from './layoutClient';
import { buildDrawGraph, CollapseMode, DrawGraph } from './model/graphModel';
import { DEFAULT_METRICS, TextMetrics } from './model/metrics';
import { findRepeats, RepeatRun } from './model/repeats';
import { searchTrace, SearchHit } from './model/search';
import { applyCommand, clampPosition, StepCommand, stepView, StepView } from './model/stepper';
import { previewValue } from './model/values';
import { DEFAULT_EXPORT_PALETTE, ExportPalette, exportSvg } from './render/exportSvg';
import { GraphMarks, GraphView, NO_MARKS, ViewTransform } from './render/graphView';
import { renderInspector, Selected } from './ui/inspector';
import { Names } from './ui/names';
import { passTitle, renderStepCard } from './ui/stepCard';

interface SavedState {
  v: 1;
  traceKey: string;
  position: StepPosition;
  transform: ViewTransform | null;
  expanded: Record<string, boolean>;
  collapse: CollapseMode;
  selected: { kind: 'tensor' | 'node'; id: string } | null;
  theme?: 'light' | 'dark';
}

export function traceKey(t: Trace): string {
  const first = t.nodes[0]?.id ?? '';
  const last = t.nodes[t.nodes.length - 1]?.id ?? '';
  return `${t.nodes.length}:${t.tensors.length}:${t.passes.length}:${first}:${last}`;
}

interface EdgeIndex {
  /** Grad edges drawn from an individual node: trace node id → edge indices. */
  bySrc: Map<string, number[]>;
  /** tensor → grad_fn edges, by the grad_fn's drawn id. */
  output: Map<string, number[]>;
  /** AccumulateGrad → leaf edges, by the AccumulateGrad's drawn id. */
  acc: Map<string, number[]>;
}

/** Timeline marks (visible in the browser's performance tools). */
function mark(name: string): void {
  try {
    performance.mark(name);
  } catch {
    /* not supported */
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

export class App {
  private trace: Trace | null = null;
  private names: Names | null = null;
  private runs: RepeatRun[] = [];
  private position: StepPosition = { pass: 0, step: 0 };
  private view: StepView | null = null;
  private graph: DrawGraph | null = null;
  private layout: LayoutResult | null = null;
  private edges: EdgeIndex = { bySrc: new Map(), output: new Map(), acc: new Map() };
  private expanded: Record<string, boolean> = {};
  private collapse: CollapseMode = 'auto';
  private selected: Selected | null = null;
  private hits: SearchHit[] = [];
  private hitIndex = -1;
  private lineHits = new Set<string>();
  /** The editor line the host asked to highlight (kept so a relayout can highlight it again). */
  private highlightedLine: number | null = null;
  private receivedAt = 0;
  private renderedOnce = false;
  private layoutSeq = 0;
  private graphKey = '';
  private layoutMs = 0;
  private metrics: TextMetrics = DEFAULT_METRICS;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private restoreTransform: ViewTransform | null = null;
  private title = '';

  private el: {
    app: HTMLElement;
    title: HTMLElement;
    pass: HTMLSelectElement;
    passWrap: HTMLElement;
    buttons: Record<StepCommand, HTMLButtonElement>;
    counter: HTMLElement;
    search: HTMLInputElement;
    searchCount: HTMLElement;
    collapse: HTMLButtonElement;
    graphArea: HTMLElement;
    status: HTMLElement;
    empty: HTMLElement;
    emptyTitle: HTMLElement;
    emptyText: HTMLElement;
    banner: HTMLElement;
    legendGroup: HTMLElement;
    card: HTMLElement;
    inspector: HTMLElement;
  };
  private graphView: GraphView;

  constructor(
    root: HTMLElement,
    private host: Host,
    private layouts: LayoutClient,
  ) {
    this.el = this.build(root);
    this.graphView = new GraphView(this.el.graphArea, {
      onNodeClick: (id) => this.onNodeClick(id),
      onNodeDoubleClick: (id) => {
        const d = this.graph?.nodes.find((n) => n.id === id);
        if (d?.kind === 'group' && d.run) this.setRunExpanded(d.run, true);
      },
      onBackgroundClick: () => this.select(null),
      onTransform: () => this.saveSoon(),
      bottomInset: () => {
        // the legend sits over the graph area's lower edge (and wraps in a narrow panel)
        const legend = this.el.graphArea.querySelector<HTMLElement>('.al-legend');
        if (!legend || !legend.offsetHeight) return 0;
        return this.el.graphArea.getBoundingClientRect().bottom - legend.getBoundingClientRect().top;
      },
    });
    this.el.graphArea.append(this.legend(), this.el.status, this.el.empty, this.el.banner);
    this.measure();
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    window.addEventListener('message', (ev: MessageEvent) => this.onHostMessage(ev.data));
    // VS Code swaps theme classes on <body>; canvas colours are read again then.
    new MutationObserver(() => this.graphView.invalidatePalette()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-theme'] });
    const saved = this.saved();
    if (saved?.theme) document.body.dataset.theme = saved.theme;
    this.renderSide();
  }

  // ---------------------------------------------------------------- page structure

  private build(root: HTMLElement) {
    const button = (name: IconName, label: string, keys: string, onClick: () => void, cls = 'al-icon-button') => {
      const b = h('button', { class: cls, attrs: { 'aria-label': label, type: 'button' }, title: `${label}${keys ? ` (${keys})` : ''}` }, icon(name));
      b.addEventListener('click', onClick);
      return b;
    };
    const title = h('div', { class: 'al-brand' }, h('span', { class: 'al-logo', attrs: { 'aria-hidden': 'true' }, text: '∇' }), h('span', { class: 'al-brand-name', text: 'Autograd Lens' }));
    const titleText = h('span', { class: 'al-doc-title', text: '' });
    title.appendChild(titleText);
    const pass = h('select', { class: 'al-select', attrs: { 'aria-label': 'Backward pass' } });
    pass.addEventListener('change', () => this.setPosition({ pass: Number(pass.value), step: 0 }, true));
    const passWrap = h('label', { class: 'al-pass' }, h('span', { class: 'al-label', text: 'Pass' }), pass);
    const buttons = {
      restart: button('restart', 'Restart backward', 'Home', () => this.command('restart')),
      back: button('back', 'Step back', '← p k', () => this.command('back')),
      step: button('step', 'Step', '→ n j', () => this.command('step'), 'al-icon-button al-primary'),
      end: button('end', 'Run to end', 'End', () => this.command('end')),
    };
    const counter = h('span', { class: 'al-counter', attrs: { 'aria-live': 'polite' } });
    const stepper = h('div', { class: 'al-stepper', attrs: { role: 'group', 'aria-label': 'Step through backward' } }, buttons.restart, buttons.back, buttons.step, buttons.end, counter);

    const search = h('input', { class: 'al-search', attrs: { type: 'search', placeholder: 'Find tensor or node  /', 'aria-label': 'Find a node by tensor name or PyTorch name', spellcheck: 'false' } });
    search.addEventListener('input', () => this.runSearch(search.value));
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.nextHit(ev.shiftKey ? -1 : 1);
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        search.value = '';
        this.runSearch('');
        search.blur();
        this.graphView.root.focus();
      }
    });
    const searchCount = h('span', { class: 'al-search-count', attrs: { 'aria-live': 'polite' } });
    const searchBox = h('div', { class: 'al-searchbox' }, icon('search'), search, searchCount);
    const collapse = button('collapse', 'Collapse repeated iterations', 'c', () => this.toggleCollapse(), 'al-icon-button al-toggle');
    const zoom = h(
      'div',
      { class: 'al-zoom', attrs: { role: 'group', 'aria-label': 'Zoom' } },
      button('zoomOut', 'Zoom out', '−', () => this.graphView.zoomBy(1 / 1.3)),
      button('zoomIn', 'Zoom in', '+', () => this.graphView.zoomBy(1.3)),
      button('fit', 'Fit to view', '0', () => this.graphView.fit()),
      collapse,
    );
    const tools = h('div', { class: 'al-tools' }, searchBox, zoom);
    if (this.host.standalone) tools.appendChild(button('theme', 'Light / dark theme', 't', () => this.toggleTheme()));
    const toolbar = h('header', { class: 'al-toolbar' }, title, passWrap, stepper, h('div', { class: 'al-spacer' }), tools);

    const graphArea = h('section', { class: 'al-graph', attrs: { 'aria-label': 'Graph' } });
    const status = h('div', { class: 'al-status' });
    const emptyTitle = h('p', { class: 'al-empty-title', text: 'No graph yet' });
    const emptyText = h('p', { class: 'al-muted', text: this.host.standalone ? 'This page has no trace embedded.' : 'Run “Autograd Lens: Trace Selection” on PyTorch code to see its grad_fn graph here.' });
    const empty = h('div', { class: 'al-empty' }, h('div', { class: 'al-empty-logo', text: '∇' }), emptyTitle, emptyText);
    const banner = h('div', { class: 'al-banner', attrs: { role: 'alert', hidden: true } });
    const card = h('div', { class: 'al-card-host' });
    const inspector = h('div', { class: 'al-inspector-host' });
    const side = h('aside', { class: 'al-side', attrs: { 'aria-label': 'Backward step and inspector' } }, card, inspector);
    const app = h('div', { class: 'al-app' }, toolbar, graphArea, side);
    root.appendChild(app);
    const legendGroup = h('span', { class: 'al-legend-item', attrs: { hidden: true } }, h('span', { class: 'al-swatch al-sw-group' }), h('span', { text: 'repeated iterations' }));
    return { app, title: titleText, pass, passWrap, buttons, counter, search, searchCount, collapse, graphArea, status, empty, emptyTitle, emptyText, banner, card, inspector, legendGroup };
  }

  private legend(): HTMLElement {
    const item = (cls: string, text: string) => h('span', { class: 'al-legend-item' }, h('span', { class: `al-swatch ${cls}` }), h('span', { text }));
    return h(
      'div',
      { class: 'al-legend', attrs: { 'aria-label': 'Legend' } },
      item('al-sw-root', 'output'),
      item('al-sw-param', 'leaf / parameter'),
      item('al-sw-nograd', 'no grad'),
      item('al-sw-fn', 'grad_fn'),
      item('al-sw-acc', 'AccumulateGrad'),
      this.el.legendGroup,
      item('al-sw-cut', 'cut (no grad)'),
      item('al-sw-current', 'current step'),
    );
  }

  /** The width of one monospace character, so boxes fit their labels. */
  private measure(): void {
    try {
      const c = document.createElement('canvas').getContext('2d');
      const fam = getComputedStyle(document.body).getPropertyValue('--al-mono').trim() || 'monospace';
      if (c) {
        c.font = `12px ${fam}`;
        const w = c.measureText('MulBackward0_x').width / 14;
        if (w > 4 && w < 12) this.metrics = { charWidth: w };
      }
    } catch {
      /* keep the default */
    }
    this.graphView.charWidth = this.metrics.charWidth;
  }

  // ---------------------------------------------------------------- host messages

  onHostMessage(data: unknown): void {
    const m = parseHostMessage(data);
    if (!m) return;
    switch (m.type) {
      case 'trace':
        this.loadTrace(m.trace, m.position, m.title);
        break;
      case 'position':
        this.setPosition(m.position, false);
        break;
      case 'highlightLine':
        this.highlightLine(m.line);
        break;
      case 'error':
        this.showError(m.message);
        break;
      case 'requestExport':
        this.host.post({ type: 'exported', format: 'svg', content: this.exportSvg() });
        break;
      case 'invalid':
        this.showError(`Could not show this trace: ${m.reason}`);
        break;
    }
  }

  loadTrace(trace: Trace, position: StepPosition, title: string): void {
    this.receivedAt = performance.now();
    mark('al:trace-received');
    this.renderedOnce = false;
    this.trace = trace;
    this.names = new Names(trace);
    this.runs = findRepeats(trace);
    this.title = title;
    this.el.title.textContent = title;
    this.el.empty.hidden = true;
    this.el.banner.hidden = true;
    this.selected = null;
    this.lineHits = new Set();
    this.graphKey = '';
    const saved = this.saved();
    this.restoreTransform = null;
    if (saved && saved.traceKey === traceKey(trace)) {
      this.expanded = { ...saved.expanded };
      this.collapse = saved.collapse;
      this.restoreTransform = saved.transform;
      if (saved.selected) this.selected = saved.selected.kind === 'tensor' ? { kind: 'tensor', id: saved.selected.id } : { kind: 'node', id: saved.selected.id };
      if (position.pass === 0 && position.step === 0 && (saved.position.pass || saved.position.step)) position = saved.position;
    } else {
      this.expanded = {};
      this.collapse = 'auto';
    }
    this.position = clampPosition(trace, position);
    this.view = stepView(trace, this.position);
    this.fillPasses();
    this.el.collapse.hidden = this.runs.length === 0;
    this.runSearch(this.el.search.value);
    this.relayout();
    this.renderSide();
    this.updateStepper();
    this.saveSoon();
  }

  private showEmpty(empty: boolean): void {
    this.el.empty.hidden = !empty;
    if (empty) {
      this.el.emptyTitle.textContent = 'Nothing to draw';
      this.el.emptyText.textContent = 'No tensor in this run requires grad, so autograd recorded no graph. Create one with requires_grad=True to see its grad_fn graph.';
    }
  }

  private showError(message: string): void {
    clear(this.el.banner);
    this.el.banner.append(h('strong', { text: 'Autograd Lens: ' }), h('span', { text: message }));
    this.el.banner.hidden = false;
  }

  // ---------------------------------------------------------------- drawing

  /** Rebuilds what is drawn (groups depend on the pass) and lays it out, in the worker when there is one. */
  private relayout(): void {
    const trace = this.trace;
    if (!trace) return;
    const pass = trace.passes[this.position.pass];
    const focus = pass ? (trace.tensors.find((t) => t.id === pass.root)?.gradFn ?? null) : null;
    const graph = buildDrawGraph(trace, { runs: this.runs, collapse: this.collapse, expanded: this.expanded, focus, metrics: this.metrics });
    mark('al:model-built');
    const key = graph.nodes.map((n) => n.id).join(',') + '|' + graph.edges.length;
    if (key === this.graphKey) return;
    this.graphKey = key;
    const seq = ++this.layoutSeq;
    const t0 = performance.now();
    this.el.status.textContent = `Laying out ${graph.nodes.length} nodes…`;
    this.layouts
      .layout(layoutInput(graph), { aspect: this.aspect() })
      .then((layout) => {
        if (seq !== this.layoutSeq) return;
        mark('al:layout-done');
        this.layoutMs = performance.now() - t0;
        const keep = this.layout !== null && this.renderedOnce;
        this.graph = graph;
        this.layout = layout;
        this.indexEdges();
        this.lineHits = this.lineHitsFor(this.highlightedLine);
        this.showEmpty(graph.nodes.length === 0);
        this.el.legendGroup.hidden = !graph.nodes.some((n) => n.kind === 'group');
        this.graphView.setGraph(graph, layout, keep);
        if (!keep && this.restoreTransform) this.graphView.setTransform(this.restoreTransform);
        else if (!keep) this.initialView();
        this.restoreTransform = null;
        this.applyMarks();
        this.updateStatus();
        mark('al:drawn');
        if (!this.renderedOnce) {
          this.renderedOnce = true;
          const millis = Math.round(performance.now() - this.receivedAt);
          this.host.post({ type: 'rendered', nodes: graph.nodes.length, millis });
        }
        this.followCurrent();
      })
      .catch((e: Error) => this.showError(`Layout failed: ${e.message}`));
  }

  /** Width / height of the drawing area, so separate graphs are packed to fill it. */
  private aspect(): number {
    const r = this.el.graphArea.getBoundingClientRect();
    return r.width > 50 && r.height > 50 ? Math.min(4, Math.max(0.5, r.width / r.height)) : 1.6;
  }

  /** Fit everything, unless that makes the boxes unreadable: then frame the current pass's graph. */
  private initialView(): void {
    const fit = this.graphView.fitScale();
    const pass = this.view?.pass;
    if (fit >= 0.7 || !pass || !this.graph) return;
    const ids = new Set<string>();
    const leafOf = new Map((this.trace?.nodes ?? []).filter((n) => n.variable).map((n) => [n.id, n.variable!]));
    for (const s of pass.steps) {
      const d = this.graph.nodeToDrawn.get(s.node);
      if (d) ids.add(d);
      // and the leaf an AccumulateGrad step writes .grad into
      const leaf = leafOf.get(s.node);
      const ld = leaf ? this.graph.tensorToDrawn.get(leaf) : undefined;
      if (ld) ids.add(ld);
    }
    const root = this.graph.tensorToDrawn.get(pass.root);
    if (root) ids.add(root);
    if (!ids.size) return;
    if (this.graphView.frameScale([...ids]) >= 0.55) this.graphView.frame([...ids], false);
    else {
      // still too small to read: start readable, at the step (or the output backward starts
      // from), near the top: backward runs downwards, so what comes next is in view
      const at = this.view?.current?.node;
      const focus = (at && this.graph.nodeToDrawn.get(at)) || root || (this.view?.next && this.graph.nodeToDrawn.get(this.view.next.node));
      if (focus) this.graphView.centerOn(focus, 0.85, false, 'top');
    }
  }

  private indexEdges(): void {
    const idx: EdgeIndex = { bySrc: new Map(), output: new Map(), acc: new Map() };
    this.graph?.edges.forEach((e, i) => {
      if (e.kind === 'grad' && e.src) push(idx.bySrc, e.src, i);
      else if (e.kind === 'output') push(idx.output, e.to, i);
      else if (e.kind === 'accumulate') push(idx.acc, e.from, i);
    });
    this.edges = idx;
  }

  private updateStatus(): void {
    const g = this.graph;
    if (!g || !this.trace) return;
    const groups = g.nodes.filter((n) => n.kind === 'group');
    const hidden = groups.reduce((a, n) => a + n.members.length, 0);
    const parts = [`${this.trace.nodes.length} grad_fn nodes`];
    if (groups.length) parts.push(`${hidden} in ${groups.length} collapsed group${groups.length > 1 ? 's' : ''}`);
    parts.push(`${g.nodes.length} boxes drawn`);
    parts.push(`layout ${Math.round(this.layoutMs)} ms${this.layouts.mode === 'worker' ? ' (worker)' : ''}`);
    this.el.status.textContent = parts.join(' · ');
  }

  private marks(): GraphMarks {
    const g = this.graph;
    const v = this.view;
    if (!g || !v || !this.trace) return NO_MARKS;
    const drawn = (nodeId: string | undefined | null) => (nodeId ? (g.nodeToDrawn.get(nodeId) ?? null) : null);
    const executed = new Map<string, number>();
    for (const [nodeId, step] of v.executed) {
      const d = drawn(nodeId);
      if (d) executed.set(d, Math.max(step, executed.get(d) ?? 0));
    }
    const flowed = new Set<number>();
    const active = new Set<number>();
    const labels: GraphMarks['labels'] = [];
    for (const nodeId of v.executed.keys()) {
      for (const i of this.edges.bySrc.get(nodeId) ?? []) flowed.add(i);
      const d = drawn(nodeId);
      if (d) {
        for (const i of this.edges.output.get(d) ?? []) flowed.add(i);
        for (const i of this.edges.acc.get(d) ?? []) flowed.add(i);
      }
    }
    const cur = v.current;
    if (cur) {
      for (const i of this.edges.bySrc.get(cur.node) ?? []) {
        active.add(i);
        const gOut = cur.gradOut[g.edges[i].nextIndex];
        if (gOut) labels.push({ edge: i, text: previewValue(gOut, 22) });
      }
      const d = drawn(cur.node);
      if (d) for (const i of this.edges.acc.get(d) ?? []) active.add(i);
    }
    let selected: string | null = null;
    if (this.selected?.kind === 'tensor') selected = g.tensorToDrawn.get(this.selected.id) ?? null;
    else if (this.selected?.kind === 'node') selected = drawn(this.selected.id);
    else if (this.selected?.kind === 'group') selected = this.selected.node.id;
    const matches = new Set<string>();
    for (const hit of this.hits) {
      const d = hit.kind === 'tensor' ? g.tensorToDrawn.get(hit.id) : g.nodeToDrawn.get(hit.id);
      if (d) matches.add(d);
    }
    return { current: drawn(cur?.node), next: drawn(v.next?.node), executed, selected, matches, lineHits: this.lineHits, flowed, active, labels };
  }

  private applyMarks(): void {
    this.graphView.setMarks(this.marks());
  }

  /** Keeps the node that just ran on screen. */
  private followCurrent(): void {
    const cur = this.view?.current ?? this.view?.next;
    const d = cur && this.graph?.nodeToDrawn.get(cur.node);
    if (d) this.graphView.reveal([d]);
  }

  // ---------------------------------------------------------------- stepper

  private fillPasses(): void {
    const t = this.trace!;
    clear(this.el.pass);
    t.passes.forEach((p, i) => {
      const line = p.range ? ` · line ${p.range.line}` : '';
      this.el.pass.appendChild(h('option', { attrs: { value: i }, text: `${i + 1}. ${passTitle(p, this.names!)}${line} · ${p.steps.length} steps` }));
    });
    this.el.passWrap.hidden = t.passes.length < 2;
  }

  private command(cmd: StepCommand): void {
    if (!this.trace) return;
    this.setPosition(applyCommand(this.trace, this.position, cmd), true);
  }

  /** fromUser: tell the host (it keeps the position for its commands and code lenses). */
  setPosition(p: StepPosition, fromUser: boolean): void {
    if (!this.trace) return;
    const next = clampPosition(this.trace, p);
    const passChanged = next.pass !== this.position.pass;
    this.position = next;
    this.view = stepView(this.trace, next);
    if (fromUser) this.host.post({ type: 'setPosition', position: next });
    if (passChanged) this.relayout();
    this.applyMarks();
    this.updateStepper();
    this.renderSide();
    this.followCurrent();
    this.saveSoon();
  }

  private updateStepper(): void {
    const v = this.view;
    const total = v?.total ?? 0;
    const step = v?.position.step ?? 0;
    const none = !v?.pass;
    this.el.buttons.restart.disabled = none || step === 0;
    this.el.buttons.back.disabled = none || step === 0;
    this.el.buttons.step.disabled = none || step >= total;
    this.el.buttons.end.disabled = none || step >= total;
    this.el.counter.textContent = none ? 'no backward pass' : `step ${step} / ${total}`;
    this.el.pass.value = String(this.position.pass);
  }

  // ---------------------------------------------------------------- side panel

  private renderSide(): void {
    clear(this.el.card);
    clear(this.el.inspector);
    if (!this.trace || !this.view || !this.names) {
      this.el.card.appendChild(h('div', { class: 'al-card al-card-empty' }, h('p', { class: 'al-muted', text: 'The current backward step appears here.' })));
      return;
    }
    const names = this.names;
    this.el.card.appendChild(
      renderStepCard(this.view, names, {
        selectNode: (id) => this.selectTraceNode(id),
        revealLine: (line) => this.revealLine(line),
        step: () => this.command('step'),
      }),
    );
    if (!this.selected) {
      this.el.inspector.appendChild(h('div', { class: 'al-inspector al-hint' }, h('p', { class: 'al-muted', text: 'Click a tensor to see its values and .grad as grids, and how .grad changed across backward passes and optimizer steps. Click a grad_fn node for its formula and inputs.' })));
      return;
    }
    this.el.inspector.appendChild(
      renderInspector(
        this.selected,
        {
          names,
          view: this.view,
          runOf: (id) => this.runOf(id),
        },
        {
          selectNode: (id) => this.selectTraceNode(id),
          selectTensor: (id) => this.selectTensor(id),
          revealLine: (line) => this.revealLine(line),
          jump: (p) => this.setPosition(p, true),
          setRunExpanded: (run, on) => this.setRunExpanded(run, on),
          close: () => this.select(null),
        },
      ),
    );
  }

  private runOf(nodeId: string): { run: RepeatRun; block: number; collapsed: boolean } | null {
    for (const run of this.runs) {
      const block = run.blocks.findIndex((b) => b.includes(nodeId));
      if (block >= 0) return { run, block, collapsed: this.graph?.collapsed.has(run.id) ?? false };
    }
    return null;
  }

  // ---------------------------------------------------------------- selection, search, lines

  private onNodeClick(drawnId: string): void {
    const d = this.graph?.nodes.find((n) => n.id === drawnId);
    if (!d) return;
    if (d.line) this.revealLine(d.line);
    if (d.kind === 'group') this.select({ kind: 'group', node: d });
    else if (d.kind === 'tensor' && d.tensor) this.select({ kind: 'tensor', id: d.tensor });
    else if (d.traceNode) this.select({ kind: 'node', id: d.traceNode });
    this.showInspector();
  }

  /** Scrolls the side panel so the inspector's top is in view (after a click on the graph). */
  private showInspector(): void {
    const side = this.el.inspector.parentElement;
    if (!side) return;
    const top = this.el.inspector.offsetTop - side.offsetTop;
    if (top < side.scrollTop || top > side.scrollTop + side.clientHeight - 80) side.scrollTo({ top, behavior: 'smooth' });
  }

  private select(sel: Selected | null): void {
    this.selected = sel;
    this.applyMarks();
    this.renderSide();
    this.saveSoon();
  }

  private selectTraceNode(id: string): void {
    this.select({ kind: 'node', id });
    const d = this.graph?.nodeToDrawn.get(id);
    if (d) this.graphView.reveal([d]);
  }

  private selectTensor(id: string): void {
    this.select({ kind: 'tensor', id });
    const d = this.graph?.tensorToDrawn.get(id);
    if (d) this.graphView.reveal([d]);
  }

  private revealLine(line: number): void {
    this.host.post({ type: 'revealLine', line });
  }

  private highlightLine(line: number | null): void {
    this.highlightedLine = line;
    this.lineHits = this.lineHitsFor(line);
    this.applyMarks();
    if (this.lineHits.size) this.graphView.reveal([...this.lineHits]);
  }

  /** The drawn nodes a source line made (its grad_fn nodes and tensors; groups holding them). */
  private lineHitsFor(line: number | null): Set<string> {
    const hits = new Set<string>();
    const t = this.trace;
    const g = this.graph;
    if (!t || !g || line === null) return hits;
    for (const n of t.nodes) if (n.range && n.range.line <= line && line <= n.range.endLine) {
      const d = g.nodeToDrawn.get(n.id);
      if (d) hits.add(d);
    }
    for (const x of t.tensors) if (x.range && x.range.line <= line && line <= x.range.endLine) {
      const d = g.tensorToDrawn.get(x.id);
      if (d) hits.add(d);
    }
    return hits;
  }

  /** Selects the best match for a tensor or node name (the standalone page's #select=). */
  selectByName(name: string): void {
    const hit = this.trace ? searchTrace(this.trace, name)[0] : undefined;
    if (!hit) return;
    if (hit.kind === 'tensor') this.select({ kind: 'tensor', id: hit.id });
    else this.select({ kind: 'node', id: hit.id });
  }

  private runSearch(q: string): void {
    this.hits = this.trace ? searchTrace(this.trace, q) : [];
    this.hitIndex = -1;
    this.el.searchCount.textContent = q.trim() ? (this.hits.length ? `${this.hits.length} found` : 'none') : '';
    this.applyMarks();
  }

  private nextHit(dir: number): void {
    if (!this.hits.length || !this.graph) return;
    this.hitIndex = (this.hitIndex + dir + this.hits.length) % this.hits.length;
    const hit = this.hits[this.hitIndex];
    this.el.searchCount.textContent = `${this.hitIndex + 1} / ${this.hits.length}`;
    if (hit.kind === 'tensor') this.selectTensor(hit.id);
    else this.selectTraceNode(hit.id);
    const d = hit.kind === 'tensor' ? this.graph.tensorToDrawn.get(hit.id) : this.graph.nodeToDrawn.get(hit.id);
    if (d) this.graphView.reveal([d], true);
  }

  // ---------------------------------------------------------------- groups

  private setRunExpanded(runId: string, expanded: boolean): void {
    this.expanded = { ...this.expanded, [runId]: expanded };
    if (this.selected?.kind === 'group') this.selected = null;
    this.relayout();
    this.renderSide();
    this.saveSoon();
  }

  setCollapse(mode: CollapseMode): void {
    this.collapse = mode;
    this.expanded = {};
    this.el.collapse.classList.toggle('is-on', mode !== 'none');
    this.relayout();
    this.renderSide();
    this.saveSoon();
  }

  private toggleCollapse(): void {
    const anyCollapsed = (this.graph?.collapsed.size ?? 0) > 0;
    this.collapse = anyCollapsed ? 'none' : 'all';
    this.expanded = {};
    this.el.collapse.classList.toggle('is-on', !anyCollapsed);
    this.relayout();
    this.renderSide();
    this.saveSoon();
  }

  // ---------------------------------------------------------------- keyboard

  private onKey(ev: KeyboardEvent): void {
    const t = ev.target as HTMLElement | null;
    const typing = !!t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
    if (typing || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    let handled = true;
    switch (ev.key) {
      case 'ArrowRight':
      case 'ArrowDown':
      case 'n':
      case 'j':
        this.command('step');
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
      case 'p':
      case 'k':
        this.command('back');
        break;
      case 'Home':
        this.command('restart');
        break;
      case 'End':
        this.command('end');
        break;
      case '+':
      case '=':
        this.graphView.zoomBy(1.3);
        break;
      case '-':
      case '_':
        this.graphView.zoomBy(1 / 1.3);
        break;
      case '0':
        this.graphView.fit();
        break;
      case '/':
        this.el.search.focus();
        this.el.search.select();
        break;
      case 'c':
        if (!this.el.collapse.hidden) this.toggleCollapse();
        break;
      case 't':
        if (this.host.standalone) this.toggleTheme();
        else handled = false;
        break;
      case 'Enter':
        if (this.selected?.kind === 'group' && this.selected.node.run) this.setRunExpanded(this.selected.node.run, true);
        else handled = false;
        break;
      case 'Escape':
        if (this.el.search.value) {
          this.el.search.value = '';
          this.runSearch('');
        } else this.select(null);
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  }

  private toggleTheme(): void {
    const b = document.body;
    const dark = b.dataset.theme ? b.dataset.theme === 'dark' : !matchMedia('(prefers-color-scheme: light)').matches;
    b.dataset.theme = dark ? 'light' : 'dark';
    this.saveSoon();
  }

  // ---------------------------------------------------------------- state and export

  private saved(): SavedState | null {
    const s = this.host.getState() as SavedState | undefined;
    return s && s.v === 1 ? s : null;
  }

  private saveSoon(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      const sel = this.selected && this.selected.kind !== 'group' ? { kind: this.selected.kind, id: this.selected.id } : null;
      const theme = document.body.dataset.theme;
      const state: SavedState = {
        v: 1,
        traceKey: this.trace ? traceKey(this.trace) : '',
        position: this.position,
        transform: this.renderedOnce ? this.graphView.getTransform() : (this.saved()?.transform ?? null),
        expanded: this.expanded,
        collapse: this.collapse,
        selected: sel,
        theme: theme === 'light' || theme === 'dark' ? theme : undefined,
      };
      this.host.setState(state);
    }, 250);
  }

  exportSvg(): string {
    if (!this.graph || !this.layout) return '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const cs = getComputedStyle(this.el.app);
    const v = (name: string, fb: string) => cs.getPropertyValue(name).trim() || fb;
    const d = DEFAULT_EXPORT_PALETTE;
    const palette: ExportPalette = {
      bg: v('--al-bg', d.bg),
      fg: v('--al-fg', d.fg),
      muted: v('--al-muted', d.muted),
      box: v('--al-box', d.box),
      border: v('--al-border', d.border),
      edge: v('--al-edge', d.edge),
      flow: v('--al-flow', d.flow),
      root: v('--al-root', d.root),
      param: v('--al-param', d.param),
      acc: v('--al-acc', d.acc),
      nograd: v('--al-nograd', d.nograd),
      group: v('--al-group', d.group),
      current: v('--al-current', d.current),
      fontMono: v('--al-mono', d.fontMono),
    };
    return exportSvg(this.graph, this.layout, this.marks(), palette, this.title || 'Autograd graph');
  }
}
