// The transformer's training forward over distinct prefixes (engine/prefix): the same logits as the reference
// forward of models/transformer, computed once per prefix instead of once per (row, position). The first block's
// LayerNorm and q/k/v projections act on single tokens, so they run on the [L·vocab, d] table of (position, token)
// embeddings and are gathered; the last block computes queries, attention and MLP only for last-position nodes (the
// loss reads nothing else). Tested against the reference forward in value and gradient (compute-kernels.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './gather';
import { linear, type ModelInput } from './layers';
import { matMul } from './matmul';
import { ancestorColumns, ancestorMask, ancestorSlotColumns, buildPrefixPlan, type PrefixPlan } from './prefix';
import { norm, unembedding, type TransformerModel } from './transformer-parts';

export function prefixForward(model: TransformerModel): (input: ModelInput) => tf.Tensor2D {
  const { weights: w, shape } = model;
  const { embed, pos, blocks, lnf } = w;
  const L = shape.seqLen;
  const d = embed.shape[1]!;
  const H = model.config.heads;
  const dh = d / H;

  // Prefix plans of the inputs seen, keyed by their one-hot tensor (host data only: nothing to dispose).
  const plans = new WeakMap<tf.Tensor, PrefixPlan>();
  const planOf = (input: ModelInput): PrefixPlan => {
    let plan = plans.get(input.onehot);
    if (!plan) {
      const tokens = input.tokens ?? tf.tidy(() => tf.argMax(input.onehot, 1).dataSync() as Int32Array);
      plan = buildPrefixPlan(tokens, input.batch, L, shape.vocabSize);
      plans.set(input.onehot, plan);
    }
    return plan;
  };

  /**
   * Attention of s query nodes over their L ancestors, one ancestor position at a time: kAt[j] and vAt[j] [s, d] hold
   * each node's ancestor at position j (the node itself, masked, after its own position). With a handful of
   * positions this beats s·H tiny batched matmuls, and keeps every reduction on the innermost axis (wasm reduces other
   * axes by transposing first).
   */
  function attendNodes(q: tf.Tensor2D, kAt: tf.Tensor2D[], vAt: tf.Tensor2D[], mask: Float32Array | null): tf.Tensor2D {
    const s = q.shape[0];
    const qh = tf.mul(tf.reshape(q, [s, H, dh]), 1 / Math.sqrt(dh));
    // scores as [L, s, H]: stacking and splitting on the outer axis are contiguous copies, unlike the inner axis
    const cols = kAt.map((k) => tf.reshape(tf.sum(tf.mul(qh, tf.reshape(k, [s, H, dh])), 2), [1, s, H]));
    let scores = tf.transpose(tf.concat(cols, 0), [1, 2, 0]); // [s, H, L]
    if (mask) scores = tf.add(scores, tf.tensor3d(mask, [s, 1, L]));
    const weights = tf.split(tf.transpose(tf.softmax(scores), [2, 0, 1]), L, 0).map((x) => tf.reshape(x, [s, H, 1]));
    let out: tf.Tensor | null = null;
    vAt.forEach((v, j) => {
      const term = tf.mul(weights[j]!, tf.reshape(v, [s, H, dh]));
      out = out ? tf.add(out, term) : term;
    });
    return tf.reshape(out!, [s, d]) as tf.Tensor2D;
  }

  return (input: ModelInput) => {
    const plan = planOf(input);
    const N = plan.nodes;
    const lastFrom = plan.offset[L - 1]!;
    const V = shape.vocabSize;
    // row i·V + t: token t's embedding plus position i's
    const table = tf.reshape(tf.add(tf.reshape(pos, [L, 1, d]), embed), [L * V, d]) as tf.Tensor2D;
    let x: tf.Tensor2D | null = null; // residual stream of nodes [from, N)
    blocks.forEach((blk, i) => {
      const from = i === blocks.length - 1 ? lastFrom : 0; // query nodes [from, N)
      let kAt: tf.Tensor2D[], vAt: tf.Tensor2D[], q: tf.Tensor2D, resid: tf.Tensor2D;
      if (x === null) {
        const tn = norm(table, blk.ln1);
        const cols = ancestorSlotColumns(plan, from, N);
        const own = { idx: plan.slot.subarray(from, N), rows: L * V };
        const [kT, vT] = [linear(tn, blk.k), linear(tn, blk.v)];
        kAt = cols.map((c) => gatherRows(kT, c));
        vAt = cols.map((c) => gatherRows(vT, c));
        q = gatherRows(linear(tn, blk.q), own);
        resid = gatherRows(table, own);
      } else {
        const xn = norm(x, blk.ln1);
        const cols = ancestorColumns(plan, from, N);
        const [kN, vN] = [linear(xn, blk.k), linear(xn, blk.v)];
        kAt = cols.map((c) => gatherRows(kN, c));
        vAt = cols.map((c) => gatherRows(vN, c));
        const tail = (t: tf.Tensor2D) => (from === 0 ? t : (tf.slice(t, [from, 0], [N - from, d]) as tf.Tensor2D));
        q = linear(tail(xn), blk.q);
        resid = tail(x);
      }
      const attn = attendNodes(q, kAt, vAt, ancestorMask(plan, from, N));
      const h = tf.add(resid, linear(attn, blk.proj)) as tf.Tensor2D;
      x = tf.add(h, linear(tf.relu(linear(norm(h, blk.ln2), blk.fc)), blk.out)) as tf.Tensor2D;
    });
    const logits = matMul(norm(x!, lnf), unembedding(w, shape)); // [N − lastFrom, p]
    const inOrder = N - lastFrom === plan.rows && plan.lastNode.every((n, r) => n === lastFrom + r);
    return inOrder ? logits : gatherRows(logits, { idx: plan.lastNode.map((n) => n - lastFrom), rows: N - lastFrom });
  };
}
