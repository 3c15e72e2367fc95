// Decoder-only causal transformer (Power et al.; 000 §2.2), nanoGPT style. Learned token and positional embeddings,
// `layers` blocks of masked multi-head self-attention (no biases, as in Power et al. and Nanda et al.) and a ReLU FFN
// (with biases), pre-LayerNorm plus a final LayerNorm when `layerNorm`, none otherwise. The logits are read at the
// LAST input position ('='). With `tiedEmbedding` the output layer is the number-token rows of the embedding matrix:
// logit(x) = h·e(⟨x⟩) (000 §2.2), else a separate unembedding [dModel, p]. Its parts are typed in
// engine/transformer-parts; training runs the same maths over distinct prefixes (engine/transformer-prefix),
// attached by models/create.
import * as tf from '@tensorflow/tfjs-core';
import type { TransformerModelConfig } from '../../../shared/config/run-config';
import { constMatMul, matMul } from '../engine/matmul';
import { norm, unembedding, type Block, type Norm } from '../engine/transformer-parts';
import type { TransformerModel, TransformerShape, TransformerWeights } from '../engine/transformer-parts';
import type { Rng } from '../engine/rng';
import { linear, linearParams, ParamSet, type ModelInput } from './layers';

export type { TransformerModel, TransformerShape } from '../engine/transformer-parts';

/** [L, L] additive mask: 0 where key j ≤ query i, −1e9 above the diagonal (no peeking at later tokens). */
function causalMask(L: number): tf.Tensor2D {
  const m = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) m[i * L + j] = -1e9;
  return tf.tensor2d(m, [L, L]);
}

export function createTransformer(cfg: TransformerModelConfig, shape: TransformerShape, rng: Rng): TransformerModel {
  const { dModel: d, heads: H, seqLen: L } = { ...cfg, seqLen: shape.seqLen };
  const dh = d / H;
  const ps = new ParamSet(rng);
  const lnParams = (name: string): Norm =>
    cfg.layerNorm ? [ps.constant(`${name}.weight`, [d], 1), ps.constant(`${name}.bias`, [d], 0)] : null;

  // Nanda et al.'s init (weightInit 'nanda'): every weight N(0, 1/d_model) (W_out too, though its fan-in is d_mlp),
  // the unembedding N(0, 1/vocab), biases zero. The torch default puts most of the norm in the N(0, 1) embedding, so
  // the same α means another norm relative to the generalising one (003 App. C's α = 0.8 is relative to Nanda's).
  const nanda = cfg.weightInit === 'nanda';
  const embedStd = nanda ? 1 / Math.sqrt(d) : 1;
  const linearOf = (name: string, inDim: number, outDim: number, bias: boolean) =>
    nanda
      ? { w: ps.normal(`${name}.weight`, [inDim, outDim], 1 / Math.sqrt(d)), b: bias ? ps.constant(`${name}.bias`, [outDim], 0) : null }
      : linearParams(ps, name, inDim, outDim, bias);
  const embed = ps.normal('embed.weight', [shape.vocabSize, d], embedStd);
  const pos = ps.normal('pos.weight', [L, d], embedStd);
  const blocks: Block[] = Array.from({ length: cfg.layers }, (_, i) => ({
    ln1: lnParams(`blocks.${i}.ln1`),
    q: linearOf(`blocks.${i}.attn.q`, d, d, false),
    k: linearOf(`blocks.${i}.attn.k`, d, d, false),
    v: linearOf(`blocks.${i}.attn.v`, d, d, false),
    proj: linearOf(`blocks.${i}.attn.proj`, d, d, false),
    ln2: lnParams(`blocks.${i}.ln2`),
    fc: linearOf(`blocks.${i}.mlp.fc`, d, cfg.dMlp, true),
    out: linearOf(`blocks.${i}.mlp.out`, cfg.dMlp, d, true),
  }));
  const lnf = lnParams('ln_f');
  const unembed = cfg.tiedEmbedding
    ? null
    : nanda
      ? ps.normal('unembed.weight', [d, shape.numClasses], 1 / Math.sqrt(shape.vocabSize))
      : ps.uniform('unembed.weight', [d, shape.numClasses], d);
  const weights: TransformerWeights = { embed, pos, blocks, lnf, unembed };

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

  /** Logits at the last position, [B, p]. */
  function forward(input: ModelInput): tf.Tensor2D {
    return matMul(norm(trunk(input, true), lnf), unembedding(weights, shape));
  }

  function forwardAll(input: ModelInput): tf.Tensor3D {
    const logits = matMul(norm(trunk(input, false), lnf), unembedding(weights, shape));
    return tf.reshape(logits, [input.batch, L, shape.numClasses]) as tf.Tensor3D;
  }

  return { kind: 'transformer', config: cfg, shape, weights, params: ps.list, forward, forwardAll };
}
