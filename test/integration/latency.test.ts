// Command → drawn graph, measured the way a user meets it: the window's first graph panel, a
// trace with the panel already open, and a new panel after the first was closed. Reported, not
// asserted (timings on a shared 2-core machine are noise for a pass/fail bar); the phase
// breakdown says where the time went. Runs first, so that its first panel is the window's
// first webview.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describePhases } from '../../src/extension/graphPanel';
import { api, open, rendered, run, waitFor } from './util';

describe('latency: trace command → drawn graph', () => {
  it('is measured for the first panel, an open panel and a new panel (logged)', async function () {
    this.timeout(60_000);
    const lens = await api();
    const cfg = vscode.workspace.getConfiguration('autogradLens');
    await cfg.update('openGraphOnTrace', true, vscode.ConfigurationTarget.Global);
    try {
      const lines: string[] = [];
      const measure = async (label: string) => {
        const t0 = performance.now();
        const state = await run('trace');
        assert.ok(state.trace, 'a trace');
        assert.strictEqual(state.trace.error, undefined);
        const r = await rendered(lens, t0);
        const total = performance.now() - t0;
        assert.ok(r.nodes > 0, 'a drawing with nodes');
        lines.push(
          `      ${label}: ${total.toFixed(0)} ms (engine ${state.runMillis?.toFixed(0)} ms, page drawing ${r.millis.toFixed(0)} ms, ${r.nodes} nodes)` +
            (r.phases ? `\n        ${describePhases(r.phases)}` : ''),
        );
      };
      await open('autograd_tutorial.py');
      // as a user would: the file has been open a moment (the window has finished starting up)
      await new Promise((r) => setTimeout(r, 2000));
      await measure("the window's first panel");
      await measure('panel open');
      await measure('panel open, again');
      for (const n of [1, 2]) {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await waitFor(() => !lens.getState().panelVisible, 'the panel to close');
        await open('autograd_tutorial.py');
        await measure(`a new panel (${n})`);
      }
      console.log(lines.join('\n'));
    } finally {
      await cfg.update('openGraphOnTrace', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
