import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { splitCells } from '../../src/frontends/python/cells';
import { runCells } from '../../src/frontends/python/runner';
import { Node, Tensor } from '../../src/core';

/** Real PyTorch 1.13.1 output for 197 cases (../shared/oracle/public.jsonl, copied into the fixtures). */
interface GraphSpec {
  name: string;
  next?: (GraphSpec | null)[];
}
interface OracleCell {
  stdout: string;
  error: string | null;
  warnings?: { category: string; message: string }[];
  /** grad_fn structures PyTorch recorded after the cell ("#! graph NAME"). */
  graphs?: Record<string, GraphSpec | null>;
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

/** Our grad_fn graph of a tensor in PyTorch's recorded shape: name() and next_functions, recursively. */
function graphOf(t: Tensor | null): GraphSpec | null {
  const walk = (n: Node): GraphSpec => {
    const spec: GraphSpec = { name: n.qualifiedName };
    if (n.next.length) spec.next = n.next.map((e) => (e ? walk(e.node) : null));
    return spec;
  };
  return t && t.gradFn ? walk(t.gradFn) : null;
}

describe('oracle grad_fn graphs (next_functions as PyTorch recorded them)', () => {
  for (const c of cases) {
    c.cells.forEach((cell, i) => {
      if (!cell.graphs) return;
      it(`${c.id} cell ${i}`, () => {
        const cells = splitCells(c.source).slice(0, i + 1);
        const res = runCells(cells);
        for (const [name, expected] of Object.entries(cell.graphs!)) {
          const v = res.interpreter.globals.vars.get(name);
          assert.ok(v instanceof Tensor, `${name} is not a tensor`);
          assert.deepStrictEqual(graphOf(v), expected, `graph of ${name}`);
        }
      });
    });
  }
});
