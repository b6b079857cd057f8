// One bundler config, several targets: the Node extension, its interpreter worker,
// the webview page, the command-line runner, the benchmark and the in-VS Code tests.
const esbuild = require('esbuild');
const fs = require('fs');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

/** Each target: an entry point and where its bundle goes. Entries that do not exist yet are skipped. */
const targets = [
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.js' },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/extension/worker.ts'], outfile: 'dist/worker.js' },
  { ...browser, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
  { ...browser, entryPoints: ['src/webview/layoutWorker.ts'], outfile: 'dist/layoutWorker.js' },
  { ...node, entryPoints: ['test/integration/index.ts'], outfile: 'out/test/index.js', logOverride: { 'require-resolve-not-external': 'silent' } },
].filter((t) => fs.existsSync(t.entryPoints[0]));

async function main() {
  if (watch) {
    const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log(`watching ${targets.length} targets`);
    return;
  }
  await Promise.all(targets.map((t) => esbuild.build(t)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
