/**
 * The interactive drawing: SVG for what is on screen, pan/zoom by d3-zoom, and a canvas stand-in
 * when too many elements would be visible (zoomed far out on a big graph) so panning never stalls.
 *
 * Only nodes and edges that intersect the viewport (plus a margin) exist as SVG elements; they are
 * created when they scroll into view and dropped when they leave. Per-node state (current step,
 * executed, selected, search match, line highlight) is kept here as sets and applied as classes,
 * so a step changes a handful of classes, never the drawing.
 */
import { select, Selection } from 'd3-selection';
import { zoom, ZoomBehavior, zoomIdentity, ZoomTransform } from 'd3-zoom';
import { clear, h, s } from '../dom';
import type { LayoutResult } from '../layout/layered';
import type { DrawGraph, DrawNode } from '../model/graphModel';
import { CUT_LEN, edgePath, labelWidth, renderBadge, renderEdge, renderEdgeLabel, renderNode } from './shapes';
import { tensorRoleColor, type ExportPalette } from './exportSvg';

/** Beyond this many visible nodes the view switches to the canvas… */
const CANVAS_NODES = 1200;
/** …and beyond this many visible edges, the edges alone go to the canvas (long fan-in edges of big graphs). */
const CANVAS_EDGES = 1500;
const MARGIN = 240;

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

export interface GraphMarks {
  /** Drawn node id of the step just run, and of the one that runs next. */
  current: string | null;
  next: string | null;
  /** Drawn node id → step number at which it ran. */
  executed: Map<string, number>;
  selected: string | null;
  matches: Set<string>;
  lineHits: Set<string>;
  /** Edge indices the gradient has flowed along, and those of the current step. */
  flowed: Set<number>;
  active: Set<number>;
  /** Gradient previews on the current step's edges. */
  labels: { edge: number; text: string }[];
}

export const NO_MARKS: GraphMarks = {
  current: null,
  next: null,
  executed: new Map(),
  selected: null,
  matches: new Set(),
  lineHits: new Set(),
  flowed: new Set(),
  active: new Set(),
  labels: [],
};

export interface GraphViewEvents {
  onNodeClick(id: string, ev: MouseEvent): void;
  onNodeDoubleClick(id: string): void;
  onBackgroundClick(): void;
  onTransform(t: ViewTransform): void;
  /** How much of the view's bottom edge overlays cover (the legend), in px; fits keep clear of it. */
  bottomInset?(): number;
}

/** The colours the canvas layer needs: those of the exported SVG without the text colours. */
type Palette = Omit<ExportPalette, 'fg' | 'muted' | 'fontMono'>;

export class GraphView {
  readonly root: HTMLElement;
  private svg: SVGSVGElement;
  private viewport: SVGGElement;
  private edgeLayer: SVGGElement;
  private nodeLayer: SVGGElement;
  private labelLayer: SVGGElement;
  private canvas: HTMLCanvasElement;
  private zoomBehavior: ZoomBehavior<HTMLElement, unknown>;
  private sel: Selection<HTMLElement, unknown, null, undefined>;
  private transform: ZoomTransform = zoomIdentity;

  private graph: DrawGraph | null = null;
  private layout: LayoutResult | null = null;
  private byId = new Map<string, number>();
  private edgeBox: Float64Array = new Float64Array(0);
  private nodeEls = new Map<number, SVGGElement>();
  private edgeEls = new Map<number, SVGPathElement>();
  private marks: GraphMarks = NO_MARKS;
  private mode: 'svg' | 'canvas' = 'svg';
  /** In svg mode: whether the edges are drawn on the canvas under the SVG nodes. */
  private edgesOnCanvas = false;
  private raf = 0;
  private anim = 0;
  private palette: Palette | null = null;
  charWidth = 7.2;

