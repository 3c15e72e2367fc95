// Per-layer activations of a model on a batch, for intrinsic dimension (000 App. C). The models expose only
// `forward`, so the taps re-run the forward pass here from the parameters, read by name (the names and maths of
// models/mlp.ts and models/transformer.ts' dense path); the logits tap is checked against model.forward in the tests,
// which catches any drift between the two. LSTM (and any other model) gets the input embedding (where it has one)
// and the logits.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../shared/config/run-config';
import { activate, layerNorm } from '../models/layers';
import type { Model, ModelInput } from '../models/layers';

export interface LayerActivations {
  /** e.g. 'embed', 'hidden.0', 'blocks.0', 'logits' */
  layer: string;
  rows: number;
  cols: number;
  /** row-major [rows, cols] */
  data: Float32Array;
}

interface Shape {
  seqLen: number;
  numClasses: number;
}

function paramLookup(model: Model): (name: string) => tf.Tensor {
  const byName = new Map(model.params.map((p) => [p.name, p.variable as tf.Tensor]));
  return (name) => {
    const v = byName.get(name);
    if (!v) throw new Error(`the model has no parameter "${name}" (its taps do not match this model version)`);
    return v;
  };
}

const has = (model: Model, name: string) => model.params.some((p) => p.name === name);

/** x·W + b with the parameters `${name}.weight` / `${name}.bias` (bias optional). */
function lin(p: (n: string) => tf.Tensor, model: Model, x: tf.Tensor2D, name: string): tf.Tensor2D {
  const y = tf.matMul(x, p(`${name}.weight`) as tf.Tensor2D) as tf.Tensor2D;
  return has(model, `${name}.bias`) ? (tf.add(y, p(`${name}.bias`)) as tf.Tensor2D) : y;
}

/** Taps of every layer the model kind allows; each tap is [batch, features]. The caller owns nothing (all read back). */
export function layerActivations(config: RunConfig, model: Model, shape: Shape, input: ModelInput): LayerActivations[] {
  const taps = tf.tidy(() => {
    const p = paramLookup(model);
    const B = input.batch;
    const L = shape.seqLen;
    const out: [string, tf.Tensor2D][] = [];
    const m = config.model;
    const tokens = () => tf.matMul(input.onehot, p('embed.weight') as tf.Tensor2D); // [B·L, e]
    if (m.kind === 'mlp') {
      let h = tf.reshape(tokens(), [B, -1]) as tf.Tensor2D;
      out.push(['embed', h]);
      for (let i = 0; i < m.depth; i++) {
        h = activate(lin(p, model, h, `hidden.${i}`), m.activation);
        out.push([`hidden.${i}`, h]);
      }
      out.push(['logits', lin(p, model, h, 'out')]);
    } else if (m.kind === 'transformer') {
      const d = m.dModel;
      const H = m.heads;
      const dh = d / H;
      let x = tf.reshape(tf.add(tf.reshape(tokens(), [B, L, d]), p('pos.weight')), [B * L, d]) as tf.Tensor2D;
      out.push(['embed', tf.reshape(x, [B, L * d]) as tf.Tensor2D]);
      const norm = (t: tf.Tensor2D, name: string) => (m.layerNorm ? layerNorm(t, p(`${name}.weight`) as tf.Variable, p(`${name}.bias`) as tf.Variable) : t);
      const mask = new Float32Array(L * L);
      for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = -1e9;
      const heads = (t: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(t, [B, L, H, dh]), [0, 2, 1, 3]), [B * H, L, dh]) as tf.Tensor3D;
      for (let i = 0; i < m.layers; i++) {
        const b = `blocks.${i}`;
        const xn = norm(x, `${b}.ln1`);
        const q = heads(lin(p, model, xn, `${b}.attn.q`));
        const k = heads(lin(p, model, xn, `${b}.attn.k`));
        const v = heads(lin(p, model, xn, `${b}.attn.v`));
        const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), tf.tensor2d(mask, [L, L]));
        const att = tf.matMul(tf.softmax(scores) as tf.Tensor3D, v);
        const merged = tf.reshape(tf.transpose(tf.reshape(att, [B, H, L, dh]), [0, 2, 1, 3]), [B * L, d]) as tf.Tensor2D;
        x = tf.add(x, lin(p, model, merged, `${b}.attn.proj`));
        out.push([`${b}.attn`, tf.reshape(x, [B, L * d]) as tf.Tensor2D]);
        x = tf.add(x, lin(p, model, tf.relu(lin(p, model, norm(x, `${b}.ln2`), `${b}.mlp.fc`)), `${b}.mlp.out`));
        out.push([`${b}`, tf.reshape(x, [B, L * d]) as tf.Tensor2D]);
      }
      const last = tf.reshape(tf.slice(tf.reshape(x, [B, L, d]), [0, L - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
      const h = norm(last, 'ln_f');
      const unembed = has(model, 'unembed.weight')
        ? (p('unembed.weight') as tf.Tensor2D)
        : (tf.transpose(tf.slice(p('embed.weight'), [0, 0], [shape.numClasses, d])) as tf.Tensor2D);
      out.push(['logits', tf.matMul(h, unembed)]);
    } else {
      // other models (LSTM, ...): the token embedding where the model has one, and the logits
      if (has(model, 'embed.weight')) out.push(['embed', tf.reshape(tokens(), [B, -1]) as tf.Tensor2D]);
      out.push(['logits', model.forward(input)]);
    }
    return out.map(([name, t]) => [name, tf.keep(t)] as [string, tf.Tensor2D]);
  });
  return taps.map(([layer, t]) => {
    const data = t.dataSync() as Float32Array;
    const [rows, cols] = t.shape;
    t.dispose();
    return { layer, rows, cols, data: Float32Array.from(data) };
  });
}
