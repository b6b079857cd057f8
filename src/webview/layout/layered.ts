/**
 * A layered (Sugiyama-style) layout specialised to autograd graphs: sources (the outputs
 * backward() starts from) at the top, edges pointing down to next_functions, nodes marked
 * `bottom` (AccumulateGrad and leaf tensors) pushed to the bottom of their component.
 *
 * Why our own: elkjs, dagre and d3-dag take seconds at 1,000 autograd nodes and overflow the
 * stack at 5,000-10,000. This one has no recursion (every graph walk keeps its own stack), keeps
 * the hot data in typed arrays, and is linear or n·log n in every phase:
 *
 *   1. weakly connected components, each laid out on its own and shelf-packed at the end, so a
 *      notebook's separate graphs read left-to-right, top-to-bottom in creation order;
 *   2. back edges of any cycle reversed (autograd graphs have none, but input is untrusted);
 *   3. longest-path layering, sources pulled down next to their first consumer, `bottom` nodes
 *      pushed to the component's last layers;
 *   4. edges longer than one layer split by dummy nodes (within a budget; the rest drawn direct);
 *   5. barycenter crossing reduction, a few down/up sweeps, keeping the order with the fewest
 *      crossings (counted exactly with a Fenwick tree);
 *   6. x coordinates: sweeps in which every layer is placed as close as possible (least squares)
 *      to where its neighbours pull it, subject to no overlap — solved exactly per layer by
 *      weighted isotonic regression (pool adjacent violators). Chains come out straight because
 *      a node with one neighbour is pulled exactly under it.
 *
 * `layoutGraphSteps` is a generator that yields between phases, so a caller without a worker can
 * run it in time slices; `layoutGraph` runs it to the end.
 */

/** A box to place. `w`/`h` in pixels. */
export interface LayoutNodeInput {
  id: string;
  w: number;
  h: number;
  /** Push to the bottom of its component (AccumulateGrad nodes, leaf tensors). */
  bottom?: boolean;
}

/** An edge drawn from `from` (above) down to `to` (below). Ports are x offsets from the node's left edge; centre by default. */
export interface LayoutEdgeInput {
  from: string;
  to: string;
  fromPort?: number;
  toPort?: number;
}

