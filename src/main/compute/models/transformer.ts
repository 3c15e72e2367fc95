// Decoder-only causal transformer (Power et al.; 000 §2.2), nanoGPT style. Learned token and positional embeddings,
// `layers` blocks of masked multi-head self-attention (no biases, as in Power et al. and Nanda et al.) and a ReLU FFN
// (with biases), pre-LayerNorm plus a final LayerNorm when `layerNorm`, none otherwise. The logits are read at the
// LAST input position ('='). With `tiedEmbedding` the output layer is the number-token rows of the embedding matrix:
// logit(x) = h·e(⟨x⟩) (000 §2.2), else a separate unembedding [dModel, p].
import * as tf from '@tensorflow/tfjs-core';
import type { TransformerModelConfig } from '../../../shared/config/run-config';
import { gatherRows } from '../engine/gather';
import { constMatMul, matMul } from '../engine/matmul';
import { ancestorColumns, ancestorMask, ancestorSlotColumns, buildPrefixPlan, type PrefixPlan } from '../engine/prefix';
import type { Rng } from '../rng';
import { layerNorm, linear, linearParams, ParamSet, type Linear, type Model, type ModelInput } from './layers';

export interface TransformerShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
}

interface Block {
  ln1: [tf.Variable, tf.Variable] | null;
  q: Linear; // [d, d]
  k: Linear;
  v: Linear;
  proj: Linear; // [d, d]
  ln2: [tf.Variable, tf.Variable] | null;
  fc: Linear; // [d, dMlp]
  out: Linear; // [dMlp, d]
}

/** [L, L] additive mask: 0 where key j ≤ query i, −1e9 above the diagonal (no peeking at later tokens). */
function causalMask(L: number): tf.Tensor2D {
  const m = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) m[i * L + j] = -1e9;
  return tf.tensor2d(m, [L, L]);
}

export interface TransformerModel extends Model {
  forwardAll(input: ModelInput): tf.Tensor3D;
  forwardDense(input: ModelInput): tf.Tensor2D;
}

