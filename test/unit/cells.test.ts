import { join } from 'path';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { cellMarkerTitle, cellsFromIpynb, containsCode, splitCells } from '../../src/frontends/python/cells';
import { parseModule } from '../../src/frontends/python/parse';

describe('cells: # %% files', () => {
  it('a comment header before the first marker is not a cell', () => {
    const src = '# category: accumulation\n# %%\nimport torch\nx = 1\n# %%\nx\n';
    const cells = splitCells(src);
    assert.deepEqual(cells, [
      { index: 0, source: 'import torch\nx = 1\n', startLine: 3, startOffset: 30 },
      { index: 1, source: 'x\n', startLine: 6, startOffset: 54 },
    ]);
    for (const c of cells) assert.equal(src.slice(c.startOffset, c.startOffset + c.source.length), c.source);
  });

  it('a header with code is a cell of its own', () => {
    const src = '"""doc"""\nimport torch\n\n# %%\nx = 1\n';
    const cells = splitCells(src);
    assert.equal(cells.length, 2);
    assert.deepEqual(cells[0], { index: 0, source: '"""doc"""\nimport torch\n\n', startLine: 1, startOffset: 0 });
    assert.deepEqual(cells[1], { index: 1, source: 'x = 1\n', startLine: 5, startOffset: 29 });
  });

  it('blank lines and comments only, or a `#` inside a string, decide correctly', () => {
    assert.equal(containsCode('\n# a\n   # b\n\n'), false);
    assert.equal(containsCode(''), false);
    assert.equal(containsCode('"# not a comment"'), true);
    assert.equal(splitCells('\n\n# just comments\n# %%\nx = 1\n').length, 1);
  });

  it('without a marker the whole file is one cell', () => {
    const src = 'import torch\nx = torch.ones(2)\nx\n';
    assert.deepEqual(splitCells(src), [{ index: 0, source: src, startLine: 1, startOffset: 0 }]);
    assert.deepEqual(splitCells(''), [{ index: 0, source: '', startLine: 1, startOffset: 0 }]);
  });

  it('accepts `#%%` and `# %% title`, not `# %%%` or indented markers', () => {
    assert.equal(cellMarkerTitle('# %%'), '');
    assert.equal(cellMarkerTitle('#%%'), '');
    assert.equal(cellMarkerTitle('# %% Training loop'), 'Training loop');
    assert.equal(cellMarkerTitle('#  %%\t'), '');
    assert.equal(cellMarkerTitle('# %%%'), null);
    assert.equal(cellMarkerTitle('# %%time'), null);
    assert.equal(cellMarkerTitle('    # %%'), null);
    assert.equal(cellMarkerTitle('# % %'), null);
    assert.equal(cellMarkerTitle('x = 1  # %%'), null);
    const cells = splitCells('#%%\na = 1\n# %% Second cell\nb = 2\n    # %%\nc = 3\n');
    assert.deepEqual(
      cells.map((c) => [c.source, c.title]),
      [
        ['a = 1\n', undefined],
        ['b = 2\n    # %%\nc = 3\n', 'Second cell'],
      ],
    );
  });

  it('skips Jupytext markdown cells, keeps empty code cells', () => {
    const cells = splitCells('# %% [markdown]\n# # Title\n# %%\nx = 1\n# %%\n');
    assert.deepEqual(
      cells.map((c) => [c.index, c.source, c.startLine]),
      [
        [0, 'x = 1\n', 4],
        [1, '', 6],
      ],
    );
  });

  it('CRLF line endings', () => {
    const src = '# header\r\n# %%\r\nx = 1\r\ny = 2\r\n# %%\r\nx\r\n';
    const cells = splitCells(src);
    assert.deepEqual(
      cells.map((c) => [c.source, c.startLine, c.startOffset]),
      [
        ['x = 1\r\ny = 2\r\n', 3, 16],
        ['x\r\n', 6, 36],
      ],
    );
    const b = parseModule(cells[0].source, cells[0]).body;
    assert.deepEqual(
      b.map((s) => [s.range.line, src.slice(s.range.from, s.range.to)]),
      [
        [3, 'x = 1'],
        [4, 'y = 2'],
      ],
    );
  });

  it('cell ranges map back to the file', () => {
    const src = '# category: x\n# %%\na = 1\n# %%\nif a:\n    b = (a +\n         1)\n';
    const cell = splitCells(src)[1];
    const ifStmt = parseModule(cell.source, cell).body[0];
    assert.equal(ifStmt.range.line, 5);
    assert.equal(src.slice(ifStmt.range.from, ifStmt.range.to), 'if a:\n    b = (a +\n         1)');
  });
});

