/**
 * The card for the current backward step: which node ran, its local derivative, the gradient
 * that arrived (and the consumers it was summed from), what it sent along each next_functions
 * entry, and for AccumulateGrad `.grad` before + incoming = after. At step 0 it introduces the
 * pass and the gradient it starts with (the v of backward(v)).
 */
import type { TracePass, TraceValue } from '../../trace/trace';
import { h } from '../dom';
import type { StepView } from '../model/stepper';
import { numel, shapeText } from '../model/values';
import type { Names } from './names';

export interface CardActions {
  selectNode(nodeId: string): void;
  revealLine(line: number): void;
  step(): void;
}

function value(v: TraceValue | null, cls = ''): HTMLElement {
  if (!v) return h('pre', { class: `al-value al-none ${cls}`, text: 'None' });
  return h('pre', { class: `al-value ${cls}`, text: v.text });
}

function field(label: string, ...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'al-field' }, h('div', { class: 'al-field-label', text: label }), ...children);
}

function nodeLink(names: Names, id: string | null, a: CardActions): HTMLElement {
  if (!id) return h('span', { class: 'al-ref', text: '?' });
  const b = h('button', { class: 'al-link al-ref', text: names.node(id), title: 'Show this node' });
  b.addEventListener('click', () => a.selectNode(id));
  return b;
}

function lineLink(line: number | undefined, a: CardActions): HTMLElement | null {
  if (!line) return null;
  const b = h('button', { class: 'al-link al-line', text: `line ${line}`, title: 'Reveal in the editor' });
  b.addEventListener('click', () => a.revealLine(line));
  return b;
}

export function passTitle(p: TracePass, names: Names): string {
  const call = p.kind === 'grad' ? 'torch.autograd.grad()' : 'backward()';
  return `${call} on ${names.tensor(p.root)}`;
}

function startingGradientLabel(p: TracePass, names: Names): string {
  const root = names.tensors.get(p.root);
  const scalar = !root || numel(root.value.shape) === 1;
  if (p.kind === 'grad') return 'grad_outputs (ones for a scalar output)';
  return scalar ? '∂out/∂out = 1 for a scalar output' : 'the vector v given to backward(v)';
}