export interface LayoutGraphInput {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

export interface LayoutOptions {
  /** Vertical space between layers (default 52). */
  layerGap?: number;
  /** Horizontal space between neighbouring boxes (default 22). */
  nodeGap?: number;
  /** Space between packed components (default 56). */
  componentGap?: number;
  /** Crossing-reduction sweeps, each one down and one up (default 6). */
  sweeps?: number;
  /** Coordinate-assignment sweeps (default 6). */
  coordSweeps?: number;
  /** Width / height the packing of components aims for (default 1.6). */
  aspect?: number;
  /** Most dummy nodes created for long edges (default max(20000, 4·nodes)). */
  maxDummies?: number;
}

export interface LayoutPoint {
  x: number;
  y: number;
}

/** `x`, `y` are the top-left corner. */
export interface LayoutNode {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  layer: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
  /** From the bottom of `from` to the top of `to`, through the dummy positions of long edges. */
  points: LayoutPoint[];
}

export interface LayoutResult {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  width: number;
  height: number;
  /** Layers of the deepest component. */
  layers: number;
  /** Edge crossings left (sum over components, between adjacent layers). */
  crossings: number;
}

const DUMMY_W = 8;

interface Opts {
  layerGap: number;
  nodeGap: number;
  componentGap: number;
  sweeps: number;
  coordSweeps: number;
  aspect: number;
  maxDummies: number;
}

/** Lays the graph out in one go. */
export function layoutGraph(g: LayoutGraphInput, options: LayoutOptions = {}): LayoutResult {
  const it = layoutGraphSteps(g, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** The same layout as a generator that yields between phases (for time-sliced runs on a UI thread). */
export function* layoutGraphSteps(g: LayoutGraphInput, options: LayoutOptions = {}): Generator<void, LayoutResult, void> {
  const N = g.nodes.length;
  const o: Opts = {
    layerGap: options.layerGap ?? 52,
    nodeGap: options.nodeGap ?? 22,
    componentGap: options.componentGap ?? 56,
    sweeps: options.sweeps ?? 6,
    coordSweeps: options.coordSweeps ?? 6,
    aspect: options.aspect ?? 1.6,
    maxDummies: options.maxDummies ?? Math.max(20000, 4 * N),
  };
  const index = new Map<string, number>();
  const W = new Float64Array(N);
  const H = new Float64Array(N);
  const bottom = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const n = g.nodes[i];
    if (index.has(n.id)) throw new Error(`layout: duplicate node id ${n.id}`);
    index.set(n.id, i);
    W[i] = Math.max(1, +n.w || 0);
    H[i] = Math.max(1, +n.h || 0);
    bottom[i] = n.bottom ? 1 : 0;
  }

  // Edges as numbers; unknown endpoints and self-loops are dropped (nothing to draw between layers).
  const E0 = g.edges.length;
  const eFrom = new Int32Array(E0);
  const eTo = new Int32Array(E0);
  const ePortFrom = new Float64Array(E0);
  const ePortTo = new Float64Array(E0);
  const eOrig = new Int32Array(E0);
  let E = 0;
  for (let k = 0; k < E0; k++) {
    const e = g.edges[k];
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    eFrom[E] = a;
    eTo[E] = b;
    ePortFrom[E] = clampPort(e.fromPort, W[a]);
    ePortTo[E] = clampPort(e.toPort, W[b]);
    eOrig[E] = k;
    E++;
  }

  // 1. Components (union-find with path halving), numbered in order of their first node.
  const parent = new Int32Array(N);
  for (let i = 0; i < N; i++) parent[i] = i;
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let k = 0; k < E; k++) {
    const ra = find(eFrom[k]);
    const rb = find(eTo[k]);
    if (ra !== rb) parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
  }
  const compOf = new Int32Array(N);
  const compIdOfRoot = new Int32Array(N).fill(-1);
  let C = 0;
  for (let i = 0; i < N; i++) {
    const r = find(i);
    if (compIdOfRoot[r] < 0) compIdOfRoot[r] = C++;
    compOf[i] = compIdOfRoot[r];
  }
  // Nodes and edges grouped by component (counting sort keeps input order inside each).
  const compNodeStart = new Int32Array(C + 1);
  for (let i = 0; i < N; i++) compNodeStart[compOf[i] + 1]++;
  for (let c = 0; c < C; c++) compNodeStart[c + 1] += compNodeStart[c];
  const compNodes = new Int32Array(N);
  const local = new Int32Array(N);
  {
    const fill = compNodeStart.slice(0, C);
    for (let i = 0; i < N; i++) {
      const c = compOf[i];
      local[i] = fill[c] - compNodeStart[c];
      compNodes[fill[c]++] = i;
    }
  }
  const compEdgeStart = new Int32Array(C + 1);
  for (let k = 0; k < E; k++) compEdgeStart[compOf[eFrom[k]] + 1]++;
  for (let c = 0; c < C; c++) compEdgeStart[c + 1] += compEdgeStart[c];
  const compEdges = new Int32Array(E);
  {
    const fill = compEdgeStart.slice(0, C);
    for (let k = 0; k < E; k++) compEdges[fill[compOf[eFrom[k]]]++] = k;
  }

  // Each component laid out in its own coordinates.
  const X = new Float64Array(N); // left, relative to the component until packing
  const Y = new Float64Array(N);
  const layerOut = new Int32Array(N);
  const compW = new Float64Array(C);
  const compH = new Float64Array(C);
  const edgePts: (number[] | null)[] = new Array(E).fill(null);
  let crossings = 0;
  let maxLayers = 0;
  let work = 0;
  const dummyBudget = { left: o.maxDummies };
  for (let c = 0; c < C; c++) {
    const n0 = compNodeStart[c];
    const n = compNodeStart[c + 1] - n0;
    const m0 = compEdgeStart[c];
    const m = compEdgeStart[c + 1] - m0;
    if (n === 1) {
      const v = compNodes[n0];
      X[v] = 0;
      Y[v] = 0;
      compW[c] = W[v];
      compH[c] = H[v];
      maxLayers = Math.max(maxLayers, 1);
      continue;
    }
    const comp = yield* layoutComponent(
      { n, m, nodes: compNodes.subarray(n0, n0 + n), edges: compEdges.subarray(m0, m0 + m), local, W, H, bottom, eFrom, eTo, ePortFrom, ePortTo },
      o,
      dummyBudget,
      X,
      Y,
      layerOut,
      edgePts,
    );
    compW[c] = comp.width;
    compH[c] = comp.height;
    crossings += comp.crossings;
    maxLayers = Math.max(maxLayers, comp.layers);
    work += n + m;
    if (work > 4000) {
      work = 0;
      yield;
    }
  }

  // Shelf-pack the components in order: rows about as wide as the aspect ratio asks.
  let area = 0;
  let widest = 0;
  for (let c = 0; c < C; c++) {
    area += (compW[c] + o.componentGap) * (compH[c] + o.componentGap);
    widest = Math.max(widest, compW[c]);
  }
  const rowWidth = Math.max(widest, Math.sqrt(area * o.aspect));
  const offX = new Float64Array(C);
  const offY = new Float64Array(C);
  let rx = 0;
  let ry = 0;
  let rowH = 0;
  let width = 0;
  for (let c = 0; c < C; c++) {
    if (rx > 0 && rx + compW[c] > rowWidth) {
      ry += rowH + o.componentGap;
      rx = 0;
      rowH = 0;
    }
    offX[c] = rx;
    offY[c] = ry;
    rx += compW[c] + o.componentGap;
    rowH = Math.max(rowH, compH[c]);
    width = Math.max(width, offX[c] + compW[c]);
  }
  const height = C ? ry + rowH : 0;

  const nodes: LayoutNode[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const c = compOf[i];
    nodes[i] = { id: g.nodes[i].id, x: X[i] + offX[c], y: Y[i] + offY[c], w: W[i], h: H[i], layer: layerOut[i] };
  }
  const edges: LayoutEdge[] = [];
  for (let k = 0; k < E; k++) {
    const pts = edgePts[k];
    const c = compOf[eFrom[k]];
    const points: LayoutPoint[] = [];
    if (pts) for (let j = 0; j < pts.length; j += 2) points.push({ x: pts[j] + offX[c], y: pts[j + 1] + offY[c] });
    const e = g.edges[eOrig[k]];
    edges.push({ from: e.from, to: e.to, points });
  }
  return { nodes, edges, width, height, layers: maxLayers, crossings };
}

function clampPort(p: number | undefined, w: number): number {
  if (p === undefined || !Number.isFinite(p)) return w / 2;
  return Math.min(Math.max(p, 0), w);
}

interface CompInput {
  n: number;
  m: number;
  /** Global indices of the component's nodes; `local[global]` is the position in this list. */
  nodes: Int32Array;
  edges: Int32Array;
  local: Int32Array;
  W: Float64Array;
  H: Float64Array;
  bottom: Uint8Array;
  eFrom: Int32Array;
  eTo: Int32Array;
  ePortFrom: Float64Array;
  ePortTo: Float64Array;
}

function* layoutComponent(
  ci: CompInput,
  o: Opts,
  budget: { left: number },
  X: Float64Array,
  Y: Float64Array,
  layerOut: Int32Array,
  edgePts: (number[] | null)[],
): Generator<void, { width: number; height: number; crossings: number; layers: number }, void> {
  const { n, m } = ci;
  const big = n + m > 3000;
  // Local edge arrays (u above v after cycle breaking).
  const eu = new Int32Array(m);
  const ev = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const k = ci.edges[j];
    eu[j] = ci.local[ci.eFrom[k]];
    ev[j] = ci.local[ci.eTo[k]];
  }
  let { start: outStart, adj: outAdj } = csr(n, m, eu, ev);

