/**
 * What the webview builds from a trace, rendered into a DOM shim (linkedom): hostile strings in a
 * snippet — names, node names, formulas, reprs, titles — must stay text, never markup.
 */
import * as assert from 'assert';
import { parseHTML } from 'linkedom';
import type { Trace, TraceValue } from '../../src/trace/trace';
import { h, s, useDocument } from '../../src/webview/dom';
import { parseHostMessage } from '../../src/webview/host';
import { layoutTrace } from '../../src/webview/layout/layoutTrace';
import { stepView } from '../../src/webview/model/stepper';
import { exportSvg } from '../../src/webview/render/exportSvg';
import { NO_MARKS } from '../../src/webview/render/graphView';
import { renderNode } from '../../src/webview/render/shapes';
import { historyStrips, valueGrid } from '../../src/webview/ui/grids';
import { renderInspector } from '../../src/webview/ui/inspector';
import { Names } from '../../src/webview/ui/names';
import { renderStepCard } from '../../src/webview/ui/stepCard';
import { renderStandaloneHtml, scriptSafeJson } from '../../src/webview/standalone';
import { inlineScript, inlineStyle, LAYOUT_WORKER_ELEMENT_ID } from '../../src/webview/inline';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(2)>';
const CLOSE = '</script><script>alert(3)</script>';

const val = (text: string, data: number[] = [1, -2]): TraceValue => ({ shape: [data.length], dtype: 'float32', data, truncated: false, text });

/** A small trace whose every string a snippet controls is hostile. */
function hostileTrace(): Trace {
  return {
    version: 1,
    generator: 'test',
    cells: [{ index: 0, startLine: 1, stdout: SCRIPT, warnings: [], error: null, errorRange: null }],
    tensors: [
      { id: 't1', names: [SCRIPT, IMG], value: val(IMG), requiresGrad: true, isLeaf: true, isParameter: true, retainsGrad: false, gradFn: null, outputNr: 0, grad: val(SCRIPT), range: { line: 1, col: 0, endLine: 1, endCol: 5 } },
      { id: 't2', names: [CLOSE], value: val(CLOSE), requiresGrad: true, isLeaf: false, isParameter: false, retainsGrad: false, gradFn: 'n2', outputNr: 0, grad: null, range: { line: 2, col: 0, endLine: 2, endCol: 5 } },
      { id: 't3', names: ['<b onmouseover=alert(4)>c</b>'], value: val('&lt;'), requiresGrad: false, isLeaf: true, isParameter: false, retainsGrad: false, gradFn: null, outputNr: 0, grad: null, range: null },
    ],
    nodes: [
      { id: 'n1', name: 'AccumulateGrad', seq: -1, kind: 'accumulate', next: [], outputs: [], variable: 't1', saved: [], formula: IMG, range: null },
      { id: 'n2', name: `${SCRIPT}Backward0`, seq: 0, kind: 'function', next: [{ node: 'n1', inputNr: 0 }, null], outputs: ['t2'], variable: null, saved: [IMG], formula: `self: ${SCRIPT}    other: ${IMG}`, range: { line: 2, col: 0, endLine: 2, endCol: 5 } },
    ],
    passes: [
      {
        index: 0,
        kind: 'backward',
        root: 't2',
        gradient: val(SCRIPT),
        range: { line: 3, col: 0, endLine: 3, endCol: 9 },
        steps: [
          { node: 'n2', gradIn: [val(IMG)], contributions: [[{ from: null, grad: val(IMG) }]], gradOut: [val(SCRIPT), null] },
          { node: 'n1', gradIn: [val(SCRIPT)], contributions: [[{ from: 'n2', grad: val(SCRIPT) }]], gradOut: [], accumulation: { tensor: 't1', before: val(CLOSE), incoming: val(IMG), after: val(SCRIPT) } },
        ],
      },
    ],
    optimizerSteps: [{ index: 0, optimizer: IMG, range: null, params: [{ tensor: 't1', before: val(SCRIPT), after: val(IMG) }] }],
  };
}

function assertInert(root: Element, ...mustShow: string[]): void {
  for (const tag of ['script', 'img', 'b', 'iframe']) assert.strictEqual(root.querySelectorAll(tag).length, 0, `no <${tag}> was created`);
  const all = [root, ...Array.from(root.querySelectorAll('*'))];
  for (const el of all) {
    for (const a of Array.from(el.attributes)) assert.ok(!/^on/i.test(a.name), `no ${a.name} handler on <${el.tagName}>`);
  }
  const text = root.textContent ?? '';
  for (const m of mustShow) assert.ok(text.includes(m), `shows ${JSON.stringify(m)} as text`);
}

