/**
 * Tensor values as pictures: a grid of cells on a diverging colour scale (blue < 0 < red), history
 * strips (one row per backward pass or optimizer step, on one shared scale), and a small line
 * chart of a few elements over time. Colours are set through the CSSOM (element.style), which the
 * page's CSP allows; no style attributes in markup.
 */
import type { TraceValue } from '../../trace/trace';
import { h, s } from '../dom';
import { absMax, divergingColor, numel, shapeText, shortNumber, toNumber } from '../model/values';

function values(v: TraceValue): number[] {
  return v.data.map(toNumber);
}

/** Rows × columns to show a value in: scalars 1×1, vectors wrapped at `wrap`, matrices as they are, higher ranks as (…, last). */
export function gridShape(v: TraceValue, wrap = 16): { rows: number; cols: number; flat: boolean } {
  const n = v.data.length;
  if (v.shape.length === 0) return { rows: 1, cols: 1, flat: false };
  if (v.shape.length === 1) {
    const cols = Math.min(wrap, Math.max(1, n));
    return { rows: Math.ceil(n / cols), cols, flat: n > wrap };
  }
  const cols = v.shape[v.shape.length - 1] || 1;
  return { rows: Math.ceil(n / cols), cols, flat: false };
}

export function valueGrid(v: TraceValue, opts: { scale?: number; label?: string } = {}): HTMLElement {
  const vals = values(v);
  const scale = opts.scale ?? absMax(vals);
  const { rows, cols, flat } = gridShape(v);
  const showNumbers = vals.length <= 64 && cols <= 8;
  const wrap = h('div', { class: 'al-grid-wrap' });
  const grid = h('div', { class: `al-grid${showNumbers ? ' al-grid-numbers' : ''}`, attrs: { role: 'table', 'aria-label': opts.label ?? 'tensor values' } });
  grid.style.setProperty('grid-template-columns', `repeat(${cols}, ${showNumbers ? 'minmax(44px, auto)' : '14px'})`);
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i];
    const r = Math.floor(i / cols);
    const c = i % cols;
    const cell = h('div', { class: 'al-cell', attrs: { role: 'cell' }, title: `${idxLabel(v, r, c, flat, cols)} = ${String(v.data[i])}` });
    cell.style.setProperty('background-color', divergingColor(x, scale));
    if (showNumbers) cell.textContent = shortNumber(x);
    grid.appendChild(cell);
  }
  if (!vals.length) grid.appendChild(h('div', { class: 'al-muted', text: 'empty' }));
  wrap.appendChild(grid);
  const total = numel(v.shape);
  const notes = [`${shapeText(v.shape)} · ${v.dtype}`];
  if (rows > 1 && flat) notes.push(`wrapped ${cols} per row`);
  if (v.truncated) notes.push(`first ${vals.length} of ${total} values`);
  const foot = h('div', { class: 'al-grid-foot' }, h('span', { text: notes.join(' · ') }), scaleBar(scale));
  wrap.appendChild(foot);
  return wrap;
}

function idxLabel(v: TraceValue, r: number, c: number, flat: boolean, cols: number): string {
  if (v.shape.length === 0) return 'value';
  if (v.shape.length === 1) return `[${flat ? r * cols + c : c}]`;
  return `[${r}, ${c}]`;
}

/** The colour key: −s … 0 … +s. */
export function scaleBar(scale: number): HTMLElement {
  const bar = h('span', { class: 'al-scale', attrs: { 'aria-hidden': 'true' } });
  const grad = h('span', { class: 'al-scale-bar' });
  grad.style.setProperty('background', `linear-gradient(90deg, ${divergingColor(-1, 1)}, ${divergingColor(0, 1)}, ${divergingColor(1, 1)})`);
  bar.append(h('span', { text: scale ? `−${shortNumber(scale, 3)}` : '0' }), grad, h('span', { text: scale ? `+${shortNumber(scale, 3)}` : '0' }));
  return bar;
}

export interface HistoryRow {
  label: string;
  value: TraceValue | null;
  note?: string;
  current?: boolean;
}

