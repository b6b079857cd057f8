/**
 * The inspector for what was clicked: a tensor (values and .grad as colour grids, .grad across
 * backward passes, a parameter across optimizer steps), a grad_fn node (its formula, output,
 * next_functions, where it ran), or a group of collapsed iterations.
 */
import type { StepPosition } from '../../trace/protocol';
import type { TraceTensor } from '../../trace/trace';
import { h } from '../dom';
import type { DrawNode, TensorRole } from '../model/graphModel';
import type { RepeatRun } from '../model/repeats';
import { executionsOf, gradHistory, optimizerHistory, StepView } from '../model/stepper';
import { historyStrips, lineChart, valueGrid } from './grids';
import type { Names } from './names';

export type Selected = { kind: 'tensor'; id: string } | { kind: 'node'; id: string } | { kind: 'group'; node: DrawNode };

export interface InspectorActions {
  selectNode(id: string): void;
  selectTensor(id: string): void;
  revealLine(line: number): void;
  jump(p: StepPosition): void;
  setRunExpanded(runId: string, expanded: boolean): void;
  close(): void;
}

export interface InspectorContext {
  names: Names;
  view: StepView;
  runOf(nodeId: string): { run: RepeatRun; block: number; collapsed: boolean } | null;
}

const ROLE_TEXT: Record<TensorRole, string> = {
  root: 'output',
  param: 'parameter',
  leaf: 'leaf · requires grad',
  nograd: 'no grad',
  intermediate: 'intermediate',
};

export function tensorRole(t: TraceTensor, isRoot: boolean): TensorRole {
  if (!t.requiresGrad) return 'nograd';
  if (t.isLeaf) return t.isParameter ? 'param' : 'leaf';
  return isRoot ? 'root' : 'intermediate';
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'al-insp-section' }, h('div', { class: 'al-field-label', text: title }), ...children);
}

function link(text: string, title: string, onClick: () => void, cls = 'al-link'): HTMLButtonElement {
  const b = h('button', { class: cls, text, title });
  b.addEventListener('click', onClick);
  return b;
}

function header(title: string, chips: string[], a: InspectorActions): HTMLElement {
  const close = link('×', 'Close (Esc)', () => a.close(), 'al-icon-button al-close');
  close.setAttribute('aria-label', 'Close inspector');
  return h('div', { class: 'al-insp-head' }, h('h3', { class: 'al-insp-title', text: title }), ...chips.map((c) => h('span', { class: `al-chip al-chip-${c.replace(/\W+/g, '-')}`, text: c })), close);
}

export function renderInspector(sel: Selected, ctx: InspectorContext, a: InspectorActions): HTMLElement {
  const box = h('section', { class: 'al-inspector', attrs: { 'aria-label': 'Inspector' } });
  if (sel.kind === 'tensor') renderTensor(box, sel.id, ctx, a);
  else if (sel.kind === 'node') renderNode(box, sel.id, ctx, a);
  else renderGroup(box, sel.node, ctx, a);
  return box;
}

function renderTensor(box: HTMLElement, id: string, ctx: InspectorContext, a: InspectorActions): void {
  const { names } = ctx;
  const t = names.tensors.get(id);
  if (!t) {
    box.appendChild(h('p', { class: 'al-muted', text: 'This tensor is not in the trace.' }));
    return;
  }
  const isRoot = names.trace.passes.some((p) => p.root === id);
  const role = tensorRole(t, isRoot);
  const chips = [ROLE_TEXT[role]];
  if (t.retainsGrad) chips.push('retains grad');
  box.appendChild(header(names.tensor(id), chips, a));
  const meta = h('div', { class: 'al-meta' });
  meta.append(h('code', { text: `requires_grad=${t.requiresGrad ? 'True' : 'False'}` }), h('code', { text: `is_leaf=${t.isLeaf ? 'True' : 'False'}` }));
  if (t.gradFn) {
    const fn = names.nodes.get(t.gradFn);
    meta.appendChild(h('span', { class: 'al-meta-item' }, h('code', { text: 'grad_fn=' }), link(`<${fn?.name ?? t.gradFn}>`, 'Show the grad_fn node', () => a.selectNode(t.gradFn!))));
  }
  if (t.range) meta.appendChild(link(`line ${t.range.line}`, 'Reveal in the editor', () => a.revealLine(t.range!.line), 'al-link al-line'));
  box.appendChild(meta);

  box.appendChild(section('Value', valueGrid(t.value, { label: 'value' }), repr(t.value.text)));
  let gradNote: string | null = null;
  if (!t.grad) {
    if (!t.requiresGrad) gradNote = 'None — requires_grad is False, so autograd does not track it.';
    else if (!t.isLeaf && !t.retainsGrad) gradNote = 'None — PyTorch keeps .grad only for leaves (call .retain_grad() to keep it here).';
    else gradNote = 'None — no backward pass has reached it (or it was zeroed to None).';
  }
  box.appendChild(section('.grad (at the end of the run)', t.grad ? valueGrid(t.grad, { label: 'grad' }) : h('p', { class: 'al-muted', text: gradNote ?? '' })));

  const hist = gradHistory(names.trace, id);
  if (hist.length) {
    const rows = hist.map((r) => ({
      label: `pass ${r.pass + 1}`,
      value: r.after,
      current: r.pass === ctx.view.position.pass && ctx.view.position.step >= r.step,
    }));
    const list = historyStrips(rows);
    const s = section(`.grad after each backward pass (${hist.length})`, list);
    if (hist.some((r) => r.before)) s.appendChild(h('p', { class: 'al-note', text: 'Each pass adds its gradient to what .grad already held (before + incoming = after), unless .grad was zeroed in between.' }));
    box.appendChild(s);
  }
  const opt = optimizerHistory(names.trace, id);
  if (opt.length) {
    const series = [opt[0].before, ...opt.map((o) => o.after)];
    const s = section(`${opt[0].optimizer} steps (${opt.length}) — value after each`);
    if (series.length >= 3) s.appendChild(lineChart(series));
    s.appendChild(historyStrips(series.map((v, i) => ({ label: i === 0 ? 'start' : `step ${i}`, value: v }))));
    box.appendChild(s);
  }
}

