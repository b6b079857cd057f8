/**
 * Splitting a source into notebook-style cells: `# %%` percent-format files
 * (VS Code / Jupytext / Spyder) and Jupyter `.ipynb` notebooks.
 */
import { parser } from '@lezer/python';

export interface Cell {
  /** 0-based index among the returned cells. */
  index: number;
  /** The cell's code, without its `# %%` marker line (trailing newline kept). */
  source: string;
  /** 1-based line, in the file, of the cell's first line (for `.ipynb` cells: 1, each cell being its own document). */
  startLine: number;
  /** Offset, in the file, of the cell's first character (for `.ipynb` cells: 0). */
  startOffset: number;
  /** The text after `# %%` on the marker line, if any (`# %% Training loop` → "Training loop"). */
  title?: string;
}

/**
 * If `line` (without its line break) is a cell marker, returns its title ('' if none), else null.
 * Markers start at column 0: `# %%`, `#%%`, `# %% some title`.
 */
export function cellMarkerTitle(line: string): string | null {
  if (!line.startsWith('#')) return null;
  let i = 1;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if (line[i] !== '%' || line[i + 1] !== '%') return null;
  const after = line.slice(i + 2);
  if (after.length > 0 && after[0] !== ' ' && after[0] !== '\t') return null; // e.g. `# %%%` or `# %%time`
  return after.trim();
}

/** Jupytext marks markdown cells of percent-format files as `# %% [markdown]` (or `[md]`). */
function isMarkdownTitle(title: string): boolean {
  return title.startsWith('[markdown]') || title.startsWith('[md]');
}

/** True if the text contains anything besides blank lines and comments (decided by the Python parser, so `#` inside strings is handled). */
export function containsCode(text: string): boolean {
  const tree = parser.parse(text);
  for (let c = tree.topNode.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'Comment') return true;
  }
  return false;
}

interface Line {
  text: string;
  start: number;
  /** Offset just after the line break (or the end of the source). */
  next: number;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < source.length) {
    let end = start;
    while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++;
    let next = end;
    if (source[next] === '\r') next++;
    if (source[next] === '\n') next++;
    lines.push({ text: source.slice(start, end), start, next });
    start = next;
  }
  return lines;
}

/**
 * Splits a percent-format source into cells.
 *
 * - Cells start after each marker line (`# %%`, `#%%`, `# %% title`); the marker line itself is not part of the cell.
 * - The text before the first marker is a cell only if it contains code (a leading
 *   `# category: ...` comment header is not a cell).
 * - Jupytext markdown cells (`# %% [markdown]`) are skipped.
 * - Without any marker, the whole source is a single cell.
 */
export function splitCells(source: string): Cell[] {
  const lines = splitLines(source);
  const markers: { line: number; title: string }[] = [];
  lines.forEach((l, i) => {
    const title = cellMarkerTitle(l.text);
    if (title !== null) markers.push({ line: i, title });
  });
  if (markers.length === 0) {
    return [{ index: 0, source, startLine: 1, startOffset: 0 }];
  }
  const cells: Cell[] = [];
  const lineOffset = (i: number) => (i < lines.length ? lines[i].start : source.length);

  const headerEnd = lines[markers[0].line].start;
  const header = source.slice(0, headerEnd);
  if (containsCode(header)) {
    cells.push({ index: 0, source: header, startLine: 1, startOffset: 0 });
  }
  markers.forEach((m, k) => {
    if (isMarkdownTitle(m.title)) return;
    const firstLine = m.line + 1;
    const from = lineOffset(firstLine);
    const to = k + 1 < markers.length ? lines[markers[k + 1].line].start : source.length;
    const cell: Cell = { index: cells.length, source: source.slice(from, to), startLine: firstLine + 1, startOffset: from };
    if (m.title !== '') cell.title = m.title;
    cells.push(cell);
  });
  return cells;
}

interface NotebookCellJson {
  cell_type?: unknown;
  source?: unknown;
  /** nbformat 3 */
  input?: unknown;
}

function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : '')).join('');
  return '';
}

/**
 * The code cells of a Jupyter notebook (JSON text), in order; markdown and raw cells are skipped.
 * Cell sources may be a string or a list of lines. IPython magics (`%...`) and shell
 * commands (`!...`) are kept: the parser turns them into unsupported statements.
 */
export function cellsFromIpynb(json: string): Cell[] {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new Error(`not a valid notebook: ${(e as Error).message}`);
  }
  if (typeof nb !== 'object' || nb === null) throw new Error('not a valid notebook: expected a JSON object');
  const obj = nb as { cells?: unknown; worksheets?: unknown };
  let raw: unknown[] = [];
  if (Array.isArray(obj.cells)) raw = obj.cells;
  else if (Array.isArray(obj.worksheets)) {
    for (const w of obj.worksheets) {
      const cs = (w as { cells?: unknown }).cells;
      if (Array.isArray(cs)) raw.push(...cs);
    }
  } else throw new Error("not a valid notebook: no 'cells'");

  const cells: Cell[] = [];
  for (const c of raw) {
    if (typeof c !== 'object' || c === null) continue;
    const cell = c as NotebookCellJson;
    if (cell.cell_type !== 'code') continue;
    const source = cellText(cell.source !== undefined ? cell.source : cell.input);
    cells.push({ index: cells.length, source, startLine: 1, startOffset: 0 });
  }
  return cells;
}