  // 2. Cycle breaking: an iterative DFS; edges into a node on the stack are reversed.
  const reversed = new Uint8Array(m);
  {
    const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
    const stack = new Int32Array(n);
    const cursor = new Int32Array(n);
    let anyReversed = false;
    for (let s = 0; s < n; s++) {
      if (state[s]) continue;
      let sp = 0;
      stack[sp++] = s;
      state[s] = 1;
      cursor[s] = outStart[s];
      while (sp) {
        const v = stack[sp - 1];
        if (cursor[v] < outStart[v + 1]) {
          const j = outAdj[cursor[v]++];
          const w = ev[j];
          if (state[w] === 0) {
            state[w] = 1;
            cursor[w] = outStart[w];
            stack[sp++] = w;
          } else if (state[w] === 1) {
            reversed[j] = 1;
            anyReversed = true;
          }
        } else {
          state[v] = 2;
          sp--;
        }
      }
    }
    if (anyReversed) {
      for (let j = 0; j < m; j++) {
        if (reversed[j]) {
          const t = eu[j];
          eu[j] = ev[j];
          ev[j] = t;
        }
      }
      ({ start: outStart, adj: outAdj } = csr(n, m, eu, ev));
    }
  }
  const { start: inStart } = csr(n, m, ev, eu);

