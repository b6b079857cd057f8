#!/usr/bin/env node
// End-to-end check of the web build's interpreter (VS Code for the web): dist/web/worker.js in
// headless Chromium, driven by the web extension's own client code (InterpreterClient +
// WebInterpreterHost, bundled here for the browser with esbuild.js's web options), exactly as
// dist/web/extension.js drives it.
//
//   bash scripts/vscode/setup.sh        # once: chromium, playwright-core
//   npm run build                       # builds dist/web/worker.js
//   node scripts/vscode/web-worker-check.js
//
// Two local HTTP servers: the page's origin, and another origin serving the same files (the
// web extension host loads extensions from an origin other than its own). Scenarios, each
// traces examples/autograd_tutorial.py and checks the trace (MulBackward0 & co., a backward
// pass with steps, the tutorial's printed gradient) and that it equals the Node worker's
// (dist/worker.js) trace of the same snippet:
//   page/same-origin     the client in the page, the worker script on the page's origin
//   page/cross-origin    the worker script on the other origin (new Worker(url) is refused)
//   page/read-fallback   a URL no worker can load; the script's text read by other means
//   worker/cross-origin  the client itself in a dedicated Worker, like the web extension host
// and, in the page: cancel, replace (a new trace during a runaway one) and the hard time
// watchdog (terminate()) on a single kernel too long for the interpreter's own budget.
//
// Then the real thing (skip with --no-extension-host): code-server's workbench in Chromium with
// the user setting `remote.extensionKind: {"autograd-lens.autograd-lens": ["web"]}`, which
// makes VS Code run this checkout's `browser` entry (dist/web/extension.js) in its web worker
// extension host, offline. Through the UI it opens examples/autograd_tutorial.py, runs
// "Autograd Lens: Trace Selection" from the command palette, waits for the panel's stepper, and
// reads "Developer: Show Running Extensions" to check the extension runs in the web worker.
//
// Prints one line per check and `N passed, N failed` last; exits 1 on any failure.
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), AUTOGRAD_LENS_VSCODE_DIR (see run-tests.js).
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { Worker } = require('worker_threads');
const { ROOT, TOOLS_DIR, launchVSCode, webviewFrame } = require('./run-tests');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WORKER_SCRIPT = path.join(ROOT, 'dist', 'web', 'worker.js');
const TUTORIAL = fs.readFileSync(path.join(ROOT, 'examples', 'autograd_tutorial.py'), 'utf8');
const SETTINGS = { maxSteps: 5_000_000, maxMillis: 10_000, maxElements: 50_000_000, zeroGradSetsNone: false };
const LIMITS = { ...SETTINGS, memoryMb: 1024 };

const log = (...a) => console.log('[web-worker-check]', ...a);
let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? '✔' : '✘'} ${name}${detail ? ` — ${detail}` : ''}`);
}

/** The harness: the web extension's client and host, for a page or a dedicated worker. */
const HARNESS = `
import { InterpreterClient, RunAborted } from './src/extension/interpreterClient';
import { WebInterpreterHost } from './src/extension/host/webHost';

type Req = { scenario: string; url: string; readFrom?: string; input: any; limits: any; extras?: boolean };

function summary(r: any) {
  return {
    millis: r.millis,
    nodes: r.trace.nodes.map((n: any) => n.name),
    passes: r.trace.passes.map((p: any) => p.steps.length),
    cells: r.cells.length,
    stdout: r.trace.cells.map((c: any) => c.stdout ?? '').join(''),
    errors: r.trace.cells.filter((c: any) => c.error).map((c: any) => c.error),
    traceJson: JSON.stringify(r.trace),
  };
}

async function settle(p: Promise<any>) {
  const t0 = performance.now();
  try {
    const r = await p;
    return { ok: true, ms: performance.now() - t0, value: summary(r) };
  } catch (e: any) {
    return { ok: false, ms: performance.now() - t0, kind: e instanceof RunAborted ? e.kind : 'error', message: String(e && e.message) };
  }
}

