// The editor side of Autograd Lens in a real VS Code: tracing through the command, cell
// outputs, code lenses in a .py file and a notebook cell, hovers, error diagnostics, and bad
// input that must leave the extension working. Runs in the extension host (see ./index.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AutogradLensState } from '../../src/extension/extension';
import { api, workspaceFile } from './util';




async function open(name: string, line = 0): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return editor;
}

async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content });
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(doc.lineCount - 1, 0, doc.lineCount - 1, 0);
  return editor;
}

const trace = () => vscode.commands.executeCommand<AutogradLensState | undefined>('autogradLens.trace');

async function lenses(uri: vscode.Uri): Promise<{ line: number; title: string; command: string; args: unknown[] }[]> {
  const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return found
    .filter((l) => l.command)
    .map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command, args: l.command!.arguments ?? [] }));
}

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Autograd Lens');

describe('editor', () => {
  before(async function () {
    this.timeout(30_000);
    await api();
    // settings the tests rely on, whatever the defaults become
    const cfg = vscode.workspace.getConfiguration('autogradLens');
    await cfg.update('valueLens', true, vscode.ConfigurationTarget.Global);
    await cfg.update('openGraphOnTrace', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const cfg = vscode.workspace.getConfiguration('autogradLens');
    await cfg.update('openGraphOnTrace', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('valueLens', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('timeLimitSeconds', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('maxSteps', undefined, vscode.ConfigurationTarget.Global);
  });

  it('traces the current # %% cell and every cell above it, and shows each cell\'s output beside it', async () => {
    const lens = await api();
    // the cursor in the 4th cell (`z = y * y * 2`): cells 1-4 run, the rest do not
    const editor = await open('autograd_tutorial.py', 19);
    const state = await trace();
    assert.ok(state?.trace, 'the command resolves to the new state');
    assert.strictEqual(state.trace.passes, 0, 'no backward() in the first four cells');
    // x's AccumulateGrad is in the graph (next_functions) before any backward()
    assert.deepStrictEqual(state.trace.nodes.map((n) => n.name).sort(), ['AccumulateGrad', 'AddBackward0', 'MulBackward0', 'MulBackward0']);
    const outputs = lens.cellOutputs(editor.document.uri);
    assert.deepStrictEqual(
      // object addresses differ from run to run, as in PyTorch (the oracle writes them 0xADDR)
      outputs.map((o) => [o.line + 1, o.text.replace(/ at 0x[0-9a-f]+>/g, ' at 0xADDR>')]),
      [
        [7, '⇒ <torch._C.Generator object at 0xADDR>'],
        [12, '⇒ tensor([ 1.5410, -0.2934, -2.1788], requires_grad=True)'],
        [16, '⇒ tensor([ 3.5410,  1.7066, -0.1788], grad_fn=<AddBackward0>)'],
        [21, '⇒ tensor([25.0773,  5.8248,  0.0639], grad_fn=<MulBackward0>)'],
      ],
    );
  });

  it('traces only the selection when there is one', async () => {
    const editor = await open('autograd_tutorial.py');
    // the accumulation loop, on its own
    const first = editor.document.getText().split('\n').indexOf('weights = tc.ones(4, requires_grad=True)');
    editor.selection = new vscode.Selection(first, 0, first + 5, 0);
    const state = await vscode.commands.executeCommand<AutogradLensState>('autogradLens.trace');
    // `tc` is not defined in the selection alone
    assert.match(state.trace?.error ?? '', /^NameError: name 'tc' is not defined/);
    const diags = ours(editor.document.uri);
    assert.strictEqual(diags.length, 1);
    assert.strictEqual(diags[0].range.start.line, first, 'the error is on the selection\'s first line, in file coordinates');
    assert.match(diags[0].message, /trace with no selection/i);
  });

  it('puts "Trace" above each cell and, once traced, "Step through backward (N nodes)" above each .backward( call', async () => {
    const editor = await open('autograd_tutorial.py');
    const uri = editor.document.uri;
    const before = await lenses(uri);
    const traceLines = before.filter((l) => l.title === 'Trace').map((l) => l.line + 1);
    // one per `# %%` code cell marker of the file
    const markers = editor.document.getText().split('\n').flatMap((t, i) => (t.startsWith('# %%') ? [i + 1] : []));
    assert.deepStrictEqual(traceLines, markers);
    assert.ok(before.filter((l) => l.title === 'Trace').every((l) => l.command === 'autogradLens.trace' && l.args[0] instanceof vscode.Uri));
    assert.ok(!before.some((l) => l.title.startsWith('Step through')), 'no backward lens before backward() is traced');

    editor.selection = new vscode.Selection(editor.document.lineCount - 1, 0, editor.document.lineCount - 1, 0);
    const state = await trace();
    assert.strictEqual(state?.trace?.passes, 8);
    const after = await lenses(uri);
    const steps = after.filter((l) => l.title.startsWith('Step through'));
    const backwardLines = editor.document.getText().split('\n').flatMap((t, i) => (t.includes('.backward(') ? [i + 1] : []));
    assert.deepStrictEqual(steps.map((l) => l.line + 1).sort((a, b) => a - b), backwardLines);
    assert.deepStrictEqual(
      steps.map((l) => [l.line + 1, l.title]),
      [
        [29, 'Step through backward (5 nodes)'],
        [42, 'Step through backward (4 nodes)'],
        [67, 'Step through backward (3 nodes)'],
        [75, 'Step through backward (3 nodes)'],
      ],
    );
    assert.ok(steps.every((l) => l.command === 'autogradLens.selectBackwardPass'));
    // the loops ran backward three times on one line: a lens to choose among them
    assert.ok(after.some((l) => l.line + 1 === 67 && l.title === '3 passes here…'));
    // value lenses over lines that make tensors
    assert.ok(after.some((l) => l.line + 1 === 15 && l.title === 'y = tensor([ 3.5410,  1.7066, -0.1788], grad_fn=<AddBackward0>)'), JSON.stringify(after.map((l) => l.title)));
  });

  it('gives a notebook cell the same code lenses', async () => {
    const nb = await vscode.workspace.openNotebookDocument(workspaceFile('sample.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)!;
    assert.strictEqual(cell.document.uri.scheme, 'vscode-notebook-cell');
    const before = await lenses(cell.document.uri);
    assert.deepStrictEqual(before.map((l) => [l.line, l.title]), [[0, 'Trace']]);
    // what the "Trace" lens runs
    const state = await vscode.commands.executeCommand<AutogradLensState>('autogradLens.trace', ...(before[0].args as [vscode.Uri, number]));
    assert.strictEqual(state.trace?.passes, 1);
    assert.strictEqual(state.trace?.error, undefined);
    const after = await lenses(cell.document.uri);
    const backwardLine = cell.document.getText().split('\n').findIndex((t) => t.includes('.backward('));
    assert.ok(after.some((l) => l.line === backwardLine && l.title === 'Step through backward (3 nodes)'), JSON.stringify(after));
    // the cell's output beside it
    const outputs = (await api()).cellOutputs(cell.document.uri);
    assert.deepStrictEqual(outputs.map((o) => o.text), ['⇒ tensor([4., 6.])']);
    // the command with the notebook active: its cells up to the selected one
    const editor = await vscode.window.showNotebookDocument(nb);
    editor.selection = new vscode.NotebookRange(cell.index, cell.index + 1);
    const again = await vscode.commands.executeCommand<AutogradLensState>('autogradLens.trace');
    assert.strictEqual(again?.trace?.passes, 1);
    assert.match(again?.title ?? '', /^sample\.ipynb/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('hover on a variable gives its repr, shape, dtype, requires_grad, is_leaf, grad_fn and .grad', async () => {
    const editor = await open('autograd_tutorial.py', 84);
    await trace();
    const uri = editor.document.uri;
    const lineOf = (prefix: string) => editor.document.getText().split('\n').findIndex((t) => t.startsWith(prefix));

    const y = await hoverText(uri, new vscode.Position(lineOf('y = x + 2'), 0));
    assert.match(y, /tensor\(\[ 3\.5410, {2}1\.7066, -0\.1788\], grad_fn=<AddBackward0>\)/);
    for (const want of [/`shape`: `torch\.Size\(\[3\]\)`/, /`dtype`: `torch\.float32`/, /`requires_grad`: `True`/, /`is_leaf`: `False`/, /`grad_fn`: `<AddBackward0>`/, /`\.grad`: `None`/]) {
      assert.match(y, want);
    }

    // the first x, a leaf, after z.backward(): its .grad
    const x = await hoverText(uri, new vscode.Position(lineOf('x = tc.randn(3, requires_grad=True)'), 0));
    assert.match(x, /tensor\(\[ 1\.5410, -0\.2934, -2\.1788\], requires_grad=True\)/);
    assert.match(x, /`is_leaf`: `True`/);
    assert.match(x, /`grad_fn`: `None`/);
    assert.match(x, /tensor\(\[ 4\.7213, {2}2\.2754, -0\.2384\]\)/, 'its .grad');

    // `z` right of `z = z.mean()` is the previous z (the MulBackward0 one)
    const zLine = lineOf('z = z.mean()');
    const rhs = await hoverText(uri, new vscode.Position(zLine, 'z = '.length));
    assert.match(rhs, /grad_fn=<MulBackward0>/);
    const lhs = await hoverText(uri, new vscode.Position(zLine, 0));
    assert.match(lhs, /tensor\(10\.3220, grad_fn=<MeanBackward0>\)/);

    // no hover on a non-tensor
    assert.strictEqual(await hoverText(uri, new vscode.Position(lineOf('for epoch in range(3):'), 0)), '');
  });

  it('hover on a parameter and its .grad (model.weight, model.weight.grad)', async () => {
    const editor = await openUntitled(
      'import torch\nimport torch.nn as nn\ntorch.manual_seed(0)\nmodel = nn.Linear(2, 1)\nloss = model(torch.ones(1, 2)).sum()\nloss.backward()\nmodel.weight.grad\n',
    );
    await trace();
    const uri = editor.document.uri;
    const line = 6; // model.weight.grad
    const weight = await hoverText(uri, new vscode.Position(line, 'model.w'.length));
    assert.match(weight, /\*\*`model\.weight`\*\*/);
    assert.match(weight, /Parameter containing:|requires_grad=True/);
    assert.match(weight, /`is_leaf`: `True`/);
    assert.match(weight, /`shape`: `torch\.Size\(\[1, 2\]\)`/);
    const grad = await hoverText(uri, new vscode.Position(line, 'model.weight.g'.length));
    assert.match(grad, /\*\*`model\.weight\.grad`\*\*/);
    assert.match(grad, /tensor\(\[\[1\., 1\.\]\]\)/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('reports a snippet\'s error as a diagnostic at its exact range, with PyTorch\'s message and a hint', async () => {
    const editor = await open('errors.py', 5);
    const state = await trace();
    assert.strictEqual(state?.trace?.error, 'RuntimeError: grad can be implicitly created only for scalar outputs');
    const diags = ours(editor.document.uri);
    assert.strictEqual(diags.length, 1);
    const d = diags[0];
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [4, 0, 4, 12]);
    assert.strictEqual(editor.document.getText(d.range), 'y.backward()');
    const [message, hint] = d.message.split('\n');
    assert.strictEqual(message, 'RuntimeError: grad can be implicitly created only for scalar outputs');
    assert.match(hint, /torch\.ones_like|\.sum\(\)\.backward\(\)/);
    // the cell's output shows the error too, beside the line that raised it
    const outputs = (await api()).cellOutputs(editor.document.uri);
    assert.deepStrictEqual(
      outputs.map((o) => [o.line, o.text]),
      [[4, '⇒ RuntimeError: grad can be implicitly created only for scalar outputs']],
    );
  });

  it('follows PyTorch 2.x\'s zero_grad() when autogradLens.zeroGradSetsToNone is on', async () => {
    const editor = await openUntitled(
      'import torch\nw = torch.ones(2, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n(w * 3).sum().backward()\nopt.zero_grad()\nprint(w.grad)\n',
    );
    const cfg = () => vscode.workspace.getConfiguration('autogradLens');
    await trace();
    assert.deepStrictEqual((await api()).cellOutputs(editor.document.uri).map((o) => o.text), ['⇒ tensor([0., 0.])'], 'PyTorch 1.13 by default');
    await cfg().update('zeroGradSetsToNone', true, vscode.ConfigurationTarget.Global);
    try {
      await trace();
      assert.deepStrictEqual((await api()).cellOutputs(editor.document.uri).map((o) => o.text), ['⇒ None']);
    } finally {
      await cfg().update('zeroGradSetsToNone', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  describe('bad input gives a clear message and leaves the extension working', () => {
    // what, source, the error, where it starts [line, character] (0-based)
    const cases: [string, string, RegExp, [number, number]][] = [
      ['a syntax error', 'import torch\nx = torch.ones(3, requires_grad=True\ny = 2\n', /^SyntaxError: '\(' was never closed/, [1, 14]],
      ['an unsupported construct', 'import torch\nasync def f():\n    pass\n', /^NotImplementedError: async function is not supported/, [1, 0]],
      ['a 1e10-element tensor', 'import torch\nx = torch.ones(10**10)\n', /^MemoryError: a tensor of 1\.00e\+10 elements/, [1, 0]],
      ['an infinite loop', 'import torch\nwhile True:\n    pass\n', /^TimeoutError: /, [1, 0]],
      ['a module the engine does not have', 'import torch\nimport os\n', /^(ModuleNotFoundError|NotImplementedError): .*'os'/, [1, 0]],
    ];
    for (const [what, source, error, [line, character]] of cases) {
      it(what, async function () {
        this.timeout(30_000);
        const editor = await openUntitled(source);
        const started = Date.now();
        const state = await trace();
        assert.ok(Date.now() - started < 20_000, 'ends within the budget');
        assert.match(state?.trace?.error ?? '', error);
        const diags = ours(editor.document.uri);
        assert.strictEqual(diags.length, 1, 'one diagnostic');
        assert.deepStrictEqual([diags[0].range.start.line, diags[0].range.start.character], [line, character]);
        assert.match(diags[0].message, error);
        assert.ok(diags[0].message.split('\n')[1], 'with a hint');
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      });
    }

    it('a syntax error in a cell after one that failed is reported too', async () => {
      const editor = await openUntitled('import torch\n# %%\nx = torch.ones(3, requires_grad=True)\nx.backward()\n# %%\ny = (2\nprint(y)\n');
      const state = await trace();
      assert.match(state?.trace?.error ?? '', /^RuntimeError: grad can be implicitly created only for scalar outputs/);
      const diags = ours(editor.document.uri).map((d) => [d.range.start.line, d.range.start.character, d.message.split('\n')[0]]);
      assert.deepStrictEqual(diags, [
        [3, 0, 'RuntimeError: grad can be implicitly created only for scalar outputs'],
        [5, 4, "SyntaxError: '(' was never closed"],
      ]);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('a runaway kernel past the time budget is stopped by terminating the worker', async function () {
      this.timeout(60_000);
      await vscode.workspace.getConfiguration('autogradLens').update('timeLimitSeconds', 0.5, vscode.ConfigurationTarget.Global);
      // one statement, no interpreter steps in between: only the host's watchdog can stop it
      const editor = await openUntitled('import torch\na = torch.ones(2000, 2000)\nb = a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a @ a\n');
      const before = (await api()).getState();
      const started = Date.now();
      const state = await trace();
      const took = Date.now() - started;
      await vscode.workspace.getConfiguration('autogradLens').update('timeLimitSeconds', undefined, vscode.ConfigurationTarget.Global);
      if (state !== undefined) {
        // this machine was fast enough to finish: nothing to stop
        console.log(`      (the kernel finished in ${took} ms, under the watchdog)`);
      } else {
        assert.ok(took < 15_000, `stopped after ${took} ms`);
        assert.deepStrictEqual((await api()).getState().trace, before.trace, 'the previous trace is kept');
      }
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      void editor;
      // and the next trace works
      const ok = await openUntitled('import torch\nx = torch.ones(2, requires_grad=True)\n(x * 3).sum().backward()\nx.grad\n');
      const next = await trace();
      assert.strictEqual(next?.trace?.passes, 1);
      assert.deepStrictEqual((await api()).cellOutputs(ok.document.uri).map((o) => o.text), ['⇒ tensor([3., 3.])']);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('a new trace cancels the one in flight', async function () {
      this.timeout(30_000);
      // a loop that runs until the 10 s time budget, not the step budget
      await vscode.workspace.getConfiguration('autogradLens').update('maxSteps', 1e12, vscode.ConfigurationTarget.Global);
      const slow = await openUntitled('import torch\nwhile True:\n    pass\n');
      const first = trace();
      await new Promise((r) => setTimeout(r, 100));
      const fast = await openUntitled('import torch\nx = torch.ones(3, requires_grad=True)\nx.sum().backward()\n');
      const second = await trace();
      await vscode.workspace.getConfiguration('autogradLens').update('maxSteps', undefined, vscode.ConfigurationTarget.Global);
      assert.strictEqual(await first, undefined, 'the first trace was cancelled');
      assert.strictEqual(second?.trace?.passes, 1);
      assert.strictEqual(second?.trace?.error, undefined);
      void slow;
      void fast;
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });
});
