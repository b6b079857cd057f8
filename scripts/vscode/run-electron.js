#!/usr/bin/env node
// Runs the integration tests in desktop VS Code through @vscode/test-electron (`npm run
// test:electron`). It downloads VS Code from update.code.visualstudio.com into .vscode-test/,
// so it needs internet; CI and offline machines use scripts/vscode/run-tests.js (code-server)
// instead, which runs the same out/test/index.js. On Linux without a display, wrap it in
// `xvfb-run -a`.
//
//   npm run build && node scripts/vscode/run-electron.js
//
// Environment:
//   VSCODE_TEST_VERSION  VS Code to test against: 'stable' (default), 'insiders' or e.g. '1.100.3'
//   MOCHA_GREP           passed on to the mocha runner in the extension host (VS Code
//                        inherits this process's environment)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '..', '..');

async function main() {
  const extensionTestsPath = path.join(ROOT, 'out', 'test', 'index.js');
  if (!fs.existsSync(extensionTestsPath)) {
    console.error(`${path.relative(ROOT, extensionTestsPath)} is missing: run \`npm run build\` first`);
    return 1;
  }

  // Throwaway copy of the test workspace and a fresh profile, as in run-tests.js.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'autograd-lens-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'integration', 'workspace'), workspace, { recursive: true });
  const userDataDir = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }, null, 2),
  );

  try {
    return await runTests({
      version: process.env.VSCODE_TEST_VERSION || 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--user-data-dir', userDataDir,
        '--extensions-dir', path.join(tmp, 'extensions'),
        '--disable-extensions', // other installed extensions; ours is still loaded
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // runTests rejects when VS Code exits non-zero (a failed test) or cannot be downloaded.
    console.error(err && err.message ? err.message : err);
    process.exit(typeof err?.code === 'number' && err.code !== 0 ? err.code : 1);
  },
);