async function runScenario(req: Req) {
  const host = new WebInterpreterHost({
    url: req.url,
    read: req.readFrom ? async () => new Uint8Array(await (await fetch(req.readFrom!)).arrayBuffer()) : undefined,
  });
  const client = new InterpreterClient(host);
  const out: any = {};
  const t0 = performance.now();
  out.first = await settle(client.run(req.input, req.limits));
  out.firstMs = performance.now() - t0;
  out.way = host.lastWay;
  out.second = await settle(client.run(req.input, req.limits));
  if (req.extras) {
    const forever = { kind: 'percentFile', text: 'i = 0\\nwhile True:\\n    i += 1\\n', upToLine: 99 };
    const endless = { ...req.limits, maxMillis: 60_000, maxSteps: 1e12 };
    // cancel: a runaway loop, cancelled after 300 ms
    const c = settle(client.run(forever, endless));
    setTimeout(() => client.cancel(), 300);
    out.cancel = await c;
    // replace: a new trace while a runaway one runs
    const a = settle(client.run(forever, endless));
    await new Promise((r) => setTimeout(r, 300));
    const b = settle(client.run(req.input, req.limits));
    out.replaced = await a;
    out.replacement = await b;
    // the hard watchdog: one kernel longer than maxMillis + 5 s, which the interpreter cannot interrupt
    const big = { kind: 'percentFile', text: 'import torch\\nx = torch.ones(4000, 4000)\\ny = x @ x\\n', upToLine: 99 };
    out.watchdog = await settle(client.run(big, { ...req.limits, maxMillis: 200 }));
    out.afterWatchdog = await settle(client.run(req.input, req.limits));
    out.busyAfter = client.busy;
  }
  client.dispose();
  return out;
}

