import * as fs from 'fs';
import { cellsFromIpynb, splitCells } from './frontends/python/cells';
import { runCells } from './frontends/python/runner';

const USAGE = `usage: autograd-lens run FILE [--json]

  FILE     a .py file with "# %%" cells, or a Jupyter .ipynb notebook
  --json   print {"cells":[{"stdout":…,"warnings":[…],"error":…}]} instead of Jupyter-style output
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
  for (const a of rest) {
    if (a === '--json') json = true;
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