  // 3. Layering. Kahn's order, then longest path from the sources.
  const topo = new Int32Array(n);
  {
    const indeg = new Int32Array(n);
    for (let j = 0; j < m; j++) indeg[ev[j]]++;
    let head = 0;
    let tail = 0;
    for (let v = 0; v < n; v++) if (indeg[v] === 0) topo[tail++] = v;
    while (head < tail) {
      const v = topo[head++];
      for (let p = outStart[v]; p < outStart[v + 1]; p++) {
        const w = ev[outAdj[p]];
        if (--indeg[w] === 0) topo[tail++] = w;
      }
    }
  }
  const layer = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const v = topo[t];
    for (let p = outStart[v]; p < outStart[v + 1]; p++) {
      const w = ev[outAdj[p]];
      if (layer[w] < layer[v] + 1) layer[w] = layer[v] + 1;
    }
  }
  // Sources sit right above their highest consumer (a named output feeding a deep node).
  for (let t = n - 1; t >= 0; t--) {
    const v = topo[t];
    if (inStart[v + 1] !== inStart[v] || outStart[v + 1] === outStart[v]) continue;
    let min = 0x7fffffff;
    for (let p = outStart[v]; p < outStart[v + 1]; p++) min = Math.min(min, layer[ev[outAdj[p]]]);
    layer[v] = min - 1;
  }
  // `bottom` nodes go to the component's last layers, keeping what hangs below them.
  {
    let anyBottom = false;
    for (let v = 0; v < n; v++) if (ci.bottom[ci.nodes[v]]) anyBottom = true;
    if (anyBottom) {
      const below = new Int32Array(n);
      let depth = 0;
      for (let t = n - 1; t >= 0; t--) {
        const v = topo[t];
        for (let p = outStart[v]; p < outStart[v + 1]; p++) below[v] = Math.max(below[v], below[ev[outAdj[p]]] + 1);
        depth = Math.max(depth, layer[v] + below[v]);
      }
      for (let v = 0; v < n; v++) if (ci.bottom[ci.nodes[v]]) layer[v] = Math.max(layer[v], depth - below[v]);
      for (let t = 0; t < n; t++) {
        const v = topo[t];
        for (let p = outStart[v]; p < outStart[v + 1]; p++) {
          const w = ev[outAdj[p]];
          if (layer[w] < layer[v] + 1) layer[w] = layer[v] + 1;
        }
      }
    }
  }
  let L = 0;
  {
    let min = 0x7fffffff;
    for (let v = 0; v < n; v++) min = Math.min(min, layer[v]);
    for (let v = 0; v < n; v++) {
      layer[v] -= min;
      L = Math.max(L, layer[v] + 1);
    }
  }
  if (big) yield;

  // 4. Dummy nodes for long edges, within the budget (longest edges go without when it runs out).
  let dummyCount = 0;
  const withDummies = new Uint8Array(m);
  {
    let need = 0;
    for (let j = 0; j < m; j++) need += Math.max(0, layer[ev[j]] - layer[eu[j]] - 1);
    if (need <= budget.left) {
      withDummies.fill(1);
      dummyCount = need;
      budget.left -= need;
    } else {
      const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => layer[ev[a]] - layer[eu[a]] - (layer[ev[b]] - layer[eu[b]]));
      for (const j of order) {
        const span = layer[ev[j]] - layer[eu[j]] - 1;
        if (span > budget.left) break;
        budget.left -= span;
        dummyCount += span;
        withDummies[j] = 1;
      }
    }
  }
  const M = n + dummyCount;
  const lay = new Int32Array(M);
  const wid = new Float64Array(M);
  const isDummy = new Uint8Array(M);
  lay.set(layer);
  for (let v = 0; v < n; v++) wid[v] = ci.W[ci.nodes[v]];
  // Segments between adjacent layers: (upper, lower, port on upper's bottom, port on lower's top).
  let S = 0;
  for (let j = 0; j < m; j++) if (withDummies[j]) S += layer[ev[j]] - layer[eu[j]];
  const segU = new Int32Array(S);
  const segL = new Int32Array(S);
  const segPU = new Float64Array(S);
  const segPL = new Float64Array(S);
  const chainStart = new Int32Array(m).fill(-1); // first dummy of edge j's chain
  {
    let d = n;
    let s = 0;
    for (let j = 0; j < m; j++) {
      if (!withDummies[j]) continue;
      const k = ci.edges[j];
      const pu = reversed[j] ? wid[eu[j]] / 2 : ci.ePortFrom[k];
      const pl = reversed[j] ? wid[ev[j]] / 2 : ci.ePortTo[k];
      let prev = eu[j];
      let prevPort = pu;
      const span = layer[ev[j]] - layer[eu[j]];
      if (span > 1) chainStart[j] = d;
      for (let q = 1; q < span; q++) {
        lay[d] = layer[eu[j]] + q;
        wid[d] = DUMMY_W;
        isDummy[d] = 1;
        segU[s] = prev;
        segL[s] = d;
        segPU[s] = prevPort;
        segPL[s] = DUMMY_W / 2;
        s++;
        prev = d++;
        prevPort = DUMMY_W / 2;
      }
      segU[s] = prev;
      segL[s] = ev[j];
      segPU[s] = prevPort;
      segPL[s] = pl;
      s++;
    }
  }
  // Neighbour lists over segments: down (to the layer below) and up (to the layer above).
  const { start: dnStart, adj: dnSeg } = csr(M, S, segU, segL);
  const { start: upStart, adj: upSeg } = csr(M, S, segL, segU);

  // Layers as slices of one array, ordered by an iterative DFS from the sources (keeps subtrees together).
  const layerStart = new Int32Array(L + 1);
  for (let v = 0; v < M; v++) layerStart[lay[v] + 1]++;
  for (let l = 0; l < L; l++) layerStart[l + 1] += layerStart[l];
  const ordered = new Int32Array(M);
  const pos = new Int32Array(M);
  {
    const fill = layerStart.slice(0, L);
    const seen = new Uint8Array(M);
    const stack = new Int32Array(M);
    const place = (v: number) => {
      seen[v] = 1;
      pos[v] = fill[lay[v]] - layerStart[lay[v]];
      ordered[fill[lay[v]]++] = v;
    };
    const visitFrom = (s: number) => {
      let sp = 0;
      stack[sp++] = s;
      while (sp) {
        const v = stack[--sp];
        if (seen[v]) continue;
        place(v);
        // push children in reverse so the first input is visited first
        for (let p = dnStart[v + 1] - 1; p >= dnStart[v]; p--) {
          const w = segL[dnSeg[p]];
          if (!seen[w]) stack[sp++] = w;
        }
      }
    };
    for (let v = 0; v < M; v++) if (upStart[v + 1] === upStart[v] && !seen[v]) visitFrom(v);
    for (let v = 0; v < M; v++) if (!seen[v]) visitFrom(v);
  }
  if (big) yield;

  // 5. Crossing reduction.
  const key = new Float64Array(M);
  const countAll = () => {
    let total = 0;
    for (let l = 0; l + 1 < L; l++) total += countCrossings(layerStart, l, ordered, pos, dnStart, dnSeg, segL);
    return total;
  };
  let best = countAll();
  let bestOrdered = ordered.slice();
  const sortLayer = (l: number, down: boolean) => {
    const a = layerStart[l];
    const b = layerStart[l + 1];
    if (b - a < 2) return;
    const nStart = down ? upStart : dnStart;
    const nSeg = down ? upSeg : dnSeg;
    const other = down ? segU : segL;
    const port = down ? segPU : segPL;
    for (let i = a; i < b; i++) {
      const v = ordered[i];
      const cnt = nStart[v + 1] - nStart[v];
      if (cnt === 0) {
        key[v] = pos[v];
        continue;
      }
      let sum = 0;
      for (let p = nStart[v]; p < nStart[v + 1]; p++) {
        const sg = nSeg[p];
        const u = other[sg];
        sum += pos[u] + (wid[u] > 0 ? (port[sg] / wid[u]) * 0.8 - 0.4 : 0);
      }
      key[v] = sum / cnt;
    }
    const slice = Array.from(ordered.subarray(a, b));
    slice.sort((x, y) => key[x] - key[y] || pos[x] - pos[y]);
    for (let i = 0; i < slice.length; i++) {
      ordered[a + i] = slice[i];
      pos[slice[i]] = i;
    }
  };
  if (best > 0) {
    for (let it = 0; it < o.sweeps; it++) {
      for (let l = 1; l < L; l++) sortLayer(l, true);
      for (let l = L - 2; l >= 0; l--) sortLayer(l, false);
      const c = countAll();
      if (c < best) {
        best = c;
        bestOrdered = ordered.slice();
        if (c === 0) break;
      }
      if (big) yield;
    }
    ordered.set(bestOrdered);
    for (let l = 0; l < L; l++) for (let i = layerStart[l]; i < layerStart[l + 1]; i++) pos[ordered[i]] = i - layerStart[l];
  }

  // 6. x coordinates (centres), by least-squares sweeps with no overlap.
  const cx = new Float64Array(M);
  for (let l = 0; l < L; l++) {
    let x = 0;
    for (let i = layerStart[l]; i < layerStart[l + 1]; i++) {
      const v = ordered[i];
      cx[v] = x + wid[v] / 2;
      x += wid[v] + o.nodeGap;
    }
  }
  const want = new Float64Array(M);
  const weight = new Float64Array(M);
  const tmp = new Float64Array(Math.max(M, S) + 1);
  const pav = new PoolAdjacent(M);
  const gapBetween = (a: number, b: number) => (isDummy[a] || isDummy[b] ? o.nodeGap / 2 : o.nodeGap);
  const placeLayer = (l: number, fromUp: boolean, fromDown: boolean) => {
    const a = layerStart[l];
    const b = layerStart[l + 1];
    for (let i = a; i < b; i++) {
      const v = ordered[i];
      let cnt = 0;
      if (fromUp) cnt += collect(v, upStart, upSeg, segU, segPU, segPL, cnt);
      if (fromDown) cnt += collect(v, dnStart, dnSeg, segL, segPL, segPU, cnt);
      if (cnt === 0) {
        want[v] = cx[v];
        weight[v] = 0.05;
      } else {
        want[v] = median(tmp, cnt);
        weight[v] = isDummy[v] ? 4 : 1;
      }
    }
    pav.solve(ordered, a, b, wid, want, weight, gapBetween, cx);
  };
  // Puts the wanted centres (one per neighbour) into tmp[cnt..]; returns how many.
  const collect = (v: number, st: Int32Array, sg: Int32Array, other: Int32Array, portOther: Float64Array, portSelf: Float64Array, at: number) => {
    let c = 0;
    for (let p = st[v]; p < st[v + 1]; p++) {
      const s = sg[p];
      const u = other[s];
      tmp[at + c++] = cx[u] - wid[u] / 2 + portOther[s] - portSelf[s] + wid[v] / 2;
    }
    return c;
  };
  for (let it = 0; it < o.coordSweeps; it++) {
    for (let l = 1; l < L; l++) placeLayer(l, true, false);
    for (let l = L - 2; l >= 0; l--) placeLayer(l, false, true);
    if (big) yield;
  }
  for (let l = 0; l < L; l++) placeLayer(l, true, true);

  // y: each layer as tall as its tallest box, centred.
  const layerH = new Float64Array(L);
  for (let v = 0; v < n; v++) layerH[lay[v]] = Math.max(layerH[lay[v]], ci.H[ci.nodes[v]]);
  const layerY = new Float64Array(L + 1);
  for (let l = 0; l < L; l++) layerY[l + 1] = layerY[l] + layerH[l] + o.layerGap;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < M; v++) {
    minX = Math.min(minX, cx[v] - wid[v] / 2);
    maxX = Math.max(maxX, cx[v] + wid[v] / 2);
  }
  for (let v = 0; v < n; v++) {
    const g = ci.nodes[v];
    X[g] = cx[v] - wid[v] / 2 - minX;
    Y[g] = layerY[lay[v]] + (layerH[lay[v]] - ci.H[g]) / 2;
    layerOut[g] = lay[v];
  }

  // Edge polylines: out of the source's port, down through each dummy's layer band, into the target's port.
  for (let j = 0; j < m; j++) {
    const k = ci.edges[j];
    const a = eu[j];
    const b = ev[j];
    const ga = ci.nodes[a];
    const gb = ci.nodes[b];
    const pts: number[] = [];
    const pu = reversed[j] ? wid[a] / 2 : ci.ePortFrom[k];
    const pl = reversed[j] ? wid[b] / 2 : ci.ePortTo[k];
    pts.push(X[ga] + pu, Y[ga] + ci.H[ga]);
    if (withDummies[j] && chainStart[j] >= 0) {
      const span = layer[b] - layer[a];
      for (let q = 0; q < span - 1; q++) {
        const d = chainStart[j] + q;
        const x = cx[d] - minX;
        pts.push(x, layerY[lay[d]]);
        if (layerH[lay[d]] > 0) pts.push(x, layerY[lay[d]] + layerH[lay[d]]);
      }
    }
    pts.push(X[gb] + pl, Y[gb]);
    if (reversed[j]) {
      const r: number[] = [];
      for (let q = pts.length - 2; q >= 0; q -= 2) r.push(pts[q], pts[q + 1]);
      edgePts[k] = r;
    } else edgePts[k] = pts;
  }
  return { width: maxX - minX, height: layerY[L] - o.layerGap, crossings: best, layers: L };
}

