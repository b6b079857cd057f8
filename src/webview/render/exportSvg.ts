/**
 * The drawing as one self-contained SVG file: every node and edge (not just what is on screen),
 * colours resolved to literal values and set as presentation attributes, so it opens anywhere
 * without our CSS. Text is XML-escaped; nothing from the trace becomes markup.
 */
import type { LayoutResult } from '../layout/layered';
import type { DrawGraph, DrawNode } from '../model/graphModel';
import { BOX } from '../model/metrics';
import { CUT_LEN, edgePath, portX } from './shapes';
import type { GraphMarks } from './graphView';

export interface ExportPalette {
  bg: string;
  fg: string;
  muted: string;
  box: string;
  border: string;
  edge: string;
  flow: string;
  root: string;
  param: string;
  acc: string;
  nograd: string;
  group: string;
  current: string;
  fontMono: string;
}

export const DEFAULT_EXPORT_PALETTE: ExportPalette = {
  bg: '#ffffff',
  fg: '#1f1f1f',
  muted: '#6b6b6b',
  box: '#f6f6f6',
  border: '#b5b5b5',
  edge: '#8a8a8a',
  flow: '#c4620a',
  root: '#2f8f3a',
  param: '#1f6fc5',
  acc: '#8a4fc2',
  nograd: '#8a8a8a',
  group: '#a77f00',
  current: '#c4620a',
  fontMono: "Menlo, Consolas, 'DejaVu Sans Mono', monospace",
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const num = (v: number) => String(Math.round(v * 10) / 10);

/** The colour of a tensor node by its role (output, leaf/parameter, no grad), else `other`. */
export function tensorRoleColor(d: DrawNode, p: Pick<ExportPalette, 'root' | 'param' | 'nograd'>, other: string): string {
  switch (d.role) {
    case 'root':
      return p.root;
    case 'param':
    case 'leaf':
      return p.param;
    case 'nograd':
      return p.nograd;
    default:
      return other;
  }
}

function accentOf(d: DrawNode, p: ExportPalette): string {
  if (d.kind === 'accumulate') return p.acc;
  if (d.kind === 'group') return p.group;
  if (d.kind === 'function') return p.border;
  return tensorRoleColor(d, p, p.border);
}

export function exportSvg(graph: DrawGraph, layout: LayoutResult, marks: GraphMarks, p: ExportPalette = DEFAULT_EXPORT_PALETTE, title = 'Autograd graph'): string {
  const pad = 24;
  const W = Math.ceil(layout.width + 2 * pad);
  const H = Math.ceil(layout.height + 2 * pad + CUT_LEN);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="${-pad} ${-pad} ${W} ${H}" font-family="${escapeXml(p.fontMono)}" font-size="12">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<defs>`);
  for (const [id, color] of [
    ['a', p.edge],
    ['f', p.flow],
  ]) {
    out.push(`<marker id="al-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,1 L10,5 L0,9 z" fill="${escapeXml(color)}"/></marker>`);
  }
  out.push(`</defs>`);
  out.push(`<rect x="${-pad}" y="${-pad}" width="${W}" height="${H}" fill="${escapeXml(p.bg)}"/>`);
  layout.edges.forEach((e, i) => {
    const hot = marks.flowed.has(i) || marks.active.has(i);
    const color = hot ? p.flow : p.edge;
    out.push(`<path d="${edgePath(e.points)}" fill="none" stroke="${escapeXml(color)}" stroke-width="${marks.active.has(i) ? 2.2 : 1.3}" marker-end="url(#al-${hot ? 'f' : 'a'})"/>`);
  });
  layout.nodes.forEach((n, i) => {
    const d = graph.nodes[i];
    const accent = accentOf(d, p);
    const current = marks.current === d.id;
    const done = marks.executed.has(d.id);
    const stroke = current ? p.current : accent;
    const sw = current ? 2.5 : d.kind === 'function' ? 1 : 1.5;
    const dash = d.role === 'nograd' ? ' stroke-dasharray="4 3"' : '';
    out.push(`<g transform="translate(${num(n.x)},${num(n.y)})">`);
    if (d.kind === 'group') {
      const k = BOX.groupStack;
      for (const o of [k, k / 2]) out.push(`<rect x="${o}" y="${-o}" width="${num(d.w - k)}" height="${d.h}" rx="7" fill="${escapeXml(p.box)}" stroke="${escapeXml(accent)}" stroke-width="1"/>`);
      out.push(`<rect width="${num(d.w - k)}" height="${d.h}" rx="7" fill="${escapeXml(p.box)}" stroke="${escapeXml(stroke)}" stroke-width="${sw}"/>`);
      out.push(`<text x="${BOX.padX}" y="19" fill="${escapeXml(p.fg)}" font-weight="600">${escapeXml(d.title)}</text>`);
      out.push(`<text x="${BOX.padX}" y="34" fill="${escapeXml(p.muted)}" font-size="11">${escapeXml(d.sub)}</text>`);
      out.push(`<text x="${BOX.padX}" y="47" fill="${escapeXml(p.muted)}" font-size="11">${escapeXml(d.detail)}</text>`);
    } else if (d.kind === 'tensor') {
      out.push(`<rect width="${d.w}" height="${d.h}" rx="9" fill="${escapeXml(p.box)}" stroke="${escapeXml(stroke)}" stroke-width="${sw}"${dash}/>`);
      out.push(`<rect x="0" y="7" width="3" height="${d.h - 14}" rx="1.5" fill="${escapeXml(accent)}"/>`);
      out.push(`<text x="${BOX.padX}" y="${BOX.tensorPadY + 12}" fill="${escapeXml(p.fg)}"><tspan font-weight="600">${escapeXml(d.title)}</tspan><tspan dx="8" fill="${escapeXml(p.muted)}" font-size="11">${escapeXml(d.sub)}</tspan></text>`);
      out.push(`<text x="${BOX.padX}" y="${BOX.tensorPadY + BOX.tensorLine1 + 11}" fill="${escapeXml(p.muted)}" font-size="11">${escapeXml(d.detail)}</text>`);
    } else {
      const fill = done || current ? p.box : p.box;
      out.push(`<rect width="${d.w}" height="${d.h}" rx="6" fill="${escapeXml(fill)}" stroke="${escapeXml(stroke)}" stroke-width="${sw}"/>`);
      out.push(`<text x="${num(d.w / 2)}" y="${num(d.h / 2 + 4)}" text-anchor="middle" fill="${escapeXml(d.kind === 'accumulate' ? p.acc : p.fg)}" font-weight="600">${escapeXml(d.title)}</text>`);
      for (const j of d.cuts) {
        const x = num(portX(d, j));
        out.push(`<line x1="${x}" y1="${d.h}" x2="${x}" y2="${d.h + CUT_LEN - 4}" stroke="${escapeXml(p.nograd)}" stroke-dasharray="2 2"/>`);
        out.push(`<line x1="${num(portX(d, j) - 5)}" y1="${d.h + CUT_LEN - 4}" x2="${num(portX(d, j) + 5)}" y2="${d.h + CUT_LEN - 4}" stroke="${escapeXml(p.nograd)}" stroke-width="1.5"/>`);
      }
    }
    const step = marks.executed.get(d.id);
    if (step !== undefined) {
      const label = String(step);
      const w = Math.max(18, 8 + label.length * 7);
      out.push(`<g transform="translate(${num(-w / 2 + 4)},-9)"><rect width="${w}" height="18" rx="9" fill="${escapeXml(current ? p.current : p.flow)}"/><text x="${num(w / 2)}" y="13" text-anchor="middle" fill="#ffffff" font-size="10.5" font-weight="700">${label}</text></g>`);
    }
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n');
}