export function renderStepCard(view: StepView, names: Names, a: CardActions): HTMLElement {
  const card = h('section', { class: 'al-card', attrs: { 'aria-live': 'polite' } });
  const p = view.pass;
  if (!p) {
    const failed = names.trace.cells.find((c) => c.error);
    if (failed?.error) {
      // e.g. backward() on a non-scalar: the call raised, so no pass was recorded
      card.append(
        h('div', { class: 'al-eyebrow' }, h('span', { text: 'No backward pass completed' }), lineLink(failed.errorRange?.line, a)),
        h('p', { class: 'al-muted', text: 'The run stopped with an error before a backward pass finished:' }),
        h('pre', { class: 'al-error-text', text: failed.error }),
        h('p', { class: 'al-muted', text: 'The graph shows what autograd recorded up to there.' }),
      );
      return card;
    }
    card.append(
      h('div', { class: 'al-eyebrow', text: 'No backward pass' }),
      h('p', { class: 'al-muted', text: 'This run never called backward() or torch.autograd.grad(), so there is nothing to step through. The graph shows what autograd recorded.' }),
    );
    return card;
  }
  const passCount = names.trace.passes.length;
  const eyebrow = h('div', { class: 'al-eyebrow' }, h('span', { text: `Pass ${view.position.pass + 1}${passCount > 1 ? ` of ${passCount}` : ''} · ${passTitle(p, names)}` }), lineLink(p.range?.line, a));
  card.appendChild(eyebrow);

  if (!view.current) {
    card.appendChild(h('h2', { class: 'al-card-title', text: 'Ready to run backward' }));
    card.appendChild(
      h('p', { class: 'al-card-text', text: `The engine starts at the grad_fn of ${names.tensor(p.root)} and runs one node per step, in the order PyTorch would: of the nodes whose gradient is complete, the one created last.` }),
    );
    card.appendChild(field('Starting gradient', h('div', { class: 'al-note', text: startingGradientLabel(p, names) }), value(p.gradient, 'al-value-in')));
    if (view.next) card.appendChild(nextLine(view, names, a));
    return card;
  }

  const s = view.current;
  const node = names.nodes.get(s.node);
  const head = h('div', { class: 'al-card-head' }, h('h2', { class: 'al-card-title', text: names.node(s.node) }), h('span', { class: 'al-chip', text: `step ${view.position.step} of ${view.total}` }));
  card.appendChild(head);
  const out = names.tensorOf(s.node);
  if (node) {
    const v = node.variable ? names.tensors.get(node.variable) : undefined;
    const made =
      node.kind === 'accumulate'
        ? v?.names.length
          ? `adds into ${v.names[0]}.grad`
          : 'adds into the .grad of an unnamed leaf'
        : out
          ? out.names.length
            ? `grad_fn of ${out.names.join(', ')}`
            : `grad_fn of an unnamed ${shapeText(out.value.shape)} ${out.value.dtype} tensor`
          : '';
    card.appendChild(h('div', { class: 'al-card-sub' }, h('span', { text: made }), lineLink(node.range?.line, a)));
    card.appendChild(field('Local derivative (vector–Jacobian product)', formula(node.formula)));
  }

  // What arrived, and from whom.
  s.gradIn.forEach((g, i) => {
    const cs = s.contributions[i] ?? [];
    const label = s.gradIn.length > 1 ? `Incoming gradient for output ${i}` : 'Incoming gradient';
    const f = field(label);
    if (cs.length > 1) {
      const senders = new Set(cs.map((c) => c.from)).size;
      f.appendChild(h('div', { class: 'al-note', text: senders === cs.length ? `the sum of ${cs.length} gradients, one from each consumer:` : `the sum of ${cs.length} gradients (a consumer that used this tensor more than once sends one per use):` }));
      const list = h('div', { class: 'al-contribs' });
      cs.forEach((c, k) => {
        list.append(h('div', { class: 'al-contrib-from' }, h('span', { class: 'al-op', text: k === 0 ? ' ' : '+' }), c.from ? nodeLink(names, c.from, a) : h('span', { text: startingGradientLabel(p, names) })), value(c.grad));
      });
      f.appendChild(list);
      f.appendChild(h('div', { class: 'al-contrib-from' }, h('span', { class: 'al-op', text: '=' }), h('span', { text: 'total' })));
      f.appendChild(value(g, 'al-value-in'));
    } else {
      const c = cs[0];
      if (c) f.appendChild(h('div', { class: 'al-note' }, h('span', { text: 'from ' }), c.from ? nodeLink(names, c.from, a) : h('span', { text: startingGradientLabel(p, names) })));
      f.appendChild(value(g, 'al-value-in'));
    }
    card.appendChild(f);
  });

  if (s.accumulation) {
    const acc = s.accumulation;
    const leaf = names.tensors.get(acc.tensor);
    const f = field(leaf?.names.length ? `${leaf.names[0]}.grad` : 'The leaf’s .grad');
    f.append(
      h('div', { class: 'al-eq' }, h('span', { class: 'al-eq-label', text: 'before' }), value(acc.before)),
      h('div', { class: 'al-eq' }, h('span', { class: 'al-eq-label', text: '+ incoming' }), value(acc.incoming, 'al-value-in')),
      h('div', { class: 'al-eq' }, h('span', { class: 'al-eq-label', text: '= after' }), value(acc.after, 'al-value-out')),
    );
    if (acc.before) f.appendChild(h('div', { class: 'al-note', text: 'Gradients accumulate: every backward() adds to .grad until it is zeroed.' }));
    card.appendChild(f);
  } else if (node && node.next.length) {
    const f = field('Sends on (one gradient per input)');
    node.next.forEach((e, j) => {
      const g = s.gradOut[j] ?? null;
      const row = h('div', { class: 'al-send' }, h('span', { class: 'al-port', text: `${j}` }), h('span', { class: 'al-arrow', text: '→' }));
      if (e) row.appendChild(nodeLink(names, e.node, a));
      else row.appendChild(h('span', { class: 'al-muted', text: 'no gradient (constant, or tracking stopped)' }));
      f.appendChild(row);
      if (e) f.appendChild(value(g, 'al-value-out'));
    });
    card.appendChild(f);
  }
  card.appendChild(nextLine(view, names, a));
  return card;
}

function formula(text: string): HTMLElement {
  const parts = text.split(/\s{3,}/).filter(Boolean);
  const box = h('div', { class: 'al-formula' });
  for (const p of parts) {
    const m = /^([\w.]+):\s*(.*)$/.exec(p);
    if (m) box.appendChild(h('div', { class: 'al-formula-line' }, h('span', { class: 'al-formula-input', text: `${m[1]} ←` }), h('span', { text: m[2] })));
    else box.appendChild(h('div', { class: 'al-formula-line', text: p }));
  }
  return box;
}

function nextLine(view: StepView, names: Names, a: CardActions): HTMLElement {
  if (!view.next) return h('div', { class: 'al-card-next al-done-line', text: view.total ? `✓ Backward pass complete — ${view.total} node${view.total === 1 ? '' : 's'} ran.` : 'This pass ran no nodes.' });
  const b = h('button', { class: 'al-button al-secondary', text: `Next: ${names.node(view.next.node)}`, title: 'Step (→, n, j)' });
  b.addEventListener('click', () => a.step());
  return h('div', { class: 'al-card-next' }, b);
}
