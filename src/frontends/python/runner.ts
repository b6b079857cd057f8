import { setGradEnabled, setWarningSink, ops } from '../../core';
import { installBuiltins } from './builtins';
import { Cell } from './cells';
import { Interpreter } from './interp';
import { parseModule, PySyntaxError } from './parse';
import { TorchRuntime } from './torchapi';
import { installTorch } from './torchmodule';
import { PyError } from './values';
import type * as A from './ast';

export interface CellResult {
  stdout: string;
  warnings: { category: string; message: string }[];
  /** "Type: message", as the oracle records errors; null when the cell ran to the end. */
  error: string | null;
  /** Where the error happened (1-based line in the cell's file). */
  errorRange?: A.Range;
  /** The repr Jupyter displays for the cell's last bare expression (also the end of stdout). */
  display?: string;
}

export interface RunOptions {
  maxSteps?: number;
  maxMillis?: number;
  maxElements?: number;
  /** Record backward events for the stepper (on by default). */
  record?: boolean;
  /** Follow PyTorch 2.x where it differs from 1.13: zero_grad() sets .grad to None. */
  zeroGradSetsNone?: boolean;
}

export interface RunResult {
  cells: CellResult[];
  runtime: TorchRuntime;
  interpreter: Interpreter;
}

/** A fresh interpreter with builtins and the torch modules, and the runtime behind them. */
export function createSession(opts: RunOptions = {}): { ip: Interpreter; rt: TorchRuntime; out: string[] } {
  const ip = new Interpreter({ maxSteps: opts.maxSteps ?? 5_000_000, maxMillis: opts.maxMillis ?? 10_000 });
  const out: string[] = [];
  installBuiltins(ip, (s) => out.push(s));
  const rt = new TorchRuntime(ip);
  rt.recordEvents = opts.record !== false;
  rt.zeroGradSetsNone = opts.zeroGradSetsNone === true;
  ip.host = rt;
  installTorch(ip, rt);
  // engine state is global: start every run from PyTorch's defaults
  setGradEnabled(true);
  ops.setDefaultDtype('float32');
  ops.setMaxElements(opts.maxElements ?? 5e7);
  return { ip, rt, out };
}

/**
 * Runs cells in order like a Jupyter kernel: each cell's stdout, then the repr of its last
 * bare expression (if not None); stops after the first cell that raises.
 */
export function runCells(cells: Cell[], opts: RunOptions = {}): RunResult {
  const { ip, rt, out } = createSession(opts);
  const results: CellResult[] = [];
  const shownFromLibrary = new Set<string>();
  // Python's default filter keeps one registry per module keyed by (text, category, lineno); every cell runs in
  // the same __main__ globals and numbers its lines from 1, so a warning repeated at the same line of a later cell is not shown again
  const seen = new Set<string>();
  const cellLine = (line: number): number => {
    let start = 1;
    for (const c of cells) if (c.startLine <= line) start = c.startLine;
    return line - start + 1;
  };
  for (const cell of cells) {
    out.length = 0;
    const warnings: { category: string; message: string }[] = [];
    setWarningSink((category, message, origin) => {
      // a warning located in torch's own code is shown once per process (across cells)
      const registry = origin === 'library' ? shownFromLibrary : seen;
      const key = origin === 'library' ? `${category}|${message}` : `${category}|${message}|${cellLine(ip.currentRange?.line ?? 0)}`;
      if (registry.has(key)) return;
      registry.add(key);
      warnings.push({ category, message });
    });
    let error: string | null = null;
    let errorRange: A.Range | undefined;
    let display: string | undefined;
    try {
      const mod = parseModule(cell.source, { startLine: cell.startLine, startOffset: cell.startOffset });
      ip.startBudget();
      const body = mod.body;
      const last = body[body.length - 1];
      for (const s of body) {
        if (s === last && s.kind === 'ExprStmt') {
          ip.currentRange = s.range;
          rt.onStatement(s.range);
          let v;
          try {
            v = ip.eval(s.value, ip.globals);
          } catch (e) {
            throw ip.locate(e, s.range);
          }
          if (v !== null) {
            display = ip.repr(v);
            out.push(display + '\n');
          }
        } else ip.exec(s, ip.globals);
      }
    } catch (e) {
      if (e instanceof PySyntaxError) {
        error = `${e.errorType}: ${e.message}`;
        errorRange = e.range;
      } else if (e instanceof PyError) {
        error = `${e.pyType}: ${e.message}`;
        errorRange = e.range;
      } else if (e instanceof RangeError) {
        error = `RecursionError: maximum recursion depth exceeded`;
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        error = `InternalError: ${msg}`;
      }
      setGradEnabled(true);
    }
    setWarningSink(() => {});
    results.push({ stdout: out.join(''), warnings, error, ...(errorRange ? { errorRange } : {}), ...(display !== undefined ? { display } : {}) });
    if (error) break;
  }
  return { cells: results, runtime: rt, interpreter: ip };
}