/** One strip of coloured cells per row, all on one scale, with a short preview. */
export function historyStrips(rows: HistoryRow[], maxCells = 32): HTMLElement {
  let scale = 0;
  for (const r of rows) if (r.value) scale = Math.max(scale, absMax(values(r.value)));
  const table = h('div', { class: 'al-history', attrs: { role: 'table' } });
  for (const r of rows) {
    const strip = h('div', { class: 'al-strip' });
    if (r.value) {
      const vals = values(r.value).slice(0, maxCells);
      for (let i = 0; i < vals.length; i++) {
        const c = h('span', { class: 'al-strip-cell', title: shortNumber(vals[i]) });
        c.style.setProperty('background-color', divergingColor(vals[i], scale));
        strip.appendChild(c);
      }
    } else strip.appendChild(h('span', { class: 'al-muted', text: 'None' }));
    table.appendChild(
      h(
        'div',
        { class: `al-history-row${r.current ? ' is-current' : ''}`, attrs: { role: 'row' } },
        h('span', { class: 'al-history-label', text: r.label }),
        strip,
        h('span', { class: 'al-history-note', text: r.note ?? (r.value ? shortPreview(r.value) : '') }),
      ),
    );
  }
  const foot = h('div', { class: 'al-grid-foot' }, h('span', { text: rows.length > 1 ? `${rows.length} records · one colour scale` : '' }), scaleBar(scale));
  return h('div', { class: 'al-history-wrap' }, table, foot);
}

function shortPreview(v: TraceValue): string {
  const vals = values(v);
  if (v.shape.length === 0) return shortNumber(vals[0] ?? NaN);
  const shown = vals.slice(0, 3).map((x) => shortNumber(x, 3));
  return `[${shown.join(', ')}${numel(v.shape) > 3 ? ', …' : ''}]`;
}

const SERIES_COLORS = ['--al-series-1', '--al-series-2', '--al-series-3', '--al-series-4', '--al-series-5', '--al-series-6'];

/** A line chart of the first few elements of a value over time (parameters across optimizer steps). */
export function lineChart(series: TraceValue[], opts: { maxLines?: number; width?: number; height?: number } = {}): SVGSVGElement {
  const W = opts.width ?? 300;
  const H = opts.height ?? 110;
  const pad = { l: 40, r: 8, t: 8, b: 18 };
  const lines = Math.min(opts.maxLines ?? 6, ...series.map((v) => v.data.length));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series)
    for (let j = 0; j < lines; j++) {
      const x = toNumber(v.data[j]);
      if (Number.isFinite(x)) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
  if (!(hi > lo)) {
    hi = (Number.isFinite(hi) ? hi : 0) + 1;
    lo = hi - 2;
  }
  const svg = s('svg', { class: 'al-chart', attrs: { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'values across steps' } });
  const X = (i: number) => pad.l + (series.length > 1 ? (i / (series.length - 1)) * (W - pad.l - pad.r) : (W - pad.l - pad.r) / 2);
  const Y = (x: number) => pad.t + (1 - (x - lo) / (hi - lo)) * (H - pad.t - pad.b);
  svg.appendChild(s('line', { class: 'al-chart-axis', attrs: { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b } }));
  svg.appendChild(s('line', { class: 'al-chart-axis', attrs: { x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b } }));
  if (lo < 0 && hi > 0) svg.appendChild(s('line', { class: 'al-chart-zero', attrs: { x1: pad.l, y1: Y(0), x2: W - pad.r, y2: Y(0) } }));
  svg.appendChild(s('text', { class: 'al-chart-tick', attrs: { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end' } }, shortNumber(hi, 3)));
  svg.appendChild(s('text', { class: 'al-chart-tick', attrs: { x: pad.l - 4, y: H - pad.b, 'text-anchor': 'end' } }, shortNumber(lo, 3)));
  svg.appendChild(s('text', { class: 'al-chart-tick', attrs: { x: pad.l, y: H - 4 } }, '0'));
  svg.appendChild(s('text', { class: 'al-chart-tick', attrs: { x: W - pad.r, y: H - 4, 'text-anchor': 'end' } }, String(series.length - 1)));
  for (let j = 0; j < lines; j++) {
    let d = '';
    series.forEach((v, i) => {
      const y = toNumber(v.data[j]);
      if (!Number.isFinite(y)) return;
      d += `${d ? 'L' : 'M'}${X(i).toFixed(1)},${Y(y).toFixed(1)}`;
    });
    const path = s('path', { class: 'al-chart-line', attrs: { d } });
    path.style.setProperty('stroke', `var(${SERIES_COLORS[j % SERIES_COLORS.length]})`);
    svg.appendChild(path);
  }
  return svg;
}
