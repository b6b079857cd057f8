// The graph panel in a real VS Code: tracing the tutorial and drawing it,
// the node names as text in the page, stepping through a backward pass and back, an
// AccumulateGrad step, choosing a pass, export, and a hostile snippet. The last test leaves
// the tutorial mid-step beside the panel for run-tests.js's screenshot.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AutogradLensApi } from '../../src/extension/extension';
import { api, open, rendered, run, screenshotNow, waitFor, workspaceFile } from './util';
import type { Trace } from '../../src/trace/trace';
import { localResourceRoots, panelHtml, readPageAssets } from '../../src/extension/webviewHtml';

async function exportTo<T = string>(format: 'svg' | 'dot' | 'json', name: string): Promise<T> {
  const uri = workspaceFile(name);
  const written = await run<vscode.Uri | undefined>('exportGraph', { format, uri });
  assert.ok(written, `exported ${format}`);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return (format === 'json' ? JSON.parse(text) : text) as T;
}

/** The text content of an SVG document's <text> elements (entities decoded). */
function svgTexts(svg: string): string[] {
  const decode = (s: string) =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => decode(m[1].replace(/<[^>]+>/g, '')));
}

/** Well-formed XML, as far as tags go: every element closed in order. */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg[\s>]/);
  assert.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const stack: string[] = [];
  for (const m of svg.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (close) assert.strictEqual(stack.pop(), name, `</${name}> closes the open element`);
    else if (!selfClose) stack.push(name);
  }
  assert.deepStrictEqual(stack, [], 'every element is closed');
}

