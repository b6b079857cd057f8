/**
 * The layout of a whole trace, as the panel draws it: trace → drawn graph (repeated iterations
 * collapsed into group nodes unless asked otherwise) → layered layout. Pure; runs in Node for the
 * benchmark and tests.
 *
 * Input: a `Trace` (src/trace/trace.ts, docs/trace-format.md). What the layout reads of it:
 * `nodes[]` (id, name, seq, kind, next[{node,inputNr}|null], outputs, variable, range.line),
 * `tensors[]` (id, names, value.shape/dtype/data, requiresGrad, isLeaf, isParameter, retainsGrad,
 * gradFn, outputNr) and `passes[].root`. Nothing else (steps, values beyond the preview) matters
 * for the picture.
 *
 * Options: `collapse` — 'auto' (default, what the panel does: long or big runs of identical
 * iterations become one "× N iterations" node), 'none' (every node laid out: the raw layout cost),
 * 'all'; `expanded` per-run overrides; `focus` a trace node whose iteration stays expanded; plus
 * the layered layout's own options (gaps, sweeps).
 */
import type { Trace } from '../../trace/trace';
import { buildDrawGraph, DrawGraph, ModelOptions } from '../model/graphModel';
import { LayoutGraphInput, layoutGraph, LayoutOptions, LayoutResult } from './layered';

export type LayoutTraceOptions = ModelOptions & LayoutOptions;

export interface TraceLayout extends LayoutResult {
  graph: DrawGraph;
}

/** What the layered layout gets for a drawn graph. */
export function layoutInput(graph: DrawGraph): LayoutGraphInput {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, w: n.w, h: n.h, bottom: n.bottom })),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, fromPort: e.fromPort })),
  };
}

/** {nodes: {id,x,y,w,h}[] (x,y top-left), edges: {from,to,points}[], width, height} for a trace. */
export function layoutTrace(trace: Trace, options: LayoutTraceOptions = {}): TraceLayout {
  const graph = buildDrawGraph(trace, options);
  const result = layoutGraph(layoutInput(graph), options);
  return { ...result, graph };
}
