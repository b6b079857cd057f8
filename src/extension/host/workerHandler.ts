/**
 * The interpreter's work, shared by its two workers: the Node worker thread (../worker.ts,
 * dist/worker.js) and the Web Worker of VS Code for the web (../web/worker.ts,
 * dist/web/worker.js). It imports the engine and nothing platform-specific.
 */
import { Cell, splitCells } from '../../frontends/python/cells';
import { parseModuleTolerant } from '../../frontends/python/parse';
import { runCells } from '../../frontends/python/runner';
import { traceOfRun } from '../../frontends/python/trace';
import type { SyntaxProblem, WorkerRequest, WorkerResponse } from '../workerProtocol';

function lineCount(source: string): number {
  const lines = source.split(/\r\n|\r|\n/);
  // a trailing line break does not start another line of the cell
  return lines[lines.length - 1] === '' && lines.length > 1 ? lines.length - 1 : lines.length;
}

function cellsOf(input: Extract<WorkerRequest, { type: 'run' }>['input']): Cell[] {
  if (input.kind === 'cells') return input.cells.map((c, index) => ({ index, ...c }));
  return splitCells(input.text)
    .filter((c) => c.startLine <= input.upToLine + 1)
    .map((c, index) => ({ ...c, index }));
}

function syntaxErrors(cells: Cell[]): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  for (const c of cells) {
    // The first error of each cell, as CPython reports it: later ones are often its echoes
    // (an unclosed bracket makes every following line "invalid syntax").
    const e = parseModuleTolerant(c.source, { startLine: c.startLine, startOffset: c.startOffset }).errors[0];
    if (e) {
      const r = e.range;
      out.push({ message: `${e.errorType}: ${e.message}`, range: { line: r.line, col: r.col, endLine: r.endLine, endCol: r.endCol } });
    }
  }
  return out;
}

export function handle(req: WorkerRequest): WorkerResponse {
  const started = performance.now();
  try {
    const cells = cellsOf(req.input);
    const result = runCells(cells, { ...req.settings, record: true });
    const trace = traceOfRun(cells, result);
    return {
      type: 'result',
      id: req.id,
      trace,
      cells: cells.map((c) => ({ startLine: c.startLine, lineCount: lineCount(c.source) })),
      syntaxErrors: syntaxErrors(cells),
      millis: performance.now() - started,
    };
  } catch (e) {
    return { type: 'failed', id: req.id, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Runs a small snippet once at start, so the first real trace finds the engine's code already compiled. */
export function warmUp(): void {
  const source = 'import torch\nx = torch.ones(3, requires_grad=True)\ny = (x * x + 2).mean()\ny.backward()\nprint(x.grad)\n';
  handle({ type: 'run', id: 0, input: { kind: 'percentFile', text: source, upToLine: 99 }, settings: { maxSteps: 100_000, maxMillis: 2_000, maxElements: 1_000, zeroGradSetsNone: false } });
}
