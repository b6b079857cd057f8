import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';

/** Real PyTorch 1.13.1 output for 197 cases (../shared/oracle/public.jsonl, copied into the fixtures). */
interface OracleCell {
  stdout: string;
  error: string | null;
  warnings?: { category: string; message: string }[];
}
interface OracleCase {
  id: string;
  category: string;
  source: string;
  cells: OracleCell[];
}

const file = path.join(__dirname, '../fixtures/oracle/public.jsonl');
const cases: OracleCase[] = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

/** The oracle's comparison: object addresses are normalised. */
const norm = (s: string | null) => (s === null ? null : s.replace(/ at 0x[0-9a-fA-F]+>/g, ' at 0xADDR>'));

/** The same comparison the CLI's --json output is judged by. */
export function compareCase(c: OracleCase): string | null {
  const got = runCells(splitCells(c.source), { maxMillis: 20_000 }).cells;
  if (got.length !== c.cells.length) {
    const last = got[got.length - 1];
    return `ran ${got.length} cells, oracle ${c.cells.length}${last?.error ? ` (stopped with ${last.error})` : ''}`;
  }
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const o = c.cells[i];
    if (norm(g.stdout) !== o.stdout) return `cell ${i} stdout:\n--- got\n${g.stdout}--- expected\n${o.stdout}`;
    if (norm(g.error) !== o.error) return `cell ${i} error: got ${g.error}, expected ${o.error}`;
    const gw = JSON.stringify(g.warnings.map((w) => ({ category: w.category, message: w.message })));
    const ow = JSON.stringify((o.warnings ?? []).map((w) => ({ category: w.category, message: w.message })));
    if (gw !== ow) return `cell ${i} warnings: got ${gw}, expected ${ow}`;
  }
  return null;
}

describe('oracle conformance (real PyTorch 1.13.1)', function () {
  this.timeout(120_000);
  const failures: string[] = [];
  let passed = 0;

  for (const c of cases) {
    it(`${c.category}/${c.id}`, () => {
      const diff = compareCase(c);
      if (diff) {
        failures.push(c.id);
        assert.fail(diff);
      }
      passed++;
    });
  }

  after(() => {
    console.log(`\n  oracle conformance: ${passed}/${cases.length} public cases identical to PyTorch`);
  });
});