describe('webview DOM: hostile trace strings stay text', () => {
  let document: Document;
  before(() => {
    document = parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
    useDocument(document);
  });
  after(() => useDocument(null));

  it('graph nodes (tensor, function, accumulate) render names as text', () => {
    const l = layoutTrace(hostileTrace(), { collapse: 'none' });
    const svg = s('svg');
    l.graph.nodes.forEach((d, i) => svg.appendChild(renderNode(d, l.nodes[i].x, l.nodes[i].y)));
    document.body.appendChild(svg);
    assertInert(svg, SCRIPT, `${SCRIPT}Backward0`, '<b onmouseover=alert(4)>c</b>');
    // ids travel as data attributes, never as markup
    assert.ok(svg.querySelector('[data-id="t1"]'));
  });

  it('the step card (incl. backward(v) start, contributions, sends, accumulation) renders text only', () => {
    const t = hostileTrace();
    const names = new Names(t);
    const noop = { selectNode() {}, revealLine() {}, step() {} };
    for (const step of [0, 1, 2]) {
      const card = renderStepCard(stepView(t, { pass: 0, step }), names, noop);
      document.body.appendChild(card);
      assertInert(card);
    }
    const c1 = renderStepCard(stepView(t, { pass: 0, step: 1 }), names, noop);
    assertInert(c1, `${SCRIPT}Backward0`, SCRIPT, IMG);
    const c2 = renderStepCard(stepView(t, { pass: 0, step: 2 }), names, noop);
    assertInert(c2, CLOSE, 'before', '= after');
  });

  it('with no pass because the run failed, the step card shows the error (as text) and links its line', () => {
    const t = hostileTrace();
    const failed: Trace = { ...t, passes: [], cells: [{ ...t.cells[0], error: `RuntimeError: ${SCRIPT}`, errorRange: { line: 7, col: 0, endLine: 7, endCol: 3 } }] };
    const revealed: number[] = [];
    const card = renderStepCard(stepView(failed, { pass: 0, step: 0 }), new Names(failed), { selectNode() {}, revealLine: (l: number) => revealed.push(l), step() {} });
    document.body.appendChild(card);
    assertInert(card, 'No backward pass completed', `RuntimeError: ${SCRIPT}`);
    (card.querySelector('.al-line') as HTMLElement).click();
    assert.deepStrictEqual(revealed, [7]);
    const ok: Trace = { ...t, passes: [] };
    assertInert(renderStepCard(stepView(ok, { pass: 0, step: 0 }), new Names(ok), { selectNode() {}, revealLine() {}, step() {} }), 'never called backward()');
  });

  it('the inspector (tensor with .grad and optimizer history, node, group) renders text only', () => {
    const t = hostileTrace();
    const names = new Names(t);
    const ctx = { names, view: stepView(t, { pass: 0, step: 2 }), runOf: () => null };
    const a = { selectNode() {}, selectTensor() {}, revealLine() {}, jump() {}, setRunExpanded() {}, close() {} };
    const tensor = renderInspector({ kind: 'tensor', id: 't1' }, ctx, a);
    assertInert(tensor, SCRIPT, IMG);
    const node = renderInspector({ kind: 'node', id: 'n2' }, ctx, a);
    assertInert(node, `${SCRIPT}Backward0`, IMG);
    const g = layoutTrace(t).graph.nodes[0];
    assertInert(renderInspector({ kind: 'group', node: { ...g, kind: 'group', title: SCRIPT, sub: IMG, detail: CLOSE, run: 'run:x', count: 3 } }, ctx, a), SCRIPT);
  });

  it('grids and history strips render values as text', () => {
    const grid = valueGrid(val(SCRIPT, [1, -1, 0, 0.5]));
    assertInert(grid);
    const cells = grid.querySelectorAll('.al-cell');
    assert.strictEqual(cells.length, 4);
    assertInert(historyStrips([{ label: IMG, value: val(SCRIPT) }]), IMG);
  });

  it('the DOM helpers refuse event-handler and style attributes', () => {
    assert.throws(() => h('div', { attrs: { onclick: 'alert(1)' } }));
    assert.throws(() => s('rect', { attrs: { onload: 'x' } }));
    assert.throws(() => h('div', { attrs: { style: 'color:red' } }));
    const d = h('div', { text: SCRIPT, title: IMG });
    assert.strictEqual(d.textContent, SCRIPT);
    assert.strictEqual(d.children.length, 0);
  });
});

