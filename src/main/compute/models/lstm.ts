// LSTM of 004 §3: learned token embeddings → `layers` stacked LSTMs → linear head on the last position's hidden state.
// PyTorch's nn.LSTM equations, gate order (i, f, g, o) and two biases per layer:
//   i = σ(x·W_ii + b_ii + h·W_hi + b_hi)   f = σ(…_f)   g = tanh(…_g)   o = σ(…_o)
//   c' = f⊙c + i⊙g                         h' = o⊙tanh(c')
// with h₀ = c₀ = 0, and its default init U(−1/√hidden, 1/√hidden) for every weight and bias. Weights are stored
// [in, 4·hidden] (the transpose of PyTorch's weight_ih_l{k}) so products go through the fast matMul untransposed.
import * as tf from '@tensorflow/tfjs-core';
import type { LstmModelConfig } from '../../../shared/config/run-config';
import { constMatMul, matMul } from '../engine/matmul';
import type { Rng } from '../engine/rng';
import { linear, linearParams, ParamSet, type Model, type ModelInput } from './layers';

export interface LstmShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
}

interface LstmLayer {
  wIh: tf.Variable; // [in, 4H]
  wHh: tf.Variable; // [H, 4H]
  bIh: tf.Variable; // [4H]
  bHh: tf.Variable; // [4H]
}

export function createLstm(cfg: LstmModelConfig, shape: LstmShape, rng: Rng): Model {
  const H = cfg.hidden;
  const L = shape.seqLen;
  const ps = new ParamSet(rng);
  const embed = ps.normal('embed.weight', [shape.vocabSize, cfg.embedDim]); // nn.Embedding: N(0, 1)
  const layers: LstmLayer[] = Array.from({ length: cfg.layers }, (_, k) => ({
    wIh: ps.uniform(`lstm.weight_ih_l${k}`, [k === 0 ? cfg.embedDim : H, 4 * H], H),
    wHh: ps.uniform(`lstm.weight_hh_l${k}`, [H, 4 * H], H),
    bIh: ps.uniform(`lstm.bias_ih_l${k}`, [4 * H], H),
    bHh: ps.uniform(`lstm.bias_hh_l${k}`, [4 * H], H),
  }));
  const head = linearParams(ps, 'head', H, shape.numClasses, true); // nn.Linear(hidden, classes)

  /** One cell step from its gate pre-activations g [B, 4H] (order i, f, g, o); c = null stands for c₀ = 0. */
  function cell(g: tf.Tensor2D, c: tf.Tensor2D | null): [tf.Tensor2D, tf.Tensor2D] {
    const [gi, gf, gg, go] = tf.split(g, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const ig = tf.mul(tf.sigmoid(gi), tf.tanh(gg));
    const cNext = (c ? tf.add(tf.mul(tf.sigmoid(gf), c), ig) : ig) as tf.Tensor2D;
    return [tf.mul(tf.sigmoid(go), tf.tanh(cNext)) as tf.Tensor2D, cNext];
  }

  function forward(input: ModelInput): tf.Tensor2D {
    const B = input.batch;
    // one-hot matmul instead of tf.gather: the wasm backend has no gradient kernel for gather
    const e = constMatMul(input.onehot, input.onehotT, embed as tf.Tensor2D); // [B·L, E]
    const first = layers[0]!;
    // the first layer's input projection for every position at once, both biases folded in: [B, L, 4H]
    const xProj = tf.reshape(tf.add(matMul(e, first.wIh as tf.Tensor2D), tf.add(first.bIh, first.bHh)), [B, L, 4 * H]);
    const h: (tf.Tensor2D | null)[] = layers.map(() => null); // h₀ = 0
    const c: (tf.Tensor2D | null)[] = layers.map(() => null); // c₀ = 0
    // time major, layers inside: layer k at time t reads layer k−1's h_t, so no per-layer sequence is materialised
    for (let t = 0; t < L; t++) {
      let below = tf.reshape(tf.slice(xProj, [0, t, 0], [B, 1, 4 * H]), [B, 4 * H]) as tf.Tensor2D;
      layers.forEach((layer, k) => {
        let g = k === 0 ? below : tf.add(matMul(below, layer.wIh as tf.Tensor2D), tf.add(layer.bIh, layer.bHh));
        const prev = h[k];
        if (prev) g = tf.add(g, matMul(prev, layer.wHh as tf.Tensor2D)); // the first step has no recurrent term
        [h[k], c[k]] = cell(g as tf.Tensor2D, c[k] ?? null);
        below = h[k]!;
      });
    }
    return linear(h[layers.length - 1]!, head); // the last layer's hidden state at the last position ('=')
  }

  return { kind: 'lstm', params: ps.list, forward };
}
