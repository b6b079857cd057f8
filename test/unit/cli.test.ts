import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The bundled command-line runner (npm test builds dist/ before the unit tests). */
const root = path.join(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

function run(args: string[]) {
  assert.ok(fs.existsSync(cli), 'dist/cli.js is missing: run `npm run build` first');
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
}

describe('autograd-lens CLI', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-cli-'));
  const py = path.join(dir, 'snippet.py');
  fs.writeFileSync(py, '# %%\nimport torch\nx = torch.tensor([1., 2.], requires_grad=True)\n(x * x).sum().backward()\nx.grad\n# %%\nx.foo\n');

  it('run --json prints the oracle-shaped cells and exits 0 even when the snippet raised', () => {
    const r = run(['run', py, '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      cells: [
        { stdout: 'tensor([2., 4.])\n', warnings: [], error: null },
        { stdout: '', warnings: [], error: "AttributeError: 'Tensor' object has no attribute 'foo'" },
      ],
    });
  });

  it('--trace and --html write a trace and a self-contained page', () => {
    const trace = path.join(dir, 't.json');
    const html = path.join(dir, 't.html');
    const r = run(['run', py, '--trace', trace, '--html', html]);
    assert.strictEqual(r.status, 0, r.stderr);
    const t = JSON.parse(fs.readFileSync(trace, 'utf8'));
    assert.strictEqual(t.version, 1);
    assert.strictEqual(t.passes.length, 1);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /Content-Security-Policy/);
    assert.match(page, /MulBackward0/);
  });

  it('a missing file or a bad flag is a runner failure with a clear message', () => {
    const missing = run(['run', path.join(dir, 'nope.py')]);
    assert.notStrictEqual(missing.status, 0);
    assert.match(missing.stderr, /cannot read/);
    const bad = run(['run', py, '--bogus']);
    assert.notStrictEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown option '--bogus'/);
  });
});
