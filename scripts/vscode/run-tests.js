#!/usr/bin/env node
// Runs the integration tests (out/test/index.js, built from test/integration/index.ts) inside a
// real VS Code: code-server (VS Code's server + workbench, from npm) with headless Chromium
// as the window, driven by playwright-core. No display and no internet needed.
//
//   bash scripts/vscode/setup.sh      # once per machine: chromium, code-server, playwright-core
//   npm run build                     # builds dist/extension.js and out/test/index.js
//   node scripts/vscode/run-tests.js  # exits with the test run's exit code
//
// What it does: starts code-server on 127.0.0.1:<free port> in its own process group, with
// throwaway user-data/extensions/XDG folders and a throwaway copy of
// test/integration/workspace/ as the folder; opens the workbench in Chromium with a
// `payload` URL that loads this checkout as the extension under development and
// out/test/index.js as its tests; forwards the test log to stdout; waits for the exit code
// (window.codeAutomationExit); saves test-results/integration/ (window.png, workbench.log,
// code-server.log, browser-console.log, vscode-logs/); kills everything it started; prints
// `N passed, N failed` as its last line and exits with the test run's code.
//
// Environment:
//   AUTOGRAD_LENS_VSCODE_DIR     where setup.sh installed code-server (default
//                                ${XDG_CACHE_HOME:-~/.cache}/autograd-lens-vscode)
//   CHROMIUM_PATH                default /usr/bin/chromium
//   AUTOGRAD_LENS_IT_TIMEOUT_MS  overall time limit, default 300000 (5 minutes)
//   AUTOGRAD_LENS_IT_VERBOSE=1   also print the workbench's log, code-server's output and the
//                                browser console (all three are saved in test-results anyway)
//   AUTOGRAD_LENS_IT_KEEP=1      keep the throwaway folders (their path is printed)
//   MOCHA_GREP=<regexp>          passed on to the mocha runner in the extension host
//
// Also a library for end-to-end scripts (see e2e-screenshot.js): launchVSCode(), webviewFrame().
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');

const ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR =
  process.env.AUTOGRAD_LENS_VSCODE_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'autograd-lens-vscode');
const CODE_SERVER_ENTRY = path.join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WORKSPACE_SOURCE = path.join(ROOT, 'test', 'integration', 'workspace');
const TESTS_BUNDLE = path.join(ROOT, 'out', 'test', 'index.js');
const RESULTS_DIR = path.join(ROOT, 'test-results', 'integration');
const TIMEOUT_MS = Number(process.env.AUTOGRAD_LENS_IT_TIMEOUT_MS || 5 * 60_000);
const VERBOSE = Boolean(process.env.AUTOGRAD_LENS_IT_VERBOSE);
const KEEP = Boolean(process.env.AUTOGRAD_LENS_IT_KEEP);
// Printed by test/integration/index.ts when the mocha run starts and when it has finished.
const START_MARKER = 'AUTOGRAD_LENS_START';
const RESULTS_MARKER = 'AUTOGRAD_LENS_RESULTS';
// Logged by the test that sets the scene for the screenshot; it waits (extension still active,
// its decorations still drawn) until the picture is taken and $AUTOGRAD_LENS_SCREENSHOT_ACK exists.
const SCREENSHOT_MARKER = 'AUTOGRAD_LENS_SCREENSHOT';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// Routine workbench log lines that would interleave with the test output.
const WORKBENCH_CHATTER =
  /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Creating a socket|Resolv(ing|ed) connection token|\[Service Worker\]|ChatSessionStore)/;

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
};

const log = (...args) => console.log('[run-tests]', ...args);

function fail(message) {
  console.error(`[run-tests] ${message}`);
  process.exit(1);
}