describe('cells: the oracle cases', () => {
  const cases = readFileSync(join(__dirname, '../fixtures/oracle/public.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; source: string; cells: { error: string | null }[] });

  it('has 197 cases', () => {
    assert.equal(cases.length, 197);
  });

  it('splits into as many cells as the oracle ran, when no error stopped the case', () => {
    let checked = 0;
    for (const c of cases) {
      const cells = splitCells(c.source);
      assert.ok(c.source.startsWith('# category:'), c.id);
      assert.ok(!cells.some((cell) => cell.source.includes('# category:')), `${c.id}: the header became a cell`);
      if (c.cells[c.cells.length - 1].error === null) {
        assert.equal(cells.length, c.cells.length, c.id);
        checked++;
      } else {
        assert.ok(cells.length >= c.cells.length, c.id);
      }
      cells.forEach((cell, i) => {
        assert.equal(cell.index, i);
        assert.equal(c.source.slice(cell.startOffset, cell.startOffset + cell.source.length), cell.source);
        assert.equal(c.source.split('\n')[cell.startLine - 2], '# %%', `${c.id}: line before a cell is its marker`);
      });
    }
    assert.ok(checked > 150, `checked ${checked}`);
  });

  it('some cases have several cells', () => {
    const multi = cases.filter((c) => splitCells(c.source).length > 1);
    assert.ok(multi.length > 0);
  });
});

describe('cells: .ipynb', () => {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Autograd\n', 'Some text'] },
      { cell_type: 'code', metadata: {}, execution_count: 1, outputs: [], source: ['import torch as tc\n', 'x = tc.randn(3, requires_grad=True)\n', 'x'] },
      { cell_type: 'raw', metadata: {}, source: 'raw text' },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: '%matplotlib inline\n!pip install torch\ny = x + 2\ny' },
      { cell_type: 'code', metadata: {}, outputs: [], source: [] },
    ],
  };

  it('returns the code cells in order, from list or string sources', () => {
    const cells = cellsFromIpynb(JSON.stringify(nb));
    assert.deepEqual(cells, [
      { index: 0, source: 'import torch as tc\nx = tc.randn(3, requires_grad=True)\nx', startLine: 1, startOffset: 0 },
      { index: 1, source: '%matplotlib inline\n!pip install torch\ny = x + 2\ny', startLine: 1, startOffset: 0 },
      { index: 2, source: '', startLine: 1, startOffset: 0 },
    ]);
  });

  it('keeps magics, which the parser turns into unsupported statements', () => {
    const cell = cellsFromIpynb(JSON.stringify(nb))[1];
    const body = parseModule(cell.source).body;
    assert.deepEqual(
      body.map((s) => (s.kind === 'UnsupportedStmt' ? s.construct : s.kind)),
      ["IPython magic '%matplotlib inline'", "IPython shell command '!pip install torch'", 'Assign', 'ExprStmt'],
    );
  });

  it('reads nbformat 3 worksheets', () => {
    const old = { nbformat: 3, worksheets: [{ cells: [{ cell_type: 'code', input: ['a = 1\n', 'a'] }, { cell_type: 'markdown', source: 'x' }] }] };
    assert.deepEqual(cellsFromIpynb(JSON.stringify(old)), [{ index: 0, source: 'a = 1\na', startLine: 1, startOffset: 0 }]);
  });

  it('rejects what is not a notebook', () => {
    assert.throws(() => cellsFromIpynb('{not json'), /not a valid notebook/);
    assert.throws(() => cellsFromIpynb('[1, 2]'), /not a valid notebook/);
    assert.throws(() => cellsFromIpynb('null'), /not a valid notebook/);
  });
});
