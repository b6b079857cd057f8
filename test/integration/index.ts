// The mocha runner for the integration tests that run inside a real VS Code extension host.
//
// Bundled by esbuild into out/test/index.js and loaded as `extensionTestsPath` by both
//   - scripts/vscode/run-tests.js    (code-server + headless Chromium; CI, `.ci/run`)
//   - scripts/vscode/run-electron.js (@vscode/test-electron; needs internet to download VS Code)
// It runs in the extension host (Node): `vscode` is external and real.
//
// ADDING A TEST FILE: write test/integration/<name>.test.ts using mocha's BDD globals
// (`describe`, `it`, `before`, ...; the same style as the unit tests), then add ONE line
// `() => import('./<name>.test'),` to TEST_FILES below. There is no glob at run time: the
// bundle contains every test file, and each is evaluated lazily, after mocha has installed
// its globals.
//
// Environment (set it before starting the runner; code-server passes its environment on):
//   MOCHA_GREP=<regexp>  run only the tests whose full title matches.
//   CI=true              `.only` fails the run (forbidOnly).
//
// Output: a line `AUTOGRAD_LENS_START {...}`, mocha's spec reporter, then a line
// `AUTOGRAD_LENS_RESULTS {"passed":N,"failed":N,"pending":N}`. run-tests.js hides both marker
// lines, shows the workbench's own log only until the START line (or on failure), and turns
// RESULTS into its closing `N passed, N failed` line.
import Mocha from 'mocha';
import * as vscode from 'vscode';

const TEST_FILES: Array<() => Promise<unknown>> = [
  () => import('./smoke.test'),
  () => import('./latency.test'), // before any other test makes a panel: its first is the window's first webview
  () => import('./editor.test'),
  () => import('./panel.test'),
];

const START_MARKER = 'AUTOGRAD_LENS_START';
const RESULTS_MARKER = 'AUTOGRAD_LENS_RESULTS';

export async function run(): Promise<void> {
  console.log(`${START_MARKER} ${JSON.stringify({ files: TEST_FILES.length, vscode: vscode.version })}`);
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 30_000,
    forbidOnly: Boolean(process.env.CI),
    failZero: true,
    grep: process.env.MOCHA_GREP || undefined,
  });

  // What `mocha.loadFiles()` does for each file, without a file system: install the BDD
  // globals, then evaluate the (bundled) test module so its describe/it calls register.
  for (const [i, load] of TEST_FILES.entries()) {
    const file = `test-file-${i}`;
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    const mod = await load();
    mocha.suite.emit('require', mod, file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }

  const { stats, failures } = await new Promise<{ stats?: Mocha.Stats; failures: number }>(
    (resolve, reject) => {
      try {
        const runner = mocha.run((failures) => resolve({ stats: runner.stats, failures }));
      } catch (err) {
        reject(err);
      }
    },
  );

  // `failures` also counts a run with no tests at all (failZero), which stats does not.
  const failed = Math.max(failures, stats?.failures ?? 0);
  const results = { passed: stats?.passes ?? 0, failed, pending: stats?.pending ?? 0 };
  console.log(`${RESULTS_MARKER} ${JSON.stringify(results)}`);
  if (failed > 0) {
    throw new Error(`${failed} integration test${failed === 1 ? '' : 's'} failed.`);
  }
}
