/**
 * The trace of a run: the contract between the engine (or any front end, or a real PyTorch
 * process), the extension and the webview. Plain JSON; documented in docs/trace-format.md.
 * Pure types and pure functions only: both the extension and the webview bundle import this.
 */
export const TRACE_VERSION = 1;

/** Lines are 1-based, columns 0-based, in the file the snippet came from. */
export interface SourceRange {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** A tensor value as shown: the data (capped), and PyTorch's repr of it. */
export interface TraceValue {
  shape: number[];
  dtype: string;
  /** Row-major values, at most VALUE_CAP of them (see `truncated`). NaN/±Infinity as strings. */
  data: (number | string)[];
  truncated: boolean;
  /** Exactly what PyTorch prints for this tensor (without grad_fn / requires_grad suffixes). */
  text: string;
}

export const VALUE_CAP = 256;

export interface TraceTensor {
  id: string;
  /** The Python names bound to it at the end of the run (`x`, `model.lin.weight`, `params[0]`). */
  names: string[];
  value: TraceValue;
  requiresGrad: boolean;
  isLeaf: boolean;
  isParameter: boolean;
  retainsGrad: boolean;
  /** The node that made it (its grad_fn), or null for leaves. */
  gradFn: string | null;
  outputNr: number;
  /** Its .grad at the end of the run. */
  grad: TraceValue | null;
  /** The statement that created it. */
  range: SourceRange | null;
}

export interface TraceEdge {
  node: string;
  inputNr: number;
}

export interface TraceNode {
  id: string;
  /** PyTorch's class name: MulBackward0, AccumulateGrad, … */
  name: string;
  /** PyTorch's sequence number (creation order); the engine runs the highest ready one first. */
  seq: number;
  kind: 'function' | 'accumulate';
  /** next_functions: one entry per input; null where the input needs no gradient. */
  next: (TraceEdge | null)[];
  /** The tensors it produced (its outputs), where they are in the trace. */
  outputs: (string | null)[];
  /** For AccumulateGrad: the leaf tensor. */
  variable: string | null;
  /** Names of the tensors it saved for backward (_saved_self, …). */
  saved: string[];
  /** The local derivative, e.g. "∂out/∂self = other". */
  formula: string;
  range: SourceRange | null;
}

export interface TraceContribution {
  /** The node that sent this gradient; null for the gradient backward() started with. */
  from: string | null;
  grad: TraceValue;
}

/** One node execution during backward, in PyTorch's order. */
export interface TraceStep {
  node: string;
  /** Gradient w.r.t. each output of the node, summed over its consumers. */
  gradIn: (TraceValue | null)[];
  /** For each output, the gradients that were summed. */
  contributions: TraceContribution[][];
  /** Gradient sent along each of node.next. */
  gradOut: (TraceValue | null)[];
  accumulation?: { tensor: string; before: TraceValue | null; incoming: TraceValue; after: TraceValue };
}

export interface TracePass {
  index: number;
  kind: 'backward' | 'grad';
  /** The tensor backward() was called on. */
  root: string;
  /** The gradient it started with (ones for a scalar, or the v of backward(v)). */
  gradient: TraceValue | null;
  range: SourceRange | null;
  steps: TraceStep[];
}

export interface TraceOptimizerStep {
  index: number;
  optimizer: string;
  range: SourceRange | null;
  params: { tensor: string; before: TraceValue; after: TraceValue }[];
}

export interface TraceCell {
  index: number;
  startLine: number;
  stdout: string;
  warnings: { category: string; message: string }[];
  /** "Type: message" as Python prints it. */
  error: string | null;
  errorRange: SourceRange | null;
}

export interface Trace {
  version: typeof TRACE_VERSION;
  generator: string;
  cells: TraceCell[];
  tensors: TraceTensor[];
  nodes: TraceNode[];
  passes: TracePass[];
  optimizerSteps: TraceOptimizerStep[];
}

/** Checks the shape of untrusted trace JSON; returns an error message or null. */
export function validateTrace(t: unknown): string | null {
  if (!t || typeof t !== 'object') return 'trace is not an object';
  const o = t as Record<string, unknown>;
  if (o.version !== TRACE_VERSION) return `unsupported trace version ${String(o.version)}`;
  for (const k of ['cells', 'tensors', 'nodes', 'passes', 'optimizerSteps']) {
    if (!Array.isArray(o[k])) return `trace.${k} must be an array`;
  }
  const ids = new Set<string>();
  for (const n of o.nodes as TraceNode[]) {
    if (typeof n?.id !== 'string' || typeof n.name !== 'string' || !Array.isArray(n.next)) return 'malformed node';
    ids.add(n.id);
  }
  for (const n of o.nodes as TraceNode[]) {
    for (const e of n.next) if (e && !ids.has(e.node)) return `node ${n.id} points to unknown node ${e.node}`;
  }
  for (const p of o.passes as TracePass[]) {
    if (!Array.isArray(p?.steps)) return 'malformed pass';
    for (const s of p.steps) if (!ids.has(s.node)) return `pass ${p.index} steps through unknown node ${s.node}`;
  }
  return null;
}

export function nodeById(trace: Trace): Map<string, TraceNode> {
  return new Map(trace.nodes.map((n) => [n.id, n]));
}

export function tensorById(trace: Trace): Map<string, TraceTensor> {
  return new Map(trace.tensors.map((t) => [t.id, t]));
}
