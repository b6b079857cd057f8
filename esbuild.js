// One bundler config, several targets: the Node extension, its interpreter worker,
// the webview page, the command-line runner, the benchmark and the in-VS Code tests.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

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

// ------------------------------------------------------------------ VS Code for the web
// The web extension (package.json `browser`) is the desktop extension with its interpreter in
// a Web Worker. With platform 'browser' esbuild fails on any Node built-in (`fs`, `path`,
// `worker_threads`, ...): that stays so; the one substitution below picks the platform's
// interpreter host. Anything else that reaches a Node module fails the
// build.
const WEB_SUBSTITUTES = {
  // the platform's interpreter host: a Web Worker instead of a worker thread
  'src/extension/interpreterClient.ts': { './host/defaultHost': 'src/extension/host/defaultHost.web.ts' },
};

const webSubstitutes = {
  name: 'autograd-lens-web-substitutes',
  setup(build) {
    const names = [...new Set(Object.values(WEB_SUBSTITUTES).flatMap((m) => Object.keys(m)))];
    const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      const importer = path.relative(__dirname, args.importer).split(path.sep).join('/');
      const to = WEB_SUBSTITUTES[importer]?.[args.path];
      return to ? { path: path.join(__dirname, to) } : undefined;
    });
  },
};


const web = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  plugins: [webSubstitutes],
};

/** Each target: an entry point and where its bundle goes. Entries that do not exist yet are skipped. */
const targets = [
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.js' },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/extension/worker.ts'], outfile: 'dist/worker.js' },
  { ...web, format: 'cjs', external: ['vscode'], entryPoints: ['src/extension/web/extension.ts'], outfile: 'dist/web/extension.js' },
  { ...web, format: 'iife', entryPoints: ['src/extension/web/worker.ts'], outfile: 'dist/web/worker.js' },
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

// test/unit/web-*.test.ts builds the web entries in memory with the same options.
module.exports = { webBuildOptions: web, WEB_SUBSTITUTES };

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