  constructor(
    parent: HTMLElement,
    private events: GraphViewEvents,
  ) {
    this.root = h('div', { class: 'al-surface', attrs: { tabindex: 0, 'aria-label': 'Autograd graph' } });
    this.canvas = h('canvas', { class: 'al-canvas', attrs: { 'aria-hidden': 'true' } });
    this.svg = s('svg', { class: 'al-svg', attrs: { role: 'img' } });
    this.svg.appendChild(markers());
    this.viewport = s('g', { class: 'al-viewport' });
    this.edgeLayer = s('g', { class: 'al-edges' });
    this.nodeLayer = s('g', { class: 'al-nodes' });
    this.labelLayer = s('g', { class: 'al-labels' });
    this.viewport.append(this.edgeLayer, this.nodeLayer, this.labelLayer);
    this.svg.appendChild(this.viewport);
    this.root.append(this.canvas, this.svg);
    parent.appendChild(this.root);

    this.zoomBehavior = zoom<HTMLElement, unknown>()
      .scaleExtent([0.02, 4])
      .on('zoom', (ev: { transform: ZoomTransform }) => {
        this.transform = ev.transform;
        this.viewport.setAttribute('transform', ev.transform.toString());
        this.schedule();
        this.events.onTransform({ x: ev.transform.x, y: ev.transform.y, k: ev.transform.k });
      });
    this.sel = select(this.root as HTMLElement);
    this.sel.call(this.zoomBehavior).on('dblclick.zoom', null);

    this.root.addEventListener('click', (ev) => {
      const id = this.hit(ev);
      if (id) this.events.onNodeClick(id, ev);
      else this.events.onBackgroundClick();
    });
    this.root.addEventListener('dblclick', (ev) => {
      const id = this.hit(ev);
      if (id) this.events.onNodeDoubleClick(id);
    });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.schedule()).observe(this.root);
  }

  /** Shows a new drawing. keepView: leave the camera where it is (a relayout of the same trace). */
  setGraph(graph: DrawGraph, layout: LayoutResult, keepView: boolean): void {
    this.graph = graph;
    this.layout = layout;
    this.byId = new Map(layout.nodes.map((n, i) => [n.id, i]));
    this.edgeBox = new Float64Array(layout.edges.length * 4);
    layout.edges.forEach((e, i) => {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const p of e.points) {
        x0 = Math.min(x0, p.x);
        y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x);
        y1 = Math.max(y1, p.y);
      }
      this.edgeBox.set([x0, y0, x1, y1], i * 4);
    });
    for (const el of this.nodeEls.values()) el.remove();
    for (const el of this.edgeEls.values()) el.remove();
    this.nodeEls.clear();
    this.edgeEls.clear();
    clear(this.labelLayer);
    const fit = this.fitTransform();
    this.zoomBehavior.scaleExtent([Math.min(0.02, fit.k / 2), 4]);
    if (!keepView) this.setTransform(fit);
    else this.schedule();
  }

  get drawnNodes(): number {
    return this.layout?.nodes.length ?? 0;
  }

  setMarks(marks: GraphMarks): void {
    const old = this.marks;
    this.marks = marks;
    // re-apply classes on what is on screen
    for (const [i, el] of this.nodeEls) this.applyNodeMarks(i, el, old);
    for (const [i, el] of this.edgeEls) this.applyEdgeMarks(i, el);
    this.drawLabels();
    if (this.mode === 'canvas' || this.edgesOnCanvas) this.drawCanvas();
  }

  getTransform(): ViewTransform {
    return { x: this.transform.x, y: this.transform.y, k: this.transform.k };
  }

  setTransform(t: ViewTransform, animate = false): void {
    const target = zoomIdentity.translate(t.x, t.y).scale(t.k);
    cancelAnimationFrame(this.anim);
    if (!animate || typeof requestAnimationFrame === 'undefined' || reducedMotion()) {
      this.zoomBehavior.transform(this.sel, target);
      return;
    }
    const from = this.transform;
    const t0 = performance.now();
    const tick = () => {
      const u = Math.min(1, (performance.now() - t0) / 260);
      const e = u < 0.5 ? 2 * u * u : 1 - Math.pow(-2 * u + 2, 2) / 2;
      const k = from.k * Math.pow(target.k / from.k, e);
      const x = from.x + (target.x - from.x) * e;
      const y = from.y + (target.y - from.y) * e;
      this.zoomBehavior.transform(this.sel, zoomIdentity.translate(x, y).scale(k));
      if (u < 1) this.anim = requestAnimationFrame(tick);
    };
    this.anim = requestAnimationFrame(tick);
  }

  zoomBy(factor: number): void {
    const { width, height } = this.size();
    const t = this.transform;
    const k = Math.min(4, Math.max(this.zoomBehavior.scaleExtent()[0], t.k * factor));
    const cx = width / 2;
    const cy = height / 2;
    this.setTransform({ k, x: cx - ((cx - t.x) / t.k) * k, y: cy - ((cy - t.y) / t.k) * k }, true);
  }

  fit(animate = true): void {
    this.setTransform(this.fitTransform(), animate);
  }

  /** The scale at which everything fits. */
  fitScale(): number {
    return this.fitTransform().k;
  }

  private framing(ids: string[]): ViewTransform | null {
    if (!this.layout) return null;
    const boxes = ids.map((id) => this.byId.get(id)).filter((i): i is number => i !== undefined).map((i) => this.layout!.nodes[i]);
    if (!boxes.length) return null;
    const { width, height } = this.size();
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const b of boxes) {
      x0 = Math.min(x0, b.x);
      y0 = Math.min(y0, b.y - 12);
      x1 = Math.max(x1, b.x + b.w);
      y1 = Math.max(y1, b.y + b.h + CUT_LEN);
    }
    const pad = 48;
    const padBottom = Math.max(pad, this.bottomInset() + 16);
    const avail = height - pad - padBottom;
    const k = Math.max(0.02, Math.min(1.25, (width - 2 * pad) / Math.max(1, x1 - x0), avail / Math.max(1, y1 - y0)));
    return { k, x: width / 2 - ((x0 + x1) / 2) * k, y: pad + avail / 2 - ((y0 + y1) / 2) * k };
  }

  /** The scale at which these nodes would fill the view. */
  frameScale(ids: string[]): number {
    return this.framing(ids)?.k ?? 1;
  }

  /** Zooms to show exactly these nodes (at most 1.25×). */
  frame(ids: string[], animate = true): void {
    const t = this.framing(ids);
    if (t) this.setTransform(t, animate);
  }

  /** Centres one node at scale k (or, with `top`, centres it across and puts it near the top). */
  centerOn(id: string, k: number, animate = false, anchor: 'center' | 'top' = 'center'): void {
    const i = this.byId.get(id);
    if (i === undefined || !this.layout) return;
    const b = this.layout.nodes[i];
    const { width, height } = this.size();
    const visible = height - this.bottomInset(); // the part the legend does not cover
    const y = anchor === 'top' ? Math.min(56, visible / 2) - b.y * k : visible / 2 - (b.y + b.h / 2) * k;
    this.setTransform({ k, x: width / 2 - (b.x + b.w / 2) * k, y }, animate);
  }

  /** Brings nodes into view: pans (keeping the zoom) when they are off screen. */
  reveal(ids: string[], force = false): void {
    if (!this.layout) return;
    const boxes = ids.map((id) => this.byId.get(id)).filter((i): i is number => i !== undefined).map((i) => this.layout!.nodes[i]);
    if (!boxes.length) return;
    const { width, height } = this.size();
    const t = this.transform;
    const x0 = Math.min(...boxes.map((b) => b.x));
    const y0 = Math.min(...boxes.map((b) => b.y));
    const x1 = Math.max(...boxes.map((b) => b.x + b.w));
    const y1 = Math.max(...boxes.map((b) => b.y + b.h));
    const pad = 40;
    const visible = height - this.bottomInset(); // the part the legend does not cover
    const inView = x0 * t.k + t.x >= pad && y0 * t.k + t.y >= pad && x1 * t.k + t.x <= width - pad && y1 * t.k + t.y <= visible - pad;
    if (inView && !force) return;
    let k = t.k;
    if (force || (x1 - x0) * k > width - 2 * pad || (y1 - y0) * k > visible - 2 * pad) {
      k = Math.min(Math.max(t.k, 0.6), (width - 2 * pad) / Math.max(1, x1 - x0), (visible - 2 * pad) / Math.max(1, y1 - y0), 1.5);
    }
    this.setTransform({ k, x: width / 2 - ((x0 + x1) / 2) * k, y: visible / 2 - ((y0 + y1) / 2) * k }, true);
  }

  /** The node's screen box, for positioning popovers. */
  nodeBox(id: string): DrawNode | undefined {
    return this.graph?.nodes.find((n) => n.id === id);
  }

  private bottomInset(): number {
    return this.events.bottomInset?.() ?? 0;
  }

  private size(): { width: number; height: number } {
    const r = this.root.getBoundingClientRect();
    return { width: r.width || 800, height: r.height || 600 };
  }

  private fitTransform(): ViewTransform {
    const { width, height } = this.size();
    const l = this.layout;
    if (!l || !l.width || !l.height) return { x: 0, y: 0, k: 1 };
    const pad = 36;
    // keep the bottom clear of the legend, which sits over the graph area's lower edge
    const padBottom = Math.max(pad, this.bottomInset() + 12);
    const avail = height - pad - padBottom;
    const k = Math.min(1.25, (width - 2 * pad) / (l.width + 20), avail / (l.height + 30));
    return { k, x: (width - l.width * k) / 2, y: pad + Math.max(0, (avail - l.height * k) / 2) + 10 * k };
  }

  private schedule(): void {
    if (this.raf || typeof requestAnimationFrame === 'undefined') {
      if (typeof requestAnimationFrame === 'undefined') this.update();
      return;
    }
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.update();
    });
  }

  /** Brings the SVG in line with what is visible (or hands over to the canvas). */
  private update(): void {
    const l = this.layout;
    const g = this.graph;
    if (!l || !g) return;
    const { width, height } = this.size();
    const t = this.transform;
    const vx0 = (-t.x - MARGIN) / t.k;
    const vy0 = (-t.y - MARGIN) / t.k;
    const vx1 = (width - t.x + MARGIN) / t.k;
    const vy1 = (height - t.y + MARGIN) / t.k;
    this.svg.classList.toggle('al-lod-low', t.k < 0.55);
    this.svg.classList.toggle('al-lod-min', t.k < 0.3);

    const visible: number[] = [];
    for (let i = 0; i < l.nodes.length; i++) {
      const n = l.nodes[i];
      if (n.x + n.w >= vx0 && n.x <= vx1 && n.y + n.h + CUT_LEN >= vy0 && n.y - 12 <= vy1) visible.push(i);
    }
    if (visible.length > CANVAS_NODES) {
      if (this.mode !== 'canvas') {
        for (const el of this.nodeEls.values()) el.remove();
        for (const el of this.edgeEls.values()) el.remove();
        this.nodeEls.clear();
        this.edgeEls.clear();
        this.mode = 'canvas';
        this.root.classList.add('al-mode-canvas');
      }
      this.drawCanvas();
      return;
    }
    if (this.mode === 'canvas' || this.edgesOnCanvas) {
      this.mode = 'svg';
      this.root.classList.remove('al-mode-canvas');
      const ctx = this.canvas.getContext('2d');
      ctx?.setTransform(1, 0, 0, 1, 0, 0);
      ctx?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    }
    const keepNodes = new Set(visible);
    for (const [i, el] of this.nodeEls) {
      if (!keepNodes.has(i)) {
        el.remove();
        this.nodeEls.delete(i);
      }
    }
    for (const i of visible) {
      if (this.nodeEls.has(i)) continue;
      const n = l.nodes[i];
      const el = renderNode(g.nodes[i], n.x, n.y);
      this.applyNodeMarks(i, el, null);
      this.nodeLayer.appendChild(el);
      this.nodeEls.set(i, el);
    }
    const eb = this.edgeBox;
    let visibleEdges = 0;
    for (let i = 0; i < l.edges.length; i++) if (eb[i * 4 + 2] >= vx0 && eb[i * 4] <= vx1 && eb[i * 4 + 3] >= vy0 && eb[i * 4 + 1] <= vy1) visibleEdges++;
    this.edgesOnCanvas = visibleEdges > CANVAS_EDGES;
    if (this.edgesOnCanvas) {
      for (const el of this.edgeEls.values()) el.remove();
      this.edgeEls.clear();
      this.drawCanvas();
      return;
    }
    for (let i = 0; i < l.edges.length; i++) {
      const on = eb[i * 4 + 2] >= vx0 && eb[i * 4] <= vx1 && eb[i * 4 + 3] >= vy0 && eb[i * 4 + 1] <= vy1;
      const el = this.edgeEls.get(i);
      if (on && !el) {
        const p = renderEdge(g.edges[i], l.edges[i].points, String(i));
        this.applyEdgeMarks(i, p);
        this.edgeLayer.appendChild(p);
        this.edgeEls.set(i, p);
      } else if (!on && el) {
        el.remove();
        this.edgeEls.delete(i);
      }
    }
  }

  private applyNodeMarks(i: number, el: SVGGElement, old: GraphMarks | null): void {
    const id = this.layout!.nodes[i].id;
    const m = this.marks;
    el.classList.toggle('is-current', m.current === id);
    el.classList.toggle('is-next', m.next === id && m.current !== id);
    el.classList.toggle('is-done', m.executed.has(id) && m.current !== id);
    el.classList.toggle('is-selected', m.selected === id);
    el.classList.toggle('is-match', m.matches.has(id));
    el.classList.toggle('is-line', m.lineHits.has(id));
    const step = m.executed.get(id);
    const oldStep = old ? old.executed.get(id) : undefined;
    const wasCurrent = old ? old.current === id : false;
    const badge = el.querySelector(':scope > .al-badge');
    if (badge && (step !== oldStep || wasCurrent !== (m.current === id) || step === undefined)) badge.remove();
    if (step !== undefined && !el.querySelector(':scope > .al-badge')) el.appendChild(renderBadge(step, m.current === id ? 'current' : 'done'));
  }

  private applyEdgeMarks(i: number, el: SVGPathElement): void {
    const m = this.marks;
    const active = m.active.has(i);
    const flowed = m.flowed.has(i);
    el.classList.toggle('is-active', active);
    el.classList.toggle('is-flowed', flowed && !active);
    el.setAttribute('marker-end', active ? 'url(#al-arrow-active)' : flowed ? 'url(#al-arrow-flowed)' : 'url(#al-arrow)');
    if (active && el.parentNode) el.parentNode.appendChild(el); // on top
  }

  private drawLabels(): void {
    clear(this.labelLayer);
    const l = this.layout;
    if (!l) return;
    const placed: { x: number; y: number; w: number; text: string }[] = [];
    for (const lab of this.marks.labels) {
      const e = l.edges[lab.edge];
      if (!e || e.points.length < 2) continue;
      const a = e.points[0];
      const b = e.points[1];
      const y = Math.min(a.y + 22, (a.y + b.y) / 2);
      const u = (y - a.y) / Math.max(1, b.y - a.y);
      // on the cubic with vertical tangents x moves little near the start; interpolate gently
      const x = a.x + (b.x - a.x) * (3 * u * u - 2 * u * u * u);
      placed.push({ x, y, w: labelWidth(lab.text, this.charWidth), text: lab.text });
    }
    // labels of one node sit on one row: push overlapping ones apart, keeping their centre
    placed.sort((p, q) => p.y - q.y || p.x - q.x);
    for (let i = 1; i < placed.length; i++) {
      const p = placed[i - 1];
      const q = placed[i];
      if (Math.abs(p.y - q.y) > 18) continue;
      const need = (p.w + q.w) / 2 + 6 - (q.x - p.x);
      if (need > 0) {
        p.x -= need / 2;
        q.x += need / 2;
      }
    }
    for (const p of placed) this.labelLayer.appendChild(renderEdgeLabel(p.text, p.x, p.y, this.charWidth));
  }

  /** Which node a click landed on (SVG element, or canvas hit test). */
  private hit(ev: MouseEvent): string | null {
    const target = ev.target as Element | null;
    const g = target?.closest?.('[data-id]');
    if (g) return g.getAttribute('data-id');
    if (this.mode !== 'canvas' || !this.layout) return null;
    const r = this.root.getBoundingClientRect();
    const t = this.transform;
    const x = (ev.clientX - r.left - t.x) / t.k;
    const y = (ev.clientY - r.top - t.y) / t.k;
    for (const n of this.layout.nodes) if (x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h) return n.id;
    return null;
  }

  /** Themes change under us (VS Code swaps body classes); colours are read again then. */
  invalidatePalette(): void {
    this.palette = null;
    if (this.mode === 'canvas' || this.edgesOnCanvas) this.drawCanvas();
  }

  private readPalette(): Palette {
    const cs = getComputedStyle(this.root);
    const v = (name: string, fb: string) => cs.getPropertyValue(name).trim() || fb;
    return {
      bg: v('--al-bg', '#1e1e1e'),
      box: v('--al-box', '#252526'),
      border: v('--al-border', '#555'),
      edge: v('--al-edge', '#888'),
      flow: v('--al-flow', '#d18616'),
      root: v('--al-root', '#89d185'),
      param: v('--al-param', '#75beff'),
      acc: v('--al-acc', '#b180d7'),
      nograd: v('--al-nograd', '#777'),
      group: v('--al-group', '#cca700'),
      current: v('--al-current', '#d18616'),
    };
  }

  private drawCanvas(): void {
    const l = this.layout;
    const g = this.graph;
    if (!l || !g) return;
    const { width, height } = this.size();
    const dpr = (typeof devicePixelRatio === 'number' && devicePixelRatio) || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const p = (this.palette ??= this.readPalette());
    const t = this.transform;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const vx0 = -t.x / t.k;
    const vy0 = -t.y / t.k;
    const vx1 = (width - t.x) / t.k;
    const vy1 = (height - t.y) / t.k;
    const eb = this.edgeBox;
    const dense = this.edgesOnCanvas || this.mode === 'canvas';
    ctx.lineWidth = Math.max(1, 1 / t.k);
    for (const [color, pick] of [
      [p.edge, (i: number) => !this.marks.flowed.has(i) && !this.marks.active.has(i)],
      [p.flow, (i: number) => this.marks.flowed.has(i) || this.marks.active.has(i)],
    ] as const) {
      ctx.strokeStyle = color;
      ctx.globalAlpha = color === p.edge ? 0.55 : 0.9;
      ctx.beginPath();
      for (let i = 0; i < l.edges.length; i++) {
        if (eb[i * 4 + 2] < vx0 || eb[i * 4] > vx1 || eb[i * 4 + 3] < vy0 || eb[i * 4 + 1] > vy1 || !pick(i)) continue;
        const pts = l.edges[i].points;
        // too many edges to read: leave out those merely passing through (neither end on screen)
        if (dense && !inside(pts[0], vx0, vy0, vx1, vy1) && !inside(pts[pts.length - 1], vx0, vy0, vx1, vy1)) continue;
        ctx.moveTo(pts[0].x, pts[0].y);
        for (let j = 1; j < pts.length; j++) ctx.lineTo(pts[j].x, pts[j].y);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    if (this.mode !== 'canvas') return; // edges only: the nodes are SVG
    for (let i = 0; i < l.nodes.length; i++) {
      const n = l.nodes[i];
      if (n.x + n.w < vx0 || n.x > vx1 || n.y + n.h < vy0 || n.y > vy1) continue;
      const d = g.nodes[i];
      ctx.fillStyle = this.marks.executed.has(n.id) ? p.flow : d.kind === 'tensor' ? tensorRoleColor(d, p, p.box) : d.kind === 'accumulate' ? p.acc : d.kind === 'group' ? p.group : p.box;
      ctx.globalAlpha = d.kind === 'function' && !this.marks.executed.has(n.id) ? 1 : 0.85;
      ctx.fillRect(n.x, n.y, n.w, n.h);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = this.marks.current === n.id ? p.current : p.border;
      ctx.strokeRect(n.x, n.y, n.w, n.h);
    }
  }
}

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function inside(p: { x: number; y: number }, x0: number, y0: number, x1: number, y1: number): boolean {
  return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1;
}

/** Arrowheads, one per edge state (markers cannot take the edge's colour everywhere yet). */
function markers(): SVGDefsElement {
  const defs = s('defs');
  for (const [id, cls] of [
    ['al-arrow', 'al-arrowhead'],
    ['al-arrow-flowed', 'al-arrowhead al-arrowhead-flowed'],
    ['al-arrow-active', 'al-arrowhead al-arrowhead-active'],
  ]) {
    const m = s('marker', { attrs: { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' } });
    m.appendChild(s('path', { class: cls, attrs: { d: 'M0,1 L10,5 L0,9 z' } }));
    defs.appendChild(m);
  }
  return defs;
}

export { edgePath };
