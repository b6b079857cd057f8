import * as fs from 'fs';
import * as path from 'path';
import { renderStandaloneHtml } from './webview/standalone';
import { cellsFromIpynb, splitCells } from './frontends/python/cells';
import { runCells } from './frontends/python/runner';
import { traceOfRun } from './frontends/python/trace';

const USAGE = `usage: autograd-lens run FILE [--json] [--trace OUT.json] [--html OUT.html]

  FILE             a .py file with "# %%" cells, or a Jupyter .ipynb notebook
  --json           print {"cells":[{"stdout":…,"warnings":[…],"error":…}]} instead of Jupyter-style output
  --trace OUT.json write the run's trace (tensors, grad_fn graph, backward steps; docs/trace-format.md)
  --html OUT.html  write one self-contained page with the graph, the backward stepper and the inspector
  --torch2         follow PyTorch 2.x where it differs from 1.13 (zero_grad() sets .grad to None)
`;

function fail(msg: string): never {
  process.stderr.write(`autograd-lens: ${msg}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (cmd !== 'run') fail(`unknown command '${cmd}'\n${USAGE}`);
  let file: string | undefined;
  let json = false;
  let traceOut: string | undefined;
  let htmlOut: string | undefined;
  let torch2 = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--torch2') torch2 = true;
    else if (a === '--trace') {
      traceOut = rest[++i];
      if (!traceOut) fail('--trace needs a file name');
    } else if (a === '--html') {
      htmlOut = rest[++i];
      if (!htmlOut) fail('--html needs a file name');
    }
    else if (a.startsWith('-')) fail(`unknown option '${a}'\n${USAGE}`);
    else if (file) fail('only one FILE can be run at a time');
    else file = a;
  }
  if (!file) fail(`missing FILE\n${USAGE}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  const cells = file.endsWith('.ipynb') ? cellsFromIpynb(text) : splitCells(text);
  const result = runCells(cells, { zeroGradSetsNone: torch2 });
  if (traceOut || htmlOut) {
    const trace = traceOfRun(cells, result);
    const write = (out: string, content: () => string) => {
      try {
        fs.writeFileSync(out, content());
      } catch (e) {
        fail(`cannot write ${out}: ${(e as Error).message}`);
      }
    };
    if (traceOut) write(traceOut, () => JSON.stringify(trace));
    if (htmlOut) {
      const page = () => {
        // the page's script, layout worker and styles ship next to the CLI bundle (dist/) and in media/
        const js = fs.readFileSync(path.join(__dirname, 'webview.js'), 'utf8');
        const workerJs = fs.readFileSync(path.join(__dirname, 'layoutWorker.js'), 'utf8');
        const css = fs.readFileSync(path.join(__dirname, '..', 'media', 'webview.css'), 'utf8');
        return renderStandaloneHtml(trace, js, css, { title: `Autograd Lens: ${path.basename(file)}`, workerJs });
      };
      write(htmlOut, page);
    }
  }
  if (json) {
    const cellsOut = result.cells.map((c) => ({ stdout: c.stdout, warnings: c.warnings, error: c.error }));
    process.stdout.write(JSON.stringify({ cells: cellsOut }) + '\n');
    return;
  }
  result.cells.forEach((c, i) => {
    process.stdout.write(`In [${i + 1}]:\n`);
    // printed output, then the displayed value of the last expression as Jupyter's Out[n]
    const printed = c.display !== undefined ? c.stdout.slice(0, c.stdout.length - c.display.length - 1) : c.stdout;
    process.stdout.write(printed);
    for (const w of c.warnings) process.stdout.write(`${w.category}: ${w.message}\n`);
    if (c.error) {
      const line = c.errorRange ? ` (line ${c.errorRange.line})` : '';
      process.stdout.write(`${c.error}${line}\n`);
    }
    if (c.display !== undefined) process.stdout.write(`Out[${i + 1}]: ${c.display}\n`);
    process.stdout.write('\n');
  });
}

// `autograd-lens run … | head` closes the pipe early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2));
