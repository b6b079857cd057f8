/**
 * SVG for one drawn node or edge. Text from the trace goes in only through `textContent` (the
 * `s()` helper); ids go in `data-id` attributes and never into markup.
 */
import { s } from '../dom';
import type { LayoutPoint } from '../layout/layered';
import type { DrawEdge, DrawNode } from '../model/graphModel';
import { BOX } from '../model/metrics';

export const CUT_LEN = 14;

export function nodeClass(d: DrawNode): string {
  let c = `al-node al-k-${d.kind}`;
  if (d.role) c += ` al-r-${d.role}`;
  if (!d.named) c += ' al-unnamed';
  return c;
}

export function portX(d: DrawNode, j: number): number {
  return d.ports > 1 ? (d.w * (j + 1)) / (d.ports + 1) : d.w / 2;
}

function tooltip(d: DrawNode): string {
  switch (d.kind) {
    case 'function':
      return `${d.title} — grad_fn node${d.line ? `, line ${d.line}` : ''}`;
    case 'accumulate':
      return `AccumulateGrad — adds the incoming gradient into the leaf's .grad`;
    case 'group':
      return `${d.title}: ${d.sub}. Click to expand.`;
    case 'tensor': {
      const role = { root: 'output', param: 'parameter (leaf, requires grad)', leaf: 'leaf, requires grad', nograd: 'no grad', intermediate: 'intermediate' }[d.role ?? 'intermediate'];
      return `${d.title} · ${d.sub} · ${role}${d.line ? ` · line ${d.line}` : ''}`;
    }
  }
}

/** The <g> of a node at (x, y), top-left. */
export function renderNode(d: DrawNode, x: number, y: number): SVGGElement {
  const g = s('g', { class: nodeClass(d), attrs: { transform: `translate(${x},${y})`, 'data-id': d.id, role: 'button', 'aria-label': tooltip(d) } });
  g.appendChild(s('title', { text: tooltip(d) }));
  if (d.kind === 'group') {
    const k = BOX.groupStack;
    g.appendChild(s('rect', { class: 'al-stack', attrs: { x: k, y: -k, width: d.w - k, height: d.h, rx: 7 } }));
    g.appendChild(s('rect', { class: 'al-stack', attrs: { x: k / 2, y: -k / 2, width: d.w - k, height: d.h, rx: 7 } }));
    g.appendChild(s('rect', { class: 'al-box', attrs: { x: 0, y: 0, width: d.w - k, height: d.h, rx: 7 } }));
    const cx = BOX.padX;
    g.appendChild(s('text', { class: 'al-title', attrs: { x: cx, y: 19 } }, d.title));
    g.appendChild(s('text', { class: 'al-sub', attrs: { x: cx, y: 34 } }, d.sub));
    g.appendChild(s('text', { class: 'al-detail', attrs: { x: cx, y: 47 } }, d.detail));
    g.appendChild(s('text', { class: 'al-expand-hint', attrs: { x: d.w - k - 9, y: 16, 'text-anchor': 'end' } }, '+'));
    return g;
  }
  if (d.kind === 'tensor') {
    g.appendChild(s('rect', { class: 'al-box', attrs: { width: d.w, height: d.h, rx: 9 } }));
    g.appendChild(s('rect', { class: 'al-accent', attrs: { x: 0, y: 7, width: 3, height: d.h - 14, rx: 1.5 } }));
    const t1 = s('text', { class: 'al-title', attrs: { x: BOX.padX, y: BOX.tensorPadY + 12 } });
    t1.appendChild(s('tspan', { class: 'al-name' }, d.title));
    t1.appendChild(s('tspan', { class: 'al-sub', attrs: { dx: 8 } }, d.sub));
    g.appendChild(t1);
    g.appendChild(s('text', { class: 'al-detail', attrs: { x: BOX.padX, y: BOX.tensorPadY + BOX.tensorLine1 + 11 } }, d.detail));
    return g;
  }
  g.appendChild(s('rect', { class: 'al-box', attrs: { width: d.w, height: d.h, rx: 6 } }));
  g.appendChild(s('text', { class: 'al-title', attrs: { x: d.w / 2, y: d.h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' } }, d.title));
  for (const j of d.cuts) {
    const px = portX(d, j);
    const cut = s('g', { class: 'al-cut' });
    cut.appendChild(s('title', { text: `input ${j}: no gradient flows here (a constant, or tracking stopped by detach() / no_grad)` }));
    cut.appendChild(s('line', { attrs: { x1: px, y1: d.h, x2: px, y2: d.h + CUT_LEN - 4 } }));
    cut.appendChild(s('line', { class: 'al-cut-bar', attrs: { x1: px - 5, y1: d.h + CUT_LEN - 4, x2: px + 5, y2: d.h + CUT_LEN - 4 } }));
    g.appendChild(cut);
  }
  return g;
}

/** A smooth path through the layout's points: vertical tangents at each end of each hop. */
export function edgePath(points: LayoutPoint[]): string {
  if (points.length < 2) return '';
  const f = (v: number) => Math.round(v * 10) / 10;
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (Math.abs(a.x - b.x) < 0.5) {
      d += `L${f(b.x)},${f(b.y)}`;
      continue;
    }
    const dy = Math.max(8, (b.y - a.y) / 2);
    d += `C${f(a.x)},${f(a.y + dy)} ${f(b.x)},${f(b.y - dy)} ${f(b.x)},${f(b.y)}`;
  }
  return d;
}

export function edgeClass(e: DrawEdge): string {
  return `al-edge al-e-${e.kind}`;
}

export function renderEdge(e: DrawEdge, points: LayoutPoint[], key: string): SVGPathElement {
  return s('path', { class: edgeClass(e), attrs: { d: edgePath(points), 'data-key': key, 'marker-end': 'url(#al-arrow)' } });
}

/** The step number badge on an executed node. */
export function renderBadge(n: number, kind: 'done' | 'current'): SVGGElement {
  const label = String(n);
  const w = Math.max(18, 8 + label.length * 7);
  const g = s('g', { class: `al-badge al-badge-${kind}`, attrs: { transform: `translate(${-w / 2 + 4},-9)` } });
  g.appendChild(s('rect', { attrs: { width: w, height: 18, rx: 9 } }));
  g.appendChild(s('text', { attrs: { x: w / 2, y: 9, 'text-anchor': 'middle', 'dominant-baseline': 'central' } }, label));
  return g;
}

/** A small value label placed on an edge (the gradient it carries at the current step). */
export function labelWidth(text: string, charWidth: number): number {
  return Math.ceil(text.length * charWidth * (10.5 / 12)) + 12;
}

export function renderEdgeLabel(text: string, x: number, y: number, charWidth: number): SVGGElement {
  const w = labelWidth(text, charWidth);
  const g = s('g', { class: 'al-edge-label', attrs: { transform: `translate(${x - w / 2},${y - 9})` } });
  g.appendChild(s('rect', { attrs: { width: w, height: 18, rx: 9 } }));
  g.appendChild(s('text', { attrs: { x: w / 2, y: 9, 'text-anchor': 'middle', 'dominant-baseline': 'central' } }, text));
  return g;
}
