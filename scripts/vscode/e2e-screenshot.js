#!/usr/bin/env node
// End-to-end helper: opens the extension under development in code-server + headless
// Chromium (the same launch as run-tests.js, but without a tests bundle), drives the UI like a
// user, and saves a screenshot of the whole window.
//
//   node scripts/vscode/e2e-screenshot.js [--open sample.py] [--select 3:1-6:15]
//        [--command "Autograd Lens: Trace Selection"] [--webview] [--out test-results/e2e.png]
//
//   --open FILE      a file of test/integration/workspace/ to open (Quick Open)
//   --select L:C-L:C select a range in that editor (1-based line:column, via Go to Line)
//   --command TITLE  run a command by its palette title ("Category: Title")
//   --webview        wait for a webview panel to be ready before the screenshot
//   --out PNG        default test-results/e2e/window.png
//
// As a library (for scripts that check what a webview shows):
//   const { withVSCode, openFile, runCommand, webviewFrame } = require('./e2e-screenshot');
//   await withVSCode(async ({ page }) => {
//     await openFile(page, 'sample.py');
//     await runCommand(page, 'Autograd Lens: Trace Selection');
//     const view = webviewFrame(page);              // a FrameLocator inside the webview
//     await view.locator('#graph').waitFor();
//     await page.screenshot({ path: 'test-results/e2e/graph.png' });
//   });
// Needs `bash scripts/vscode/setup.sh` and `npm run build` first. Look at the pictures.
'use strict';

const fs = require('fs');
const path = require('path');
const { launchVSCode, webviewFrame, checkPrerequisites, ROOT } = require('./run-tests');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Launches VS Code, waits for the workbench, runs fn({ page, session }), always tears down. */
async function withVSCode(fn, { logDir = path.join(ROOT, 'test-results', 'e2e'), timeoutMs = 180_000, vsix } = {}) {
  checkPrerequisites({ needTests: false });
  let session;
  const timer = setTimeout(() => {
    console.error(`[e2e] timed out after ${timeoutMs / 1000} s`);
    Promise.resolve(session && session.close()).finally(() => process.exit(1));
  }, timeoutMs);
  try {
    session = await launchVSCode({ logDir, vsix, onStart: (s) => (session = s), onLog: () => {} });
    const { page } = session;
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
    return await fn({ page, session });
  } finally {
    clearTimeout(timer);
    if (session) await session.close();
  }
}

async function quickInput(page, prefixKey, text, label, timeoutMs = 20_000) {
  // A command contributed by an extension can take a few seconds to be listed: retry.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press(prefixKey);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(prefixKey === 'F1' ? `>${text}` : text);
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 2_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${label}" not offered in the quick input: ${err.message}`);
      await sleep(500);
    }
  }
}

/** Opens a workspace file through Quick Open and waits for its editor tab. */
async function openFile(page, name) {
  await quickInput(page, 'Control+P', name, path.basename(name));
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(name) }).waitFor({ timeout: 20_000 });
}

/** Runs a command by its palette title, e.g. "Autograd Lens: Trace Selection". */
async function runCommand(page, title) {
  await quickInput(page, 'F1', title, title);
}

/** Selects `l1:c1-l2:c2` (1-based) in the active editor with Go to Line and Shift+arrows. */
async function select(page, range) {
  const m = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(range);
  if (!m) throw new Error(`--select wants L:C-L:C, not ${range}`);
  const [l1, c1, l2, c2] = m.slice(1).map(Number);
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${l1}:${c1}`);
  await page.keyboard.press('Enter');
  for (let i = l1; i < l2; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Shift+Home'); // twice: the first stops at the indentation
  for (let i = 1; i < c2; i++) await page.keyboard.press('Shift+ArrowRight');
}

async function main(argv) {
  const opts = { out: path.join(ROOT, 'test-results', 'e2e', 'window.png') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--webview') opts.webview = true;
    else if (['--open', '--select', '--command', '--out'].includes(a) && i + 1 < argv.length) opts[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a} (see the top of ${path.relative(ROOT, __filename)})`);
  }
  await withVSCode(async ({ page }) => {
    if (opts.open) await openFile(page, opts.open);
    if (opts.select) await select(page, opts.select);
    if (opts.command) await runCommand(page, opts.command);
    if (opts.webview) await webviewFrame(page).locator('body').waitFor({ timeout: 30_000 });
    await sleep(1000); // let the last layout and fonts settle
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    await page.screenshot({ path: opts.out });
    console.log(`[e2e] screenshot: ${path.relative(process.cwd(), path.resolve(opts.out))}`);
  });
}

module.exports = { withVSCode, openFile, runCommand, select, webviewFrame };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      console.error(`[e2e] ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    },
  );
}