/** Compressed adjacency: for each node, the ids of its edges (in input order). */
function csr(n: number, m: number, from: Int32Array, _to: Int32Array): { start: Int32Array; adj: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let j = 0; j < m; j++) start[from[j] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const adj = new Int32Array(m);
  for (let j = 0; j < m; j++) adj[fill[from[j]]++] = j;
  return { start, adj };
}

/** Crossings between layer l and l+1: inversions of the lower ends when segments are sorted by upper end. */
function countCrossings(
  layerStart: Int32Array,
  l: number,
  ordered: Int32Array,
  pos: Int32Array,
  dnStart: Int32Array,
  dnSeg: Int32Array,
  segL: Int32Array,
): number {
  const lowerSize = layerStart[l + 2] - layerStart[l + 1];
  if (lowerSize < 2 || layerStart[l + 1] - layerStart[l] < 1) return 0;
  const tree = new Int32Array(lowerSize + 1);
  let crossings = 0;
  let seen = 0;
  for (let i = layerStart[l]; i < layerStart[l + 1]; i++) {
    const v = ordered[i];
    const a = dnStart[v];
    const b = dnStart[v + 1];
    // the ends of one node's segments, sorted, so they don't count as crossing each other
    const ends: number[] = [];
    for (let p = a; p < b; p++) ends.push(pos[segL[dnSeg[p]]]);
    if (ends.length > 1) ends.sort((x, y) => x - y);
    for (const e of ends) {
      // count already-inserted ends strictly greater than e
      let le = 0;
      for (let q = e + 1; q > 0; q -= q & -q) le += tree[q];
      crossings += seen - le;
    }
    for (const e of ends) {
      for (let q = e + 1; q <= lowerSize; q += q & -q) tree[q]++;
      seen++;
    }
  }
  return crossings;
}