function repr(text: string): HTMLElement {
  const d = h('details', { class: 'al-repr' }, h('summary', { text: 'PyTorch repr' }), h('pre', { class: 'al-value', text: text }));
  return d;
}

function renderNode(box: HTMLElement, id: string, ctx: InspectorContext, a: InspectorActions): void {
  const { names } = ctx;
  const n = names.nodes.get(id);
  if (!n) {
    box.appendChild(h('p', { class: 'al-muted', text: 'This node is not in the trace.' }));
    return;
  }
  box.appendChild(header(names.node(id), [n.kind === 'accumulate' ? 'AccumulateGrad' : 'grad_fn'], a));
  const meta = h('div', { class: 'al-meta' });
  if (n.kind === 'function') meta.appendChild(h('code', { text: `seq ${n.seq}` }));
  if (n.range) meta.appendChild(link(`line ${n.range.line}`, 'Reveal in the editor', () => a.revealLine(n.range!.line), 'al-link al-line'));
  box.appendChild(meta);
  if (n.formula) box.appendChild(section('Local derivative', h('div', { class: 'al-formula-plain', text: n.formula })));

  const t = names.tensorOf(id);
  if (t) {
    const label = n.kind === 'accumulate' ? 'Leaf it accumulates into' : 'Output';
    box.appendChild(section(label, h('div', { class: 'al-row' }, link(names.tensor(t.id), 'Inspect this tensor', () => a.selectTensor(t.id))), valueGrid(t.value, { label: 'output value' })));
  }
  if (n.next.length) {
    const list = h('ol', { class: 'al-next-list', attrs: { start: 0 } });
    n.next.forEach((e) => {
      list.appendChild(h('li', {}, e ? link(names.node(e.node), 'Show this node', () => a.selectNode(e.node)) : h('span', { class: 'al-muted', text: 'None — no gradient needed' })));
    });
    box.appendChild(section('next_functions', list));
  }
  if (n.saved.length) box.appendChild(section('Saved for backward', h('div', { class: 'al-meta' }, ...n.saved.map((x) => h('code', { text: x })))));
  const runs = executionsOf(names.trace, id);
  if (runs.length) {
    const row = h('div', { class: 'al-meta' });
    for (const [p, k] of runs) row.appendChild(link(`pass ${p + 1}, step ${k}`, 'Jump to this step', () => a.jump({ pass: p, step: k })));
    box.appendChild(section('Ran at', row));
  } else if (names.trace.passes.length) {
    box.appendChild(section('Ran at', h('p', { class: 'al-muted', text: 'No backward pass reached this node.' })));
  }
  const r = ctx.runOf(id);
  if (r) {
    const b = link(r.collapsed ? 'Expand all iterations' : 'Collapse the repeats', '', () => a.setRunExpanded(r.run.id, r.collapsed), 'al-button al-secondary');
    box.appendChild(section('Repeated structure', h('p', { class: 'al-note', text: `Iteration ${r.block + 1} of ${r.run.blocks.length} that built the same ${r.run.period}-node subgraph.` }), b));
  }
}

function renderGroup(box: HTMLElement, d: DrawNode, ctx: InspectorContext, a: InspectorActions): void {
  box.appendChild(header(d.title, ['collapsed'], a));
  const run = ctx.names.trace && d.run ? d.run : null;
  box.appendChild(h('p', { class: 'al-card-text', text: `${d.count} consecutive iterations built the same subgraph (${d.sub}). They are drawn as one node so the picture stays readable; the iteration the current pass runs through is drawn in full.` }));
  box.appendChild(section('One iteration', h('div', { class: 'al-meta' }, ...d.detail.split(' · ').map((x) => h('code', { text: x })))));
  if (run) box.appendChild(link('Expand all iterations', 'Draw every iteration', () => a.setRunExpanded(run, true), 'al-button'));
}
