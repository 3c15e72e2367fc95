// Exact work sharing for causal transformers. Position i's hidden state, in every layer, depends only on the prefix
// of tokens 0..i, so a batch needs one computation per DISTINCT prefix, not one per (row, position). Modular tasks
// repeat prefixes heavily: in ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ rows the prefixes ⟨a⟩ and ⟨a⟩⟨op⟩ take only p values each, so a
// p = 97, r = 0.5 batch has 4704·4 = 18816 (row, position) slots but 9602 distinct prefixes. The plan below numbers
// the distinct prefixes ("nodes") grouped by position, and records for each node its ancestors (the nodes of its own
// prefix at earlier positions) so attention can read their keys and values. Nothing is approximated: each node's
// value is exactly what every slot sharing its prefix would have computed.
import type { RowIndex } from './gather';

export interface PrefixPlan {
  rows: number;
  seqLen: number;
  vocab: number;
  /** number of distinct prefixes */
  nodes: number;
  /** nodes of position i are [offset[i], offset[i + 1]) */
  offset: Int32Array;
  /** per node: its position */
  position: Int32Array;
  /** per node: its last token's row in a [seqLen·vocab] (position, token) table: position·vocab + token */
  slot: Int32Array;
  /** per node, per position j: the node of its prefix at j (itself for j ≥ its position): [nodes·seqLen] */
  ancestors: Int32Array;
  /** per row: its node at the last position */
  lastNode: Int32Array;
}

/** Builds the plan of `rows` token rows of length `seqLen` (row-major), tokens in [0, vocab). */
export function buildPrefixPlan(tokens: Int32Array, rows: number, seqLen: number, vocab: number): PrefixPlan {
  if (tokens.length !== rows * seqLen) throw new Error(`prefix plan: ${tokens.length} tokens for ${rows} rows of ${seqLen}`);
  // node ids per position first (a map per position keyed by parent node and token), then renumbered contiguously
  const local: Int32Array[] = []; // local[i][r]: row r's node index among position i's nodes
  const parentOf: number[][] = []; // parentOf[i][n]: node n's parent among position i−1's nodes
  const tokenOf: number[][] = [];
  for (let i = 0; i < seqLen; i++) {
    const ids = new Map<number, number>();
    const mine = new Int32Array(rows);
    const parents: number[] = [];
    const toks: number[] = [];
    for (let r = 0; r < rows; r++) {
      const tok = tokens[r * seqLen + i]!;
      if (tok < 0 || tok >= vocab) throw new Error(`prefix plan: token ${tok} outside [0, ${vocab})`);
      const parent = i === 0 ? 0 : local[i - 1]![r]!;
      const key = parent * vocab + tok;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        parents.push(parent);
        toks.push(tok);
      }
      mine[r] = id;
    }
    local.push(mine);
    parentOf.push(parents);
    tokenOf.push(toks);
  }
  const offset = new Int32Array(seqLen + 1);
  for (let i = 0; i < seqLen; i++) offset[i + 1] = offset[i]! + tokenOf[i]!.length;
  const nodes = offset[seqLen]!;
  const position = new Int32Array(nodes);
  const slot = new Int32Array(nodes);
  const ancestors = new Int32Array(nodes * seqLen);
  for (let i = 0; i < seqLen; i++) {
    const toks = tokenOf[i]!;
    for (let n = 0; n < toks.length; n++) {
      const id = offset[i]! + n;
      position[id] = i;
      slot[id] = i * vocab + toks[n]!;
      // ancestors: walk the parent chain down to position 0; later positions point at the node itself (masked)
      let at = n;
      for (let j = i; j >= 0; j--) {
        ancestors[id * seqLen + j] = offset[j]! + at;
        if (j > 0) at = parentOf[j]![at]!;
      }
      for (let j = i + 1; j < seqLen; j++) ancestors[id * seqLen + j] = id;
    }
  }
  const lastNode = new Int32Array(rows);
  for (let r = 0; r < rows; r++) lastNode[r] = offset[seqLen - 1]! + local[seqLen - 1]![r]!;
  return { rows, seqLen, vocab, nodes, offset, position, slot, ancestors, lastNode };
}

/** For each position j, the rows of nodes [from, to)'s ancestors at j among the `nodes` rows. */
export function ancestorColumns(plan: PrefixPlan, from: number, to: number): RowIndex[] {
  const L = plan.seqLen;
  return Array.from({ length: L }, (_, j) => {
    const idx = new Int32Array(to - from);
    for (let n = from; n < to; n++) idx[n - from] = plan.ancestors[n * L + j]!;
    return { idx, rows: plan.nodes };
  });
}

/** The same ancestors as rows of the [seqLen·vocab] (position, token) table: what the first block reads. */
export function ancestorSlotColumns(plan: PrefixPlan, from: number, to: number): RowIndex[] {
  return ancestorColumns(plan, from, to).map(({ idx }) => ({ idx: idx.map((n) => plan.slot[n]!), rows: plan.seqLen * plan.vocab }));
}

/**
 * [(to − from), seqLen] additive mask: 0 where the ancestor position j ≤ the node's position, −1e9 after it (those
 * columns point at the node itself and get weight 0); null when no node of the range needs masking.
 */
export function ancestorMask(plan: PrefixPlan, from: number, to: number): Float32Array | null {
  const L = plan.seqLen;
  const m = new Float32Array((to - from) * L);
  let any = false;
  for (let n = from; n < to; n++)
    for (let j = plan.position[n]! + 1; j < L; j++) {
      m[(n - from) * L + j] = -1e9;
      any = true;
    }
  return any ? m : null;
}
