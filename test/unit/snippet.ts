// Running a Python snippet the way the CLI does, for tests that compare what it prints.
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

/** Runs a snippet and returns what its cells printed (stdout, then "Error: …" if one was raised). */
export function run(src: string): string {
  const res = runCells(splitCells(src)).cells;
  return res.map((c) => c.stdout + (c.error ? c.error + '\n' : '')).join('');
}