/** The median of tmp[0..cnt) (mean of the two middle values for an even count). */
function median(tmp: Float64Array, cnt: number): number {
  if (cnt === 1) return tmp[0];
  if (cnt === 2) return (tmp[0] + tmp[1]) / 2;
  const s = Array.from(tmp.subarray(0, cnt)).sort((a, b) => a - b);
  const h = cnt >> 1;
  return cnt & 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Weighted isotonic regression by pool-adjacent-violators: places the boxes of one layer, in
 * their order, at centres minimising Σ w·(c − want)² with each gap at least the minimum.
 */
class PoolAdjacent {
  private off: Float64Array;
  private bw: Float64Array;
  private bv: Float64Array;
  private bEnd: Int32Array;

  constructor(size: number) {
    this.off = new Float64Array(size);
    this.bw = new Float64Array(size);
    this.bv = new Float64Array(size);
    this.bEnd = new Int32Array(size);
  }

  solve(
    ordered: Int32Array,
    a: number,
    b: number,
    wid: Float64Array,
    want: Float64Array,
    weight: Float64Array,
    gap: (x: number, y: number) => number,
    out: Float64Array,
  ): void {
    const k = b - a;
    if (k === 0) return;
    const { off, bw, bv, bEnd } = this;
    off[0] = 0;
    for (let i = 1; i < k; i++) {
      const p = ordered[a + i - 1];
      const q = ordered[a + i];
      off[i] = off[i - 1] + (wid[p] + wid[q]) / 2 + gap(p, q);
    }
    let top = 0;
    for (let i = 0; i < k; i++) {
      const v = ordered[a + i];
      let w = weight[v];
      let val = want[v] - off[i];
      while (top > 0 && bv[top - 1] >= val) {
        top--;
        val = (bv[top] * bw[top] + val * w) / (bw[top] + w);
        w += bw[top];
      }
      bw[top] = w;
      bv[top] = val;
      bEnd[top] = i;
      top++;
    }
    let i = 0;
    for (let t = 0; t < top; t++) {
      for (; i <= bEnd[t]; i++) out[ordered[a + i]] = bv[t] + off[i];
    }
  }
}