export function createTransformer(cfg: TransformerModelConfig, shape: TransformerShape, rng: Rng): TransformerModel {
  const { dModel: d, heads: H, seqLen: L } = { ...cfg, seqLen: shape.seqLen };
  const dh = d / H;
  const ps = new ParamSet(rng);
  const lnParams = (name: string): [tf.Variable, tf.Variable] | null =>
    cfg.layerNorm ? [ps.constant(`${name}.weight`, [d], 1), ps.constant(`${name}.bias`, [d], 0)] : null;

  const embed = ps.normal('embed.weight', [shape.vocabSize, d]);
  const pos = ps.normal('pos.weight', [L, d]);
  const blocks: Block[] = Array.from({ length: cfg.layers }, (_, i) => ({
    ln1: lnParams(`blocks.${i}.ln1`),
    q: linearParams(ps, `blocks.${i}.attn.q`, d, d, false),
    k: linearParams(ps, `blocks.${i}.attn.k`, d, d, false),
    v: linearParams(ps, `blocks.${i}.attn.v`, d, d, false),
    proj: linearParams(ps, `blocks.${i}.attn.proj`, d, d, false),
    ln2: lnParams(`blocks.${i}.ln2`),
    fc: linearParams(ps, `blocks.${i}.mlp.fc`, d, cfg.dMlp, true),
    out: linearParams(ps, `blocks.${i}.mlp.out`, cfg.dMlp, d, true),
  }));
  const lnf = lnParams('ln_f');
  const unembed = cfg.tiedEmbedding ? null : ps.uniform('unembed.weight', [d, shape.numClasses], d);

  const norm = (x: tf.Tensor2D, ln: [tf.Variable, tf.Variable] | null) => (ln ? layerNorm(x, ln[0], ln[1]) : x);

  /** [B·T, d] → [B·H, T, dh] for T positions */
  const splitHeads = (x: tf.Tensor2D, B: number, T: number) =>
    tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]) as tf.Tensor3D;
  /** [B·H, T, dh] → [B·T, d] */
  const mergeHeads = (x: tf.Tensor3D, B: number, T: number) =>
    tf.reshape(tf.transpose(tf.reshape(x, [B, H, T, dh]), [0, 2, 1, 3]), [B * T, d]) as tf.Tensor2D;
  /** rows of the last position of a [B·L, d] stream, as [B, d] */
  const lastRows = (x: tf.Tensor2D, B: number) =>
    tf.reshape(tf.slice(tf.reshape(x, [B, L, d]), [0, L - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;

  /**
   * Causal self-attention. With `lastOnly` the queries are the last position's alone (output [B, d]): the loss reads
   * only that position, so in the final block the other positions' outputs are dead work, and skipping them is exact.
   */
  function attention(xn: tf.Tensor2D, blk: Block, B: number, lastOnly: boolean): tf.Tensor2D {
    const T = lastOnly ? 1 : L;
    const q = splitHeads(linear(lastOnly ? lastRows(xn, B) : xn, blk.q), B, T); // [B·H, T, dh]
    const kT = tf.transpose(splitHeads(linear(xn, blk.k), B, L), [0, 2, 1]) as tf.Tensor3D; // explicit: see engine/matmul
    let scores = tf.mul(matMul(q, kT), 1 / Math.sqrt(dh)); // [B·H, T, L]
    if (!lastOnly) scores = tf.add(scores, causalMask(L)); // the last query may see every key
    const weights = tf.softmax(scores) as tf.Tensor3D;
    return linear(mergeHeads(matMul(weights, splitHeads(linear(xn, blk.v), B, L)), B, T), blk.proj);
  }

  /** The residual stream after the last block: [B·L, d], or only the last position [B, d] with `lastOnly`. */
  function trunk(input: ModelInput, lastOnly: boolean): tf.Tensor2D {
    const B = input.batch;
    // one-hot matmul instead of tf.gather: the wasm backend has no gradient kernel for gather
    const tok = tf.reshape(constMatMul(input.onehot, input.onehotT, embed as tf.Tensor2D), [B, L, d]);
    let x = tf.reshape(tf.add(tok, pos), [B * L, d]) as tf.Tensor2D;
    blocks.forEach((blk, i) => {
      const final = lastOnly && i === blocks.length - 1;
      const attn = attention(norm(x, blk.ln1), blk, B, final);
      x = tf.add(final ? lastRows(x, B) : x, attn);
      x = tf.add(x, linear(tf.relu(linear(norm(x, blk.ln2), blk.fc)), blk.out));
    });
    return x;
  }

  const unembedding = () => unembed ?? (tf.transpose(tf.slice(embed, [0, 0], [shape.numClasses, d])) as tf.Tensor2D);

  // Prefix plans of the inputs seen, keyed by their one-hot tensor (host data only: nothing to dispose).
  const plans = new WeakMap<tf.Tensor, PrefixPlan>();
  function planOf(input: ModelInput): PrefixPlan {
    let plan = plans.get(input.onehot);
    if (!plan) {
      const tokens = input.tokens ?? tf.tidy(() => tf.argMax(input.onehot, 1).dataSync() as Int32Array);
      plan = buildPrefixPlan(tokens, input.batch, L, shape.vocabSize);
      plans.set(input.onehot, plan);
    }
    return plan;
  }

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
    const weights = tf.split(tf.transpose(tf.softmax(scores), [2, 0, 1]), L, 0).map((w) => tf.reshape(w, [s, H, 1]));
    let out: tf.Tensor | null = null;
    vAt.forEach((v, j) => {
      const term = tf.mul(weights[j]!, tf.reshape(v, [s, H, dh]));
      out = out ? tf.add(out, term) : term;
    });
    return tf.reshape(out!, [s, d]) as tf.Tensor2D;
  }

  /**
   * Training forward over distinct prefixes (engine/prefix): the same logits as the dense trunk, computed once per
   * prefix. The first block's LayerNorm and q/k/v projections act on single tokens, so they run on the
   * [L·vocab, d] table of (position, token) embeddings and are gathered; the last block computes queries, attention
   * and MLP only for last-position nodes (the loss reads nothing else).
   */
  function forwardPrefix(input: ModelInput): tf.Tensor2D {
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
    const logits = matMul(norm(x!, lnf), unembedding() as tf.Tensor2D); // [N − lastFrom, p]
    const inOrder = N - lastFrom === plan.rows && plan.lastNode.every((n, r) => n === lastFrom + r);
    return inOrder ? logits : gatherRows(logits, { idx: plan.lastNode.map((n) => n - lastFrom), rows: N - lastFrom });
  }

  function forward(input: ModelInput): tf.Tensor2D {
    return forwardPrefix(input);
  }

  /** The same logits computed densely over every (row, position): the reference the prefix path is tested against. */
  function forwardDense(input: ModelInput): tf.Tensor2D {
    return matMul(norm(trunk(input, true), lnf), unembedding() as tf.Tensor2D);
  }

  /** Logits at every position, [B, L, p] (for inspection; training reads only the last position). */
  function forwardAll(input: ModelInput): tf.Tensor3D {
    const logits = matMul(norm(trunk(input, false), lnf), unembedding() as tf.Tensor2D);
    return tf.reshape(logits, [input.batch, L, shape.numClasses]) as tf.Tensor3D;
  }

  return { params: ps.list, forward, forwardAll, forwardDense };
}
