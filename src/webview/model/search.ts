/** Finding nodes by a tensor's Python name or a node's PyTorch name. */
import type { Trace } from '../../trace/trace';

export interface SearchHit {
  kind: 'tensor' | 'node';
  id: string;
  /** What matched, for the result line. */
  label: string;
  /** 0 exact, 1 prefix, 2 substring (lower is better). */
  rank: number;
}

function rank(hay: string, q: string): number {
  const h = hay.toLowerCase();
  if (h === q) return 0;
  if (h.startsWith(q)) return 1;
  if (h.includes(q)) return 2;
  return -1;
}

/** Matches, best first; ties in trace order (tensors before nodes). */
export function searchTrace(trace: Trace, query: string, limit = 500): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: SearchHit[] = [];
  for (const t of trace.tensors) {
    let best = -1;
    let label = '';
    for (const n of t.names) {
      const r = rank(n, q);
      if (r >= 0 && (best < 0 || r < best)) {
        best = r;
        label = n;
      }
    }
    if (best >= 0) hits.push({ kind: 'tensor', id: t.id, label, rank: best });
  }
  for (const n of trace.nodes) {
    const r = rank(n.name, q);
    if (r >= 0) hits.push({ kind: 'node', id: n.id, label: n.name, rank: r });
  }
  // stable: rank, then the order found
  return hits
    .map((h, i) => [h, i] as const)
    .sort((a, b) => a[0].rank - b[0].rank || a[1] - b[1])
    .slice(0, limit)
    .map(([h]) => h);
}