const g: any = globalThis;
if (typeof g.document === 'undefined') {
  // in a dedicated worker: the page posts a scenario, gets its outcome back
  g.onmessage = async (e: MessageEvent) => g.postMessage(await runScenario(e.data).catch((err) => ({ crashed: String(err && err.stack || err) })));
} else {
  g.runScenario = runScenario;
}
`;

async function bundleHarness() {
  const esbuild = require('esbuild');
  const { webBuildOptions } = require(path.join(ROOT, 'esbuild.js'));
  const result = await esbuild.build({
    ...webBuildOptions,
    absWorkingDir: ROOT,
    stdin: { contents: HARNESS, resolveDir: ROOT, sourcefile: 'web-worker-harness.ts', loader: 'ts' },
    format: 'iife',
    write: false,
    sourcemap: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The same snippet through the desktop worker (dist/worker.js), for comparison. */
function nodeTrace(input) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(ROOT, 'dist', 'worker.js'));
    w.on('message', (msg) => {
      if (msg.type === 'ready') return;
      void w.terminate();
      if (msg.type === 'result') resolve(JSON.stringify(msg.trace));
      else reject(new Error(msg.message));
    });
    w.on('error', reject);
    w.postMessage({ type: 'run', id: 1, input, settings: SETTINGS });
  });
}

function serve(files) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  for (const [what, p] of [
    ['dist/web/worker.js (run `npm run build`)', WORKER_SCRIPT],
    ['dist/worker.js (run `npm run build`)', path.join(ROOT, 'dist', 'worker.js')],
    [`chromium (${CHROMIUM})`, CHROMIUM],
    ['playwright-core (run `bash scripts/vscode/setup.sh`)', path.join(TOOLS_DIR, 'node_modules', 'playwright-core')],
  ]) {
    if (!fs.existsSync(p)) {
      console.error(`[web-worker-check] missing ${what}`);
      process.exit(1);
    }
  }
  const { chromium } = require(path.join(TOOLS_DIR, 'node_modules', 'playwright-core'));
  const input = { kind: 'percentFile', text: TUTORIAL, upToLine: TUTORIAL.split('\n').length + 1 };

  const harness = await bundleHarness();
  const workerJs = fs.readFileSync(WORKER_SCRIPT);
  const js = 'text/javascript';
  const files = {
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>web worker check</title><p>web worker check</p>' },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
    '/harness.js': { type: js, body: harness },
    '/dist/web/worker.js': { type: js, body: workerJs },
  };
  const pageServer = await serve(files);
  const otherServer = await serve(files);
  const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
  // another origin: same files, another host name and port
  const otherOrigin = `http://localhost:${otherServer.address().port}`;

  const nodeJson = await nodeTrace(input);
  log(`Node worker trace of the tutorial: ${nodeJson.length} characters of JSON`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const consoleLines = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(`${pageOrigin}/`);
    await page.addScriptTag({ url: '/harness.js' });
    log(`Chromium ${browser.version()}; page ${pageOrigin}, other origin ${otherOrigin}`);

    const scenarios = [
      { name: 'page/same-origin', where: 'page', req: { url: `${pageOrigin}/dist/web/worker.js`, extras: true }, way: 1 },
      { name: 'page/cross-origin', where: 'page', req: { url: `${otherOrigin}/dist/web/worker.js` }, way: 2 },
      {
        name: 'page/read-fallback',
        where: 'page',
        // (the extension reads it with vscode.workspace.fs; here a fetch from the page's origin)
        req: { url: 'vscode-remote://nowhere/dist/web/worker.js', readFrom: `${pageOrigin}/dist/web/worker.js` },
        way: 3,
      },
      { name: 'worker/cross-origin', where: 'worker', req: { url: `${otherOrigin}/dist/web/worker.js` }, way: 2 },
    ];

    for (const s of scenarios) {
      const req = { scenario: s.name, input, limits: LIMITS, ...s.req };
      const out =
        s.where === 'page'
          ? await page.evaluate((r) => globalThis.runScenario(r), req)
          : await page.evaluate(
              (r) =>
                new Promise((resolve) => {
                  const w = new Worker('/harness.js');
                  w.onmessage = (e) => (w.terminate(), resolve(e.data));
                  w.onerror = (e) => resolve({ crashed: e.message });
                  w.postMessage(r);
                }),
              req,
            );
      console.log(`${s.name}:`);
      if (out.crashed) {
        check('harness ran', false, out.crashed);
        continue;
      }
      const f = out.first;
      check('trace came back', f.ok, f.ok ? `${f.ms.toFixed(0)} ms incl. worker start; engine ${f.value.millis.toFixed(0)} ms` : `${f.kind}: ${f.message}`);
      if (!f.ok) continue;
      const v = f.value;
      const names = new Set(v.nodes);
      check(
        'grad_fn nodes named as PyTorch names them',
        ['MulBackward0', 'AddBackward0', 'MeanBackward0', 'AccumulateGrad'].every((n) => names.has(n)),
        `${v.nodes.length} nodes: ${[...names].sort().join(', ')}`,
      );
      check('backward passes with steps', v.passes.length > 0 && v.passes.every((n) => n > 0), `${v.passes.length} passes, steps ${v.passes.join('/')}`);
      check('no cell error', v.errors.length === 0, v.errors.join('; '));
      check("the tutorial's x.grad printed", /tensor\(\[/.test(v.stdout), `${v.cells} cells, ${v.stdout.length} chars of stdout`);
      check('trace identical to the Node worker (dist/worker.js)', v.traceJson === nodeJson);
      check(`worker made the expected way (${s.way})`, out.way === s.way, `way ${out.way}`);
      check('second trace on the warm worker', out.second.ok, out.second.ok ? `${out.second.ms.toFixed(0)} ms` : out.second.message);
      if (s.req.extras) {
        check('cancel stops a runaway loop', !out.cancel.ok && out.cancel.kind === 'cancelled', `${out.cancel.kind} after ${out.cancel.ms.toFixed(0)} ms`);
        check(
          'a new trace replaces a runaway one',
          !out.replaced.ok && out.replaced.kind === 'cancelled' && out.replacement.ok && out.replacement.value.traceJson === nodeJson,
          `old: ${out.replaced.kind}; new: ${out.replacement.ok ? `trace in ${out.replacement.ms.toFixed(0)} ms` : out.replacement.message}`,
        );
        check(
          'hard time watchdog terminates a kernel the interpreter cannot stop',
          !out.watchdog.ok && out.watchdog.kind === 'timeout',
          out.watchdog.ok ? `finished in ${out.watchdog.ms.toFixed(0)} ms` : `${out.watchdog.kind} after ${out.watchdog.ms.toFixed(0)} ms: ${out.watchdog.message}`,
        );
        check('a fresh worker traces after the watchdog', out.afterWatchdog.ok, out.afterWatchdog.ok ? `${out.afterWatchdog.ms.toFixed(0)} ms` : out.afterWatchdog.message);
        check('client idle at the end', out.busyAfter === false);
      }
    }
  } finally {
    await browser.close();
    pageServer.close();
    otherServer.close();
  }
  if (!process.argv.includes('--no-extension-host')) await extensionHostCheck();
  const errors = consoleLines.filter((l) => l.startsWith('[error]') || l.startsWith('[pageerror]'));
  if (errors.length) log(`browser console errors (${errors.length}):\n  ${errors.slice(0, 10).join('\n  ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** The extension in VS Code's web worker extension host (code-server + Chromium). */
async function extensionHostCheck() {
  console.log('web worker extension host (code-server):');
  const shots = path.join(ROOT, 'test-results', 'web');
  fs.mkdirSync(shots, { recursive: true });
  let session;
  try {
    session = await launchVSCode({
      logDir: shots,
      onStart: (s) => {
        const file = path.join(s.tmp, 'user-data', 'User', 'settings.json');
        const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
        settings['remote.extensionKind'] = { 'autograd-lens.autograd-lens': ['web'] };
        fs.writeFileSync(file, JSON.stringify(settings, null, 2));
      },
    });
    const page = session.page;
    const command = async (keys, text) => {
      await page.keyboard.press(keys);
      await page.waitForTimeout(500);
      await page.keyboard.type(text);
      await page.waitForTimeout(800);
      await page.keyboard.press('Enter');
    };
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForTimeout(4000);
    await command('Control+P', 'autograd_tutorial.py');
    await page.waitForTimeout(3000);
    await page.keyboard.press('Control+End'); // no selection: every cell up to the last
    const t0 = Date.now();
    await command('F1', 'Autograd Lens: Trace Selection');
    let shown = true;
    try {
      await webviewFrame(page).locator('text=Ready to run backward').first().waitFor({ timeout: 30_000 });
    } catch {
      shown = false;
    }
    check('Trace Selection opens the panel with the stepper', shown, shown ? `${Date.now() - t0} ms from the command` : 'no stepper within 30 s');
    const lenses = await page.locator('.contentWidgets .codelens-decoration, .view-zones .codelens-decoration').allInnerTexts().catch(() => []);
    check('code lenses in the editor', lenses.some((l) => /Trace/.test(l)), `${lenses.length} lenses`);
    await page.screenshot({ path: path.join(shots, 'web-extension-host.png') });
    await command('F1', 'Developer: Show Running Extensions');
    await page.waitForTimeout(3000);
    const rows = await page.locator('.runtime-extensions-editor .extension').allInnerTexts().catch(() => []);
    const row = rows.find((r) => /autograd-lens/i.test(r)) || '';
    check('runs in the web worker extension host', /web worker/i.test(row), row.replace(/\s+/g, ' ').trim() || 'not running');
  } catch (e) {
    check('web worker extension host run', false, e.message.split('\n')[0]);
  } finally {
    if (session) await session.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