describe('graph panel', () => {
  let lens: AutogradLensApi;

  before(async function () {
    this.timeout(30_000);
    lens = await api();
    await vscode.workspace.getConfiguration('autogradLens').update('openGraphOnTrace', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('autogradLens').update('openGraphOnTrace', undefined, vscode.ConfigurationTarget.Global);
  });

  it('traces the tutorial through the command and draws its graph in the panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => !lens.getState().panelVisible, 'the panel to close');
    await open('autograd_tutorial.py');
    const t0 = performance.now();
    const state = await run('trace');
    assert.ok(state.trace, 'a trace');
    const r = await rendered(lens, t0);
    assert.strictEqual(lens.getState().panelVisible, true);
    assert.strictEqual(r.nodes > 0, true);
    const s = lens.getState();
    assert.strictEqual(s.trace?.passes, 8);
    assert.strictEqual(s.trace?.error, undefined);
    assert.strictEqual(s.trace?.nodes.length, 23);
    assert.ok(s.trace?.nodes.some((n) => n.name === 'AccumulateGrad'));
    assert.deepStrictEqual([s.pass, s.step, s.steps, s.currentNode], [0, 0, 5, undefined]);
  });

  it('shows the node names as text in the page', async () => {
    const svg = await exportTo('svg', 'page.svg');
    const texts = svgTexts(svg).join('\n');
    for (const name of ['MeanBackward0', 'MulBackward0', 'AddBackward0', 'AccumulateGrad', 'SumBackward0']) {
      assert.ok(texts.includes(name), `"${name}" is drawn as text (texts: ${texts.slice(0, 300)})`);
    }
  });

  it('steps through every node of the first backward pass, and back again', async () => {
    const json = await exportTo<Trace>('json', 'trace.json');
    const names = json.passes[0].steps.map((s) => json.nodes.find((n) => n.id === s.node)!.name);
    assert.deepStrictEqual(names, ['MeanBackward0', 'MulBackward0', 'MulBackward0', 'AddBackward0', 'AccumulateGrad']);
    let s = await run('restartBackward');
    assert.deepStrictEqual([s.pass, s.step, s.steps, s.currentNode], [0, 0, 5, undefined]);
    for (let i = 1; i <= names.length; i++) {
      s = await run('stepBackward');
      assert.deepStrictEqual([s.pass, s.step, s.steps, s.currentNode], [0, i, 5, names[i - 1]], `after step ${i}`);
      assert.strictEqual(s.panelVisible, true);
    }
    s = await run('stepBackward');
    assert.deepStrictEqual([s.step, s.currentNode], [5, 'AccumulateGrad'], 'stays at the end');
    for (let i = names.length - 1; i >= 0; i--) {
      s = await run('stepBack');
      assert.deepStrictEqual([s.pass, s.step, s.currentNode], [0, i, i > 0 ? names[i - 1] : undefined], `back to step ${i}`);
    }
    s = await run('stepBack');
    assert.strictEqual(s.step, 0, 'stays at the start');
    s = await run('runBackward');
    assert.deepStrictEqual([s.step, s.currentNode], [5, 'AccumulateGrad']);
    s = await run('restartBackward');
    assert.strictEqual(s.step, 0);
    // the page follows: the DOT export marks what the stepper has executed
    await run('stepBackward');
    await run('stepBackward');
    const dot = await exportTo('dot', 'mid.dot');
    assert.strictEqual((dot.match(/fillcolor="#fff2b3"/g) ?? []).length, 2);
  });

  it('shows an AccumulateGrad step\'s .grad before + incoming = after', async () => {
    // first backward into x: .grad was None
    let s = await run('selectBackwardPass', 0);
    s = await run('runBackward');
    assert.strictEqual(s.currentNode, 'AccumulateGrad');
    assert.deepStrictEqual(s.accumulation && [s.accumulation.before, s.accumulation.incoming, s.accumulation.after], [
      null,
      'tensor([ 4.7213,  2.2754, -0.2384])',
      'tensor([ 4.7213,  2.2754, -0.2384])',
    ]);
    // the accumulation loop's second backward(): 3 + 3 = 6
    s = await run('selectBackwardPass', 3);
    assert.deepStrictEqual([s.pass, s.step, s.steps], [3, 0, 3]);
    s = await run('runBackward');
    assert.strictEqual(s.currentNode, 'AccumulateGrad');
    assert.deepStrictEqual(s.accumulation && [s.accumulation.before, s.accumulation.incoming, s.accumulation.after], [
      'tensor([3., 3., 3., 3.])',
      'tensor([3., 3., 3., 3.])',
      'tensor([6., 6., 6., 6.])',
    ]);
    s = await run('stepBack');
    assert.strictEqual(s.accumulation, undefined);
  });

  it('exports valid SVG, Graphviz DOT and the JSON trace', async () => {
    const svg = await exportTo('svg', 'graph.svg');
    assertWellFormedSvg(svg);
    assert.ok(!/<script/i.test(svg), 'no script in the SVG');

    const dot = await exportTo('dot', 'graph.dot');
    assert.match(dot, /^digraph "autograd" \{\n/);
    assert.match(dot, /\}\n$/);
    const opens = (dot.match(/\{/g) ?? []).length;
    assert.strictEqual(opens, (dot.match(/\}/g) ?? []).length);
    const state = lens.getState();
    for (const n of state.trace!.nodes) assert.ok(dot.includes(`"${n.id}" [label="${n.name}"`), `${n.id} ${n.name}`);
    assert.match(dot, /"n\d+" -> "n\d+"/);

    const json = await exportTo<Trace>('json', 'graph.json');
    assert.strictEqual(json.version, 1);
    assert.strictEqual(json.passes.length, 8);
  });

  it('serves the page under a strict CSP: one nonce\'d script and style, everything inline, no resources', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'autograd-lens');
    assert.ok(ext, 'the extension under test');
    const assets = await readPageAssets(ext.extensionUri);
    const html = panelHtml(assets, 'N0nce');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    assert.strictEqual(directives.get('default-src'), "'none'");
    assert.strictEqual(directives.get('script-src'), "'nonce-N0nce'");
    assert.strictEqual(directives.get('style-src'), "'nonce-N0nce'");
    assert.strictEqual(directives.get('worker-src'), 'blob:');
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|\*|https?:/);
    // one executed script (ours, by nonce) and the layout worker's source as inert text/plain
    assert.deepStrictEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), ['<script type="text/plain" id="al-layout-worker">', '<script nonce="N0nce">']);
    // each inline text ends where it should: as many closing tags as opening ones
    assert.strictEqual(html.match(/<\/script/gi)?.length, 2);
    assert.strictEqual(html.match(/<\/style/gi)?.length, 1);
    assert.ok(html.includes(assets.css.slice(0, 200)), 'the stylesheet is inline');
    assert.deepStrictEqual(localResourceRoots(), [], 'the page may load no file');
  });

  it('runs no script from a hostile snippet: names and strings stay text', async () => {
    await open('hostile.py');
    const t0 = performance.now();
    const seen = lens.recentMessages().length;
    const state = await run('trace');
    assert.strictEqual(state.trace?.error, undefined);
    await rendered(lens, t0);
    const svg = await exportTo('svg', 'hostile.svg');
    assertWellFormedSvg(svg);
    assert.ok(!/<script/i.test(svg), 'no <script> element');
    assert.ok(!/<img/i.test(svg), 'no <img> element');
    assert.ok(!/\sonerror\s*=/i.test(svg.replace(/&quot;|&#34;/g, '"').replace(/>[^<]*</g, '><')), 'no onerror attribute');
    const texts = svgTexts(svg).join('\n');
    assert.ok(texts.includes('<script>') || texts.includes('<img'), `the names are shown as text (texts: ${texts.slice(0, 400)})`);
    // step through it; the page keeps answering
    await run('runBackward');
    await new Promise((r) => setTimeout(r, 500));
    const forged = lens.recentMessages().slice(seen).filter((m) => m.type === 'revealLine' && (m.line === 4242 || m.line === 4243));
    assert.deepStrictEqual(forged, [], 'no message from an injected script');
  });

  it('ends mid-step on the tutorial, beside its graph (the screenshot)', async () => {
    const editor = await open('autograd_tutorial.py', 28);
    const t0 = performance.now();
    await run('trace');
    await rendered(lens, t0);
    await run('selectBackwardPass', 0);
    await run('stepBackward');
    await run('stepBackward');
    const s = await run('stepBackward');
    assert.deepStrictEqual([s.step, s.currentNode], [3, 'MulBackward0']);
    assert.ok(lens.cellOutputs(editor.document.uri).length >= 4, 'cell outputs beside the cells');
    editor.revealRange(new vscode.Range(9, 0, 30, 0), vscode.TextEditorRevealType.AtTop);
    await vscode.commands.executeCommand('notifications.clearAll');
    await new Promise((r) => setTimeout(r, 1000)); // the reveal's scroll and the page's last frame
    await screenshotNow();
  });
});