function checkPrerequisites({ needTests }) {
  const missing = [];
  if (!fs.existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server (${CODE_SERVER_ENTRY})`);
  if (!fs.existsSync(path.join(TOOLS_DIR, 'node_modules', 'playwright-core'))) missing.push('playwright-core');
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (missing.length) fail(`missing ${missing.join(', ')}: run \`bash scripts/vscode/setup.sh\` first`);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const main = path.join(ROOT, pkg.main || 'dist/extension.js');
  if (!fs.existsSync(main)) fail(`${path.relative(ROOT, main)} is missing: run \`npm run build\` first`);
  if (needTests && !fs.existsSync(TESTS_BUNDLE)) {
    fail(`${path.relative(ROOT, TESTS_BUNDLE)} is missing: run \`npm run build\` first`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the whole process group (code-server, its extension host, ...), then SIGKILL. */
async function killGroup(pgid) {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {}
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
    for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  }
  if (groupAlive(pgid)) log(`warning: process group ${pgid} still alive after SIGKILL`);
}

/**
 * Starts code-server and a headless Chromium showing its workbench.
 *
 * @param {object} opts
 * @param {string} [opts.extensionTestsPath]  absolute path of a tests bundle to run, if any
 * @param {(type: string, message: string) => void} [opts.onLog]  test/extension-host log lines
 * @param {string} [opts.logDir]  where code-server.log and browser-console.log go
 * @param {(session: object) => void} [opts.onStart]  receives the session before anything starts
 * @param {string} [opts.vsix]  install this packaged extension (as a user would) instead of
 *   loading the checkout as the extension under development
 * @returns the session: { page, context, url, port, workspace, exitCode: Promise<{code, logs}>, close() }.
 * `exitCode` resolves when the workbench reports the test run's exit code (codeAutomationExit).
 * Call close() in a finally block; it is idempotent.
 */
async function launchVSCode(opts = {}) {
  const { chromium } = require(path.join(TOOLS_DIR, 'node_modules', 'playwright-core'));
  const logDir = opts.logDir || fs.mkdtempSync(path.join(os.tmpdir(), 'autograd-lens-logs-'));
  fs.mkdirSync(logDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'autograd-lens-vscode-'));
  const dirs = {};
  for (const d of ['user-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache', 'chromium', 'workspace']) {
    dirs[d] = path.join(tmp, d);
    fs.mkdirSync(dirs[d], { recursive: true });
  }
  fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify(USER_SETTINGS, null, 2),
  );
  // A copy, so tests may edit and save files without touching the checkout.
  fs.cpSync(WORKSPACE_SOURCE, dirs.workspace, { recursive: true });
  // the tests trace the project's own example, not a copy of it
  fs.copyFileSync(path.join(ROOT, 'examples', 'autograd_tutorial.py'), path.join(dirs.workspace, 'autograd_tutorial.py'));

  const session = {
    tmp,
    workspace: dirs.workspace,
    server: undefined,
    context: undefined,
    page: undefined,
    closed: false,
    async close() {
      if (session.closed) return;
      session.closed = true;
      if (session.context) {
        await withTimeout(session.context.close(), 15_000, 'closing Chromium').catch((e) => log(e.message));
      }
      if (session.server) await killGroup(session.server.pid);
      if (KEEP) log(`kept ${tmp}`);
      else fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  if (opts.onStart) opts.onStart(session);

  try {
    const port = await freePort();
    session.port = port;
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
    // No extension marketplace: nothing to fetch, and no network errors in the log.
    if (env.EXTENSIONS_GALLERY === undefined) env.EXTENSIONS_GALLERY = '{}';
    Object.assign(env, {
      // a test that wants the window photographed logs SCREENSHOT_MARKER and waits for this file
      AUTOGRAD_LENS_SCREENSHOT_ACK: path.join(tmp, 'screenshot-taken'),
      XDG_CONFIG_HOME: dirs['xdg-config'],
      XDG_DATA_HOME: dirs['xdg-data'],
      XDG_CACHE_HOME: dirs['xdg-cache'],
    });
    const serverLog = fs.createWriteStream(path.join(logDir, 'code-server.log'));
    if (opts.vsix) {
      // `code-server --install-extension`, as a user installs a .vsix
      const r = spawnSync(
        process.execPath,
        [CODE_SERVER_ENTRY, '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions, '--install-extension', opts.vsix],
        { env, encoding: 'utf8', timeout: 120_000 },
      );
      serverLog.write(`${r.stdout || ''}${r.stderr || ''}`);
      if (r.status !== 0) throw new Error(`installing ${opts.vsix} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-500)}`);
      session.installed = (r.stdout || '').trim();
    }
    // detached: its own session and process group (setsid), so killGroup() reaches the
    // extension host and every other child.
    const server = spawn(
      process.execPath,
      [
        CODE_SERVER_ENTRY,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--user-data-dir', dirs['user-data'],
        '--extensions-dir', dirs.extensions,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--disable-proxy',
        dirs.workspace,
      ],
      { cwd: dirs.workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    session.server = server;
    let serverExit;
    const serverExited = new Promise((resolve) => {
      server.on('exit', (code, signal) => {
        serverExit = { code, signal };
        resolve(serverExit);
      });
    });
    for (const stream of [server.stdout, server.stderr]) {
      stream.on('data', (chunk) => {
        serverLog.write(chunk);
        if (VERBOSE) process.stdout.write(`[code-server] ${chunk}`);
      });
    }

    const deadline = Date.now() + 90_000;
    while (!(await healthy(port))) {
      if (serverExit) throw new Error(`code-server exited early (${JSON.stringify(serverExit)}); see ${logDir}/code-server.log`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 90 s; see ${logDir}/code-server.log`);
      await sleep(200);
    }

    session.context = await chromium.launchPersistentContext(dirs.chromium, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 1000 },
      // Our own signal handlers tear down code-server too; Playwright's would exit first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const page = session.context.pages()[0] || (await session.context.newPage());
    session.page = page;

    const consoleLog = fs.createWriteStream(path.join(logDir, 'browser-console.log'));
    page.on('console', (msg) => {
      const line = `[${msg.type()}] ${msg.text()}\n`;
      consoleLog.write(line);
      if (VERBOSE) process.stdout.write(`[browser] ${line}`);
    });
    page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.stack || err}\n`));

    let reportExit;
    const exited = new Promise((resolve) => (reportExit = resolve));
    session.exitCode = Promise.race([
      exited,
      serverExited.then((e) => {
        throw new Error(`code-server exited during the run (${JSON.stringify(e)}); see ${logDir}/code-server.log`);
      }),
      new Promise((_, reject) => page.on('crash', () => reject(new Error('the Chromium page crashed')))),
    ]);
    session.exitCode.catch(() => {}); // callers that never await it must not crash the process
    await page.exposeFunction('codeAutomationExit', (code, logs) => reportExit({ code, logs }));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const message = Array.isArray(args) ? util.format(...args) : String(args);
      (opts.onLog || ((t, m) => console.log(m)))(type, message);
    });

    // code-server rejects --extensionDevelopmentPath on its command line; the workbench URL's
    // `payload` carries it (and the tests) as URIs of the remote (= this machine's) files.
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
    const payload = opts.vsix ? [] : [['extensionDevelopmentPath', remote(ROOT)]];
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
    const query = new URLSearchParams({ folder: dirs.workspace, payload: JSON.stringify(payload) });
    session.url = `http://127.0.0.1:${port}/?${query}`;
    await page.goto(session.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** The page inside a webview panel (two nested iframes); locate the webview's elements in it. */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes the logs VS Code hands to codeAutomationExit (window, extension host, ...) to dir. */
function saveVSCodeLogs(logs, dir) {
  for (const { relativePath, contents } of logs || []) {
    const file = path.join(dir, relativePath);
    if (!file.startsWith(dir + path.sep)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

async function main() {
  const started = Date.now();
  checkPrerequisites({ needTests: true });
  fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const screenshotPath = path.join(RESULTS_DIR, 'window.png');

  let session;
  let results; // { passed, failed, pending } from the runner's marker line
  let testsStarted = false;
  const unshown = []; // workbench log lines not printed
  const workbenchLog = fs.createWriteStream(path.join(RESULTS_DIR, 'workbench.log'));
  let screenshotTaken;
  const screenshot = async () => {
    if (screenshotTaken) return screenshotTaken; // one picture, taken at most once
    if (!session || !session.page) return;
    screenshotTaken = session.page
      .screenshot({ path: screenshotPath, timeout: 15_000 })
      .then(() => log(`screenshot: ${path.relative(ROOT, screenshotPath)}`))
      .catch((e) => log(`screenshot failed: ${e.message.split('\n')[0]}`));
    await screenshotTaken;
  };

  let finishing = false;
  const finish = async (code, why) => {
    if (finishing) return;
    finishing = true;
    if (why) console.log(`[run-tests] ${why}`);
    if (!testsStarted && unshown.length) {
      log(`the tests never started; the workbench's log (last ${Math.min(unshown.length, 60)} lines):`);
      for (const line of unshown.slice(-60)) console.log(`  ${line}`);
    }
    try {
      await withTimeout(
        (async () => {
          await screenshot();
          if (session) await session.close();
        })(),
        45_000,
        'tearing down',
      );
    } catch (e) {
      log(e.message);
      if (session && session.server) await killGroup(session.server.pid);
    }
    let summary;
    if (results) summary = `${results.passed} passed, ${results.failed} failed`;
    else {
      log('no test results were reported (mocha did not finish); counting the run as 1 failure');
      summary = `0 passed, ${code === 0 ? 0 : 1} failed`;
    }
    log(`exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${path.relative(ROOT, RESULTS_DIR)}/`);
    console.log(summary);
    process.exit(code);
  };

  const overall = setTimeout(() => {
    finish(1, `overall timeout of ${TIMEOUT_MS / 1000} s reached`);
  }, TIMEOUT_MS);
  overall.unref();
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(sig, () => finish(code, `interrupted by ${sig}`));
  }
  // Whatever goes wrong here, tear down: code-server runs in its own session.
  process.stdout.on('error', () => {}); // e.g. EPIPE from `| head`
  process.on('uncaughtException', (err) => finish(1, `error: ${err && err.stack ? err.stack : err}`));
  process.on('unhandledRejection', (err) => finish(1, `error: ${err && err.stack ? err.stack : err}`));

  try {
    log(`code-server ${require(path.join(TOOLS_DIR, 'node_modules', 'code-server', 'package.json')).version}, ${CHROMIUM}`);
    session = await launchVSCode({
      extensionTestsPath: TESTS_BUNDLE,
      logDir: RESULTS_DIR,
      onStart: (s) => (session = s), // so a timeout or ^C during the launch still tears down
      onLog(type, message) {
        for (const line of message.replace(/\n$/, '').split('\n')) {
          workbenchLog.write(`[${type}] ${line}\n`);
          const marker = line.match(/^(AUTOGRAD_LENS_[A-Z]+) (\{.*\})\s*$/);
          if (marker && marker[1] === START_MARKER) {
            testsStarted = true;
            const info = parseJson(marker[2]) || {};
            log(`tests started in VS Code ${info.vscode} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
            continue;
          }
          if (marker && marker[1] === SCREENSHOT_MARKER) {
            screenshot().finally(() => session && fs.writeFileSync(path.join(session.tmp, 'screenshot-taken'), ''));
            continue;
          }
          if (marker && marker[1] === RESULTS_MARKER) {
            results = parseJson(marker[2]);
            screenshot(); // if no test asked for it: while the editor still shows what the tests left open
            continue;
          }
          // The workbench's own chatter before the tests start, and its routine messages
          // after, are only in workbench.log (printed at the end if the tests never started).
          if (VERBOSE || (testsStarted && !WORKBENCH_CHATTER.test(line))) console.log(line);
          else unshown.push(`[${type}] ${line}`);
        }
      },
    });
    log(`workbench opened at ${session.url.split('?')[0]} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const { code, logs } = await session.exitCode;
    saveVSCodeLogs(logs, path.join(RESULTS_DIR, 'vscode-logs'));
    await finish(typeof code === 'number' ? code : 1);
  } catch (err) {
    await finish(1, `error: ${err && err.stack ? err.stack : err}`);
  }
}

module.exports = { launchVSCode, webviewFrame, checkPrerequisites, killGroup, ROOT, TOOLS_DIR, RESULTS_DIR };

if (require.main === module) main();
