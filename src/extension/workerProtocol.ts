/**
 * Messages between the extension host and the interpreter worker (dist/worker.js). The worker
 * imports the engine; the host imports only these types, so snippets never run on the host's
 * main thread.
 */
import type { SourceRange, Trace } from '../trace/trace';

/** One cell to run, with where its first line and character are in the virtual file. */
export interface SnippetCell {
  source: string;
  /** 1-based line of the cell's first line. */
  startLine: number;
  startOffset: number;
}

/** How a snippet runs: its budget, and which PyTorch behaviour to follow where 1.13 and 2.x differ. */
export interface RunSettings {
  maxSteps: number;
  maxMillis: number;
  maxElements: number;
  /** PyTorch 2.x: zero_grad() sets .grad to None (1.13, the default, zeroes it). */
  zeroGradSetsNone: boolean;
}

export type WorkerRequest =
  | {
      type: 'run';
      id: number;
      /** Either cells ready to run, or a `# %%` file to split, keeping the cells that start at or before `upToLine` (1-based). */
      input: { kind: 'cells'; cells: SnippetCell[] } | { kind: 'percentFile'; text: string; upToLine: number };
      settings: RunSettings;
    };

/** A cell as it ran: where it is, so outputs and errors can be placed in the editor. */
export interface RanCell {
  startLine: number;
  /** Number of lines in the cell's source. */
  lineCount: number;
}

export interface SyntaxProblem {
  message: string;
  range: SourceRange;
}

export type WorkerResponse =
  | { type: 'ready' }
  | {
      type: 'result';
      id: number;
      trace: Trace;
      cells: RanCell[];
      /** The first syntax error of every cell, including cells after one that failed (which did not run). */
      syntaxErrors: SyntaxProblem[];
      millis: number;
    }
  | { type: 'failed'; id: number; message: string };
