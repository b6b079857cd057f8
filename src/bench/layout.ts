/**
 * The project's layout, if it was there when the benchmark was built. esbuild bundles every
 * file the glob below matches at build time; with no layout yet it matches nothing (esbuild
 * warns "did not match any files") and the layout workloads are reported as skipped.
 *
 * Preferred entry: `layoutTrace(trace, options)` (the trace → picture path). If the layout only
 * offers `layoutGraph({nodes, edges}, options)`, the trace is turned into its input here the
 * way the graph panel draws it: a box per grad_fn node and per tensor, edges tensor → grad_fn,
 * grad_fn → next_functions, AccumulateGrad → its leaf, and grad_fn → each tensor it saved.
 */
import type { Trace } from '../trace/trace';
import type { SyntheticGraph } from './graphs';

export type LayoutFn = (g: SyntheticGraph) => unknown;

const MODULES = ['index', 'layoutTrace', 'layout', 'layered'];

interface GraphInput {
  nodes: { id: string; w: number; h: number; bottom?: boolean }[];
  edges: { from: string; to: string }[];
}

export function graphInput(g: SyntheticGraph): GraphInput {
  const { trace, saved } = g;
  const nodes: GraphInput['nodes'] = [];
  const edges: GraphInput['edges'] = [];
  for (const t of trace.tensors) nodes.push({ id: t.id, w: 96, h: 40, bottom: t.isLeaf });
  for (const n of trace.nodes) {
    nodes.push({ id: n.id, w: 16 + 7 * n.name.length, h: 26, bottom: n.kind === 'accumulate' });
    const seen = new Set<string>();
    for (const e of n.next) if (e && !seen.has(e.node)) seen.add(e.node) && edges.push({ from: n.id, to: e.node });
    if (n.variable) edges.push({ from: n.id, to: n.variable });
    for (const t of saved.get(n.id) ?? []) if (!n.outputs.includes(t)) edges.push({ from: n.id, to: t });
  }
  for (const t of trace.tensors) if (t.gradFn) edges.push({ from: t.id, to: t.gradFn });
  return { nodes, edges };
}

export function findLayout(): { fn: LayoutFn; where: string } | null {
  const found: { mod: Record<string, unknown>; file: string }[] = [];
  for (const file of MODULES) {
    try {
      const dir = 'webview';
      found.push({ mod: require(`../${dir}/layout/${file}.ts`), file });
    } catch {
      // not there
    }
  }
  for (const { mod, file } of found) {
    const f = mod.layoutTrace;
    if (typeof f === 'function') return { fn: (g) => (f as (t: Trace, o?: unknown) => unknown)(g.trace, {}), where: `src/webview/layout/${file}.ts layoutTrace()` };
  }
  for (const { mod, file } of found) {
    const f = mod.layoutGraph;
    if (typeof f === 'function') {
      return { fn: (g) => (f as (x: GraphInput, o?: unknown) => unknown)(graphInput(g), {}), where: `src/webview/layout/${file}.ts layoutGraph() on a tensor + grad_fn graph` };
    }
  }
  return null;
}
