/**
 * Finds repeated structure in a trace's graph: consecutive loop iterations (training steps,
 * `x = x * w` unrolled 3,000 times, backward called in a loop) that built the same subgraph.
 *
 * The function nodes in creation order (`seq`) form a sequence; each gets a key made of its
 * PyTorch name, the statement that made it, and where its next_functions point — relative to
 * itself for function nodes (so iteration k's edges look like iteration k+1's), by identity for
 * shared AccumulateGrad nodes (the same parameters every step), and just "a private leaf" for an
 * AccumulateGrad only it uses. A run is a block of keys repeated back to back at least twice;
 * runs are found greedily left to right with rolling hashes (verified exactly), trying as
 * periods only the distances to the next few occurrences of the block's first key, so the whole
 * scan is linear in practice.
 */
import type { Trace } from '../../trace/trace';

export interface RepeatRun {
  /** Stable id: "run:" + the first node id of the first block. */
  id: string;
  /** Nodes per block (function nodes only). */
  period: number;
  /** Node ids of each block, including AccumulateGrad nodes private to the block. */
  blocks: string[][];
  /** PyTorch names in the first block, in creation order. */
  names: string[];
  /** Source lines the block's nodes came from (min, max), if known. */
  lines: [number, number] | null;
}

const MAX_PERIOD = 512;
const CANDIDATES = 6;

export function findRepeats(trace: Trace): RepeatRun[] {
  const nodes = trace.nodes;
  const idx = new Map<string, number>();
  nodes.forEach((n, i) => idx.set(n.id, i));
  // consumers per node (in-degree), to tell private leaves from shared ones
  const indeg = new Int32Array(nodes.length);
  for (const n of nodes) for (const e of n.next) if (e) {
    const j = idx.get(e.node);
    if (j !== undefined) indeg[j]++;
  }
  const seqOrder: number[] = [];
  nodes.forEach((n, i) => {
    if (n.kind === 'function') seqOrder.push(i);
  });
  seqOrder.sort((a, b) => nodes[a].seq - nodes[b].seq || a - b);
  const S = seqOrder.length;
  const posOf = new Int32Array(nodes.length).fill(-1);
  seqOrder.forEach((i, p) => (posOf[i] = p));

  const keyIds = new Map<string, number>();
  const keys = new Int32Array(S);
  for (let p = 0; p < S; p++) {
    const n = nodes[seqOrder[p]];
    let k = n.name + '@' + (n.range ? `${n.range.line}:${n.range.col}` : '') + '|' + n.outputs.length + '|';
    for (const e of n.next) {
      if (!e) {
        k += 'x,';
        continue;
      }
      const j = idx.get(e.node);
      if (j === undefined) k += '?,';
      else if (nodes[j].kind === 'accumulate') k += indeg[j] === 1 ? 'a,' : `A${e.node},`;
      else k += `F${posOf[j] - p}.${e.inputNr},`;
    }
    let id = keyIds.get(k);
    if (id === undefined) keyIds.set(k, (id = keyIds.size + 1));
    keys[p] = id;
  }

  // Rolling hashes (two, mod 2^32) over the key sequence.
  const B1 = 0x9e3779b1 | 0;
  const B2 = 0x85ebca6b | 0;
  const h1 = new Int32Array(S + 1);
  const h2 = new Int32Array(S + 1);
  const p1 = new Int32Array(S + 1);
  const p2 = new Int32Array(S + 1);
  p1[0] = p2[0] = 1;
  for (let i = 0; i < S; i++) {
    h1[i + 1] = (Math.imul(h1[i], B1) + keys[i]) | 0;
    h2[i + 1] = (Math.imul(h2[i], B2) + keys[i] * 7) | 0;
    p1[i + 1] = Math.imul(p1[i], B1);
    p2[i + 1] = Math.imul(p2[i], B2);
  }
  const sub1 = (a: number, len: number) => (h1[a + len] - Math.imul(h1[a], p1[len])) | 0;
  const sub2 = (a: number, len: number) => (h2[a + len] - Math.imul(h2[a], p2[len])) | 0;
  const same = (a: number, b: number, len: number) => sub1(a, len) === sub1(b, len) && sub2(a, len) === sub2(b, len);
  const exact = (a: number, b: number, len: number) => {
    for (let q = 0; q < len; q++) if (keys[a + q] !== keys[b + q]) return false;
    return true;
  };
  // next occurrence of the same key
  const nextOcc = new Int32Array(S).fill(-1);
  {
    const last = new Map<number, number>();
    for (let i = S - 1; i >= 0; i--) {
      nextOcc[i] = last.get(keys[i]) ?? -1;
      last.set(keys[i], i);
    }
  }

  const runs: RepeatRun[] = [];
  let i = 0;
  while (i < S) {
    let bestP = 0;
    let bestC = 0;
    let j = nextOcc[i];
    for (let c = 0; c < CANDIDATES && j >= 0 && j - i <= MAX_PERIOD; c++, j = nextOcc[j]) {
      const p = j - i;
      if (i + 2 * p > S || !same(i, j, p) || !exact(i, j, p)) continue;
      let count = 2;
      while (i + (count + 1) * p <= S && same(i, i + count * p, p) && exact(i, i + count * p, p)) count++;
      if (count * p > bestC * bestP) {
        bestP = p;
        bestC = count;
      }
    }
    if (!bestP) {
      i++;
      continue;
    }
    const blocks: string[][] = [];
    for (let b = 0; b < bestC; b++) {
      const ids: string[] = [];
      for (let q = 0; q < bestP; q++) {
        const n = nodes[seqOrder[i + b * bestP + q]];
        ids.push(n.id);
        for (const e of n.next) {
          if (!e) continue;
          const t = idx.get(e.node);
          if (t !== undefined && nodes[t].kind === 'accumulate' && indeg[t] === 1) ids.push(e.node);
        }
      }
      blocks.push(ids);
    }
    const first = seqOrder.slice(i, i + bestP).map((k) => nodes[k]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const n of first) if (n.range) {
      lo = Math.min(lo, n.range.line);
      hi = Math.max(hi, n.range.endLine);
    }
    runs.push({
      id: `run:${first[0].id}`,
      period: bestP,
      blocks,
      names: first.map((n) => n.name),
      lines: lo <= hi ? [lo, hi] : null,
    });
    i += bestC * bestP;
  }
  return runs;
}
