#!/usr/bin/env node
// The packaged extension, used as a user would: `npx @vscode/vsce package` makes the .vsix,
// `code-server --install-extension` installs it into a fresh profile (no extension under
// development), and the checks drive the window: trace the tutorial from the command palette,
// see the graph's node names in the panel, step backward once.
//
//   node scripts/vscode/vsix-check.js [--vsix FILE]     (default: package the checkout first)
//
// Needs `bash scripts/vscode/setup.sh` and the npm registry (npx fetches @vscode/vsce).
// Prints one line per check and ends with `N passed, N failed`; exit code 0 only if all passed.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { withVSCode, openFile, runCommand, webviewFrame } = require('./e2e-screenshot');
const { ROOT } = require('./run-tests');

const OUT_DIR = path.join(ROOT, 'test-results', 'vsix');
const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`  ${ok ? '✔' : '✘'} ${name}${detail ? ` — ${detail}` : ''}`);
};

function packageVsix() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const out = path.join(OUT_DIR, 'autograd-lens.vsix');
  fs.rmSync(out, { force: true });
  const r = spawnSync('npm', ['run', '-s', 'package', '--', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${(r.stdout || '') + (r.stderr || '')}`);
  return out;
}

async function main(argv) {
  let vsix;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vsix' && i + 1 < argv.length) vsix = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (see the top of ${path.relative(ROOT, __filename)})`);
  }
  if (!vsix) vsix = packageVsix();
  const size = fs.statSync(vsix).size;
  check('the .vsix is packaged', size > 50_000, `${path.relative(ROOT, vsix)}, ${(size / 1024).toFixed(0)} KB`);

  await withVSCode(
    async ({ page, session }) => {
      check('code-server installs it', /autograd-lens/i.test(session.installed || ''), (session.installed || '').split('\n').pop());
      const title = await page.title();
      check('the window runs it as an installed extension (no development host)', !/Extension Development Host/.test(title), title);
      await openFile(page, 'autograd_tutorial.py');
      // the cursor in the cell of `z.backward()`: the trace covers it and every cell above
      await page.locator('.monaco-editor textarea').first().focus();
      await page.keyboard.press('Control+G');
      await page.keyboard.type('29');
      await page.keyboard.press('Enter');
      const t0 = Date.now();
      await runCommand(page, 'Autograd Lens: Trace Selection');
      const view = webviewFrame(page);
      let drawn = false;
      try {
        await view.getByText('MeanBackward0').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
        drawn = true;
      } catch {}
      check('tracing the tutorial draws its graph with PyTorch node names', drawn, drawn ? `${Date.now() - t0} ms from Enter (palette included)` : 'no MeanBackward0 in the panel');
      let stepped = '';
      if (drawn) {
        await runCommand(page, 'Autograd Lens: Step Backward');
        try {
          await view.getByText('step 1 / 5').filter({ visible: true }).first().waitFor({ timeout: 15_000 });
          stepped = 'step 1 / 5';
        } catch {}
      }
      check('Step Backward advances the panel to the first node', stepped !== '', stepped || 'the counter did not show step 1 / 5');
      fs.mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUT_DIR, 'window.png') });
    },
    { logDir: OUT_DIR, vsix },
  );
}

main(process.argv.slice(2))
  .catch((err) => {
    check('the check ran to the end', false, err && err.message ? err.message.split('\n')[0] : String(err));
  })
  .finally(() => {
    const passed = results.filter(Boolean).length;
    console.log(`${passed} passed, ${results.length - passed} failed`);
    process.exit(results.length && passed === results.length ? 0 : 1);
  });
