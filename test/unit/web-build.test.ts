/**
 * The web build (VS Code for the web): the browser entry and its Web Worker bundle with
 * esbuild's platform 'browser' and the options esbuild.js uses, in memory; no Node module may
 * be in either, and importing a Node module must fail the build.
 */
import * as assert from 'assert';
import * as esbuild from 'esbuild';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { webBuildOptions } = require(path.join(ROOT, 'esbuild.js')) as { webBuildOptions: esbuild.BuildOptions };

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'util', 'events', 'stream', 'buffer', 'module', 'url'];

async function bundle(entry: string, format: esbuild.Format, extra: esbuild.BuildOptions = {}): Promise<{ text: string; inputs: string[] }> {
  const result = await esbuild.build({
    ...webBuildOptions,
    absWorkingDir: ROOT,
    entryPoints: [entry],
    format,
    write: false,
    sourcemap: false,
    minify: false,
    metafile: true,
    logLevel: 'silent',
    outfile: path.join(ROOT, 'out', 'web-test', 'bundle.js'),
    ...extra,
  });
  assert.deepStrictEqual(result.errors, []);
  const out = result.outputFiles?.find((f) => f.path.endsWith('.js'));
  assert.ok(out && result.metafile, 'no JavaScript output');
  return { text: out.text, inputs: Object.keys(result.metafile.inputs) };
}

/** Modules the bundle loads at run time (require, import(), a top-level import), besides vscode. */
function nodeRequires(text: string): string[] {
  const found = new Set<string>();
  const patterns = [/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g, /\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g, /^\s*import\s[^;\n]*?\bfrom\s*["']([^"']+)["']/gm];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const name = m[1].replace(/^node:/, '');
      if (name !== 'vscode') found.add(name);
    }
  }
  return [...found];
}

describe('web build (VS Code for the web)', function () {
  this.timeout(60_000);

  it('bundles src/extension/web/extension.ts for the browser (cjs, vscode external) with no Node module', async () => {
    const { text, inputs } = await bundle('src/extension/web/extension.ts', 'cjs', { external: ['vscode'] });
    assert.deepStrictEqual(nodeRequires(text), [], 'the web extension requires something besides vscode');
    for (const name of NODE_BUILTINS) {
      assert.ok(!text.includes(`require("${name}")`) && !text.includes(`require("node:${name}")`), `require("${name}") in the web bundle`);
    }
    assert.ok(!/worker_threads|parentPort|resourceLimits|memoryUsage/.test(text), 'Node worker/memory code in the web bundle');
    assert.ok(!inputs.some((i) => /host[\\/]nodeHost\.ts$|[\\/]defaultHost\.ts$/.test(i)), 'the Node host is in the web bundle');
    assert.ok(inputs.some((i) => i.endsWith('host/defaultHost.web.ts')), 'the web host is not in the web bundle');
    assert.ok(inputs.some((i) => i.endsWith('host/webHost.ts')));
    // It is the whole extension: commands, lenses, hovers, diagnostics, the panel.
    for (const id of ['autogradLens.trace', 'autogradLens.stepBackward', 'autogradLens.exportGraph', 'registerCodeLensProvider', 'registerHoverProvider', 'createDiagnosticCollection', 'createWebviewPanel']) {
      assert.ok(text.includes(id), `${id} missing from the web bundle`);
    }
    // The engine stays in the worker: the extension bundle must not carry the interpreter.
    assert.ok(!inputs.some((i) => i.includes('frontends/python/runner')), 'the interpreter is bundled into the web extension');
  });

  it('bundles src/extension/web/worker.ts for the browser (iife) with no Node module', async () => {
    const { text, inputs } = await bundle('src/extension/web/worker.ts', 'iife');
    assert.deepStrictEqual(nodeRequires(text), []);
    assert.ok(!/worker_threads|parentPort/.test(text));
    assert.ok(inputs.some((i) => i.includes('frontends/python/runner')), 'the engine is not in the web worker');
    assert.ok(text.includes('MulBackward0'));
  });

  it('fails the build when a Node built-in is imported', async () => {
    for (const [name, code] of [
      ['os', "import * as os from 'os'; console.log(os.cpus());"],
      ['worker_threads', "import { Worker } from 'worker_threads'; console.log(Worker);"],
      ['fs', "import * as fs from 'fs'; console.log(fs.existsSync('x'));"],
      ['path', "import * as path from 'path'; console.log(path.join('a', 'b'));"],
      ['crypto', "import { randomBytes } from 'crypto'; console.log(randomBytes(2));"],
    ]) {
      await assert.rejects(
        esbuild.build({
          ...webBuildOptions,
          absWorkingDir: ROOT,
          stdin: { contents: `import './src/extension/web/extension';\n${code}`, resolveDir: ROOT, sourcefile: 'sneaky.ts', loader: 'ts' },
          format: 'cjs',
          external: ['vscode'],
          write: false,
          logLevel: 'silent',
        }),
        (err: Error & { errors?: esbuild.Message[] }) => {
          assert.ok(err.errors?.some((e) => e.text.includes(`Could not resolve "${name}"`)), `${name}: ${err.message}`);
          return true;
        },
        `importing ${name} did not fail the web build`,
      );
    }
  });
});
