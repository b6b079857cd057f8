import * as fs from 'fs';
import { cellsFromIpynb, splitCells } from './frontends/python/cells';
import { runCells } from './frontends/python/runner';
import { traceOfRun } from './frontends/python/trace';

const USAGE = `usage: autograd-lens run FILE [--json] [--trace OUT.json]

  FILE             a .py file with "# %%" cells, or a Jupyter .ipynb notebook
  --json           print {"cells":[{"stdout":…,"warnings":[…],"error":…}]} instead of Jupyter-style output
  --trace OUT.json write the run's trace (tensors, grad_fn graph, backward steps; docs/trace-format.md)
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
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--trace') {
      traceOut = rest[++i];
      if (!traceOut) fail('--trace needs a file name');
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
  const result = runCells(cells);
  if (traceOut) {
    try {
      fs.writeFileSync(traceOut, JSON.stringify(traceOfRun(cells, result)));
    } catch (e) {
      fail(`cannot write ${traceOut}: ${(e as Error).message}`);
    }
  }
  if (json) {
    const cellsOut = result.cells.map((c) => ({ stdout: c.stdout, warnings: c.warnings, error: c.error }));
    process.stdout.write(JSON.stringify({ cells: cellsOut }) + '\n');
    return;
  }
  result.cells.forEach((c, i) => {
    process.stdout.write(`In [${i + 1}]:\n`);
    process.stdout.write(c.stdout);
    for (const w of c.warnings) process.stdout.write(`${w.category}: ${w.message}\n`);
    if (c.error) {
      const line = c.errorRange ? ` (line ${c.errorRange.line})` : '';
      process.stdout.write(`${c.error}${line}\n`);
    }
    process.stdout.write('\n');
  });
}

main(process.argv.slice(2));
