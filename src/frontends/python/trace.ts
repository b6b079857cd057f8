import { Tensor } from '../../core';
import type { Trace, TraceCell } from '../../trace/trace';
import { buildTrace } from '../traceBuilder';
import { CellResult, RunOptions, RunResult, runCells } from './runner';
import { Cell, splitCells } from './cells';
import { PyDict, PyInstance, PyList, PyTuple, PyValue } from './values';

/** The Python names of tensors reachable from the globals: x, model.lin.weight, params[0]. */
export function namedTensors(result: RunResult): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  const seen = new Set<unknown>();
  const walk = (name: string, v: PyValue, depth: number) => {
    if (v instanceof Tensor) {
      out.push([name, v]);
      return;
    }
    if (depth > 3 || v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof PyList || v instanceof PyTuple) {
      v.items.slice(0, 64).forEach((x, i) => walk(`${name}[${i}]`, x, depth + 1));
    } else if (v instanceof PyDict) {
      for (const [k, x] of v.entries().slice(0, 64)) if (typeof k === 'string') walk(`${name}[${JSON.stringify(k)}]`, x, depth + 1);
    } else if (v instanceof PyInstance) {
      const native = v.native as { params?: Map<string, Tensor | null>; modules?: Map<string, PyInstance> } | null;
      if (native?.params) for (const [k, p] of native.params) if (p) walk(`${name}.${k}`, p, depth + 1);
      if (native?.modules) for (const [k, m] of native.modules) walk(`${name}.${k}`, m, depth + 1);
      for (const [k, x] of v.dict) walk(`${name}.${k}`, x, depth + 1);
    }
  };
  for (const [k, v] of result.interpreter.globals.vars) if (!k.startsWith('_')) walk(k, v, 0);
  // a module's parameters are reachable both as registered parameters and as attributes
  const seenNames = new Set<string>();
  return out.filter(([n, t]) => {
    const key = `${n}\u0000${t.id}`;
    if (seenNames.has(key)) return false;
    seenNames.add(key);
    return true;
  });
}

export function traceCells(cells: Cell[], results: CellResult[]): TraceCell[] {
  return results.map((r, i) => ({
    index: i,
    startLine: cells[i]?.startLine ?? 1,
    stdout: r.stdout,
    warnings: r.warnings,
    error: r.error,
    errorRange: r.errorRange ? { line: r.errorRange.line, col: r.errorRange.col, endLine: r.errorRange.endLine, endCol: r.errorRange.endCol } : null,
  }));
}

/** The JSON trace of a Python run. */
export function traceOfRun(cells: Cell[], result: RunResult, maxNodes = 20_000): Trace {
  const rt = result.runtime;
  return buildTrace({
    cells: traceCells(cells, result.cells),
    named: namedTensors(result),
    passes: rt.passes,
    optimizerSteps: rt.optimizerSteps,
    printOptions: rt.printOptions,
    maxNodes,
  });
}

/** Splits a source into `# %%` cells, runs them and returns the trace (what the CLI's --trace writes). */
export function traceOfSource(source: string, options: RunOptions = {}): Trace {
  const cells = splitCells(source);
  return traceOfRun(cells, runCells(cells, options));
}