describe('webview: standalone page and exports', () => {
  const js = 'window.__x = "</script><script>alert(5)</script>"; /* <!-- */';
  const css = 'body{color:red} /* </style><script>alert(6)</script> */';

  it('embeds the trace so no string can leave its <script type="application/json">', () => {
    const t = hostileTrace();
    const html = renderStandaloneHtml(t, js, css, { nonce: 'abc123', title: SCRIPT });
    const { document } = parseHTML(html);
    const scripts = Array.from(document.querySelectorAll('script'));
    assert.strictEqual(scripts.length, 2, 'exactly the data block and our bundle');
    const data = scripts.find((x) => x.getAttribute('type') === 'application/json')!;
    assert.deepStrictEqual(JSON.parse(data.textContent!), t);
    const code = scripts.find((x) => x !== data)!;
    assert.strictEqual(code.getAttribute('nonce'), 'abc123');
    assert.ok(!code.textContent!.includes('</script'));
    assert.strictEqual(document.querySelectorAll('img, b').length, 0);
    assert.strictEqual(document.querySelector('title')!.textContent, `Autograd Lens — ${SCRIPT}`);
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
    const style = document.querySelector('style')!;
    assert.strictEqual(style.getAttribute('nonce'), 'abc123');
    assert.ok(!style.textContent!.includes('</style'));
    // no inline handlers anywhere in the page
    assert.ok(!/\son[a-z]+\s*=/i.test(html.replace(/<script[\s\S]*?<\/script>/g, '')));
  });

  it('carries the layout worker as inert text that cannot end its element, and lets it run from a blob', () => {
    const workerJs = 'self.s = "</script><img src=x onerror=alert(7)>"; // <!-- \nself.r = /<\\/script>/;';
    const html = renderStandaloneHtml(hostileTrace(), js, css, { nonce: 'abc123', workerJs });
    const { document } = parseHTML(html);
    const scripts = Array.from(document.querySelectorAll('script'));
    assert.deepStrictEqual(scripts.map((x) => [x.getAttribute('type'), x.id || null]), [
      ['application/json', 'al-trace'],
      ['text/plain', LAYOUT_WORKER_ELEMENT_ID],
      [null, null],
    ]);
    assert.strictEqual(document.querySelectorAll('img').length, 0);
    const carried = scripts[1].textContent!;
    assert.ok(!carried.includes('</script') && !carried.includes('<!--'));
    // the escaped source means the same program: its strings come out unchanged
    const run = (src: string) => {
      const self: Record<string, unknown> = {};
      new Function('self', src)(self);
      return self;
    };
    assert.deepStrictEqual(run(carried), run(workerJs));
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.match(csp, /worker-src blob:/);
    assert.doesNotMatch(renderStandaloneHtml(hostileTrace(), js, css), /worker-src/, 'no worker, no worker-src');
  });

  it('inline scripts and styles: only the closing sequences change', () => {
    assert.strictEqual(inlineScript('a = "</SCRIPT>" + "<!--";\n//# sourceMappingURL=x.map'), 'a = "\\x3C/SCRIPT>" + "\\x3C!--";\n');
    assert.strictEqual(inlineStyle('a{} /* </style> */'), 'a{} /* <\\/style> */');
  });

  it('script-safe JSON escapes <, >, & and line separators, and parses back', () => {
    const v = { a: '</script>', b: '\u2028&' };
    const j = scriptSafeJson(v);
    assert.ok(!/[<>&\u2028]/.test(j));
    assert.deepStrictEqual(JSON.parse(j), v);
    assert.throws(() => renderStandaloneHtml(hostileTrace(), js, css, { nonce: '"><script>' }));
  });

  it('a random nonce per page', () => {
    const a = renderStandaloneHtml(hostileTrace(), js, css);
    const b = renderStandaloneHtml(hostileTrace(), js, css);
    const nonce = (x: string) => /nonce-([0-9a-f]+)/.exec(x)![1];
    assert.notStrictEqual(nonce(a), nonce(b));
    assert.ok(nonce(a).length >= 32);
  });

  it('the exported SVG is one well-formed document with escaped text', () => {
    const l = layoutTrace(hostileTrace());
    const svg = exportSvg(l.graph, l, NO_MARKS, undefined, SCRIPT);
    assert.ok(!svg.includes('<script'));
    assert.ok(!svg.includes('<img'));
    assert.ok(svg.includes('&lt;script&gt;'));
    const { document } = parseHTML(`<html><body>${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
    assert.strictEqual(document.querySelectorAll('svg').length, 1);
    assert.strictEqual(document.querySelectorAll('script, img').length, 0);
  });

  it('validates host messages before acting on them', () => {
    assert.deepStrictEqual(parseHostMessage({ type: 'trace', trace: { version: 99 } }), { type: 'invalid', reason: 'unsupported trace version 99' });
    const ok = parseHostMessage({ type: 'trace', trace: hostileTrace(), position: { pass: 0, step: 1 }, title: 3 });
    assert.strictEqual(ok?.type, 'trace');
    assert.deepStrictEqual(parseHostMessage({ type: 'position', position: { pass: -1, step: 0 } }), { type: 'invalid', reason: 'bad position' });
    assert.deepStrictEqual(parseHostMessage({ type: 'highlightLine', line: 'x' }), { type: 'highlightLine', line: null });
    assert.strictEqual(parseHostMessage({ type: 'nope' }), null);
  });
});
