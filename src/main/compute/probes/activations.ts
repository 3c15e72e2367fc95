// Per-layer activations of a model on a batch, for intrinsic dimension (000 App. C). The models expose only
// `forward`, so the taps re-run the forward pass here from the parameters, read by name (the names and maths of
// models/mlp.ts, transformer.ts' dense path, lstm.ts and gcn.ts); the logits tap is checked against model.forward in
// the tests, which catches any drift between the two. Every tap has one row per sample: a dense MLP (the Omnigrok
// teacher-student, MNIST and messiness tasks) starts from its input rows; an LSTM gives each layer's hidden state at
// the last position (what the head reads); a GCN gives each graph convolution's atom features pooled over the
// molecule by the model's readout (sum or mean over the real atoms), so rows are molecules, not atoms.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../shared/config/run-config';
import { activate, layerNorm } from '../models/layers';
import type { Model, ModelInput } from '../models/layers';
import type { SampleInput } from '../tasks/sample-tensors';

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
    const features = (input as SampleInput).features;
    if (m.kind === 'mlp') {
      // a dense sample task has no embedding: its input rows feed the first hidden layer (models/mlp.ts)
      const dense = !has(model, 'embed.weight');
      if (dense && !features) throw new Error('this MLP reads dense input rows, but the batch has none');
      // the input rows are the caller's tensor: the tap is a copy, since every tap is disposed after reading
      let h = dense ? (tf.clone(features!) as tf.Tensor2D) : (tf.reshape(tokens(), [B, -1]) as tf.Tensor2D);
      out.push([dense ? 'input' : 'embed', h]);
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
      const norm = (t: tf.Tensor2D, name: string) =>
        m.layerNorm ? layerNorm(t, p(`${name}.weight`) as tf.Variable, p(`${name}.bias`) as tf.Variable) : t;
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
    } else if (m.kind === 'lstm') {
      const H = m.hidden;
      const e = tokens();
      out.push(['embed', tf.reshape(e, [B, -1]) as tf.Tensor2D]);
      const bias = (k: number) => tf.add(p(`lstm.bias_ih_l${k}`), p(`lstm.bias_hh_l${k}`));
      const xProj = tf.reshape(tf.add(tf.matMul(e, p('lstm.weight_ih_l0') as tf.Tensor2D), bias(0)), [B, L, 4 * H]);
      const h: (tf.Tensor2D | null)[] = Array.from({ length: m.layers }, () => null);
      const c: (tf.Tensor2D | null)[] = Array.from({ length: m.layers }, () => null);
      for (let t = 0; t < L; t++) {
        let below = tf.reshape(tf.slice(xProj, [0, t, 0], [B, 1, 4 * H]), [B, 4 * H]) as tf.Tensor2D;
        for (let k = 0; k < m.layers; k++) {
          let g = k === 0 ? below : (tf.add(tf.matMul(below, p(`lstm.weight_ih_l${k}`) as tf.Tensor2D), bias(k)) as tf.Tensor2D);
          if (h[k]) g = tf.add(g, tf.matMul(h[k]!, p(`lstm.weight_hh_l${k}`) as tf.Tensor2D));
          const [gi, gf, gg, go] = tf.split(g, 4, 1) as tf.Tensor2D[];
          const ig = tf.mul(tf.sigmoid(gi!), tf.tanh(gg!));
          c[k] = (c[k] ? tf.add(tf.mul(tf.sigmoid(gf!), c[k]!), ig) : ig) as tf.Tensor2D;
          h[k] = tf.mul(tf.sigmoid(go!), tf.tanh(c[k]!)) as tf.Tensor2D;
          below = h[k]!;
        }
      }
      h.forEach((hk, k) => out.push([`lstm.${k}`, hk!]));
      out.push(['logits', lin(p, model, h[m.layers - 1]!, 'head')]);
    } else {
      const g = (input as SampleInput).graph;
      if (!g) throw new Error('the GCN reads graphs, but the batch has none');
      const [, M, F] = g.x.shape;
      const mask = tf.expandDims(g.mask, 2);
      const pool = (x: tf.Tensor3D) => {
        const summed = tf.sum(tf.mul(x, mask), 1) as tf.Tensor2D; // padded atoms carry ReLU(b): drop them
        return m.readout === 'mean' ? (tf.div(summed, tf.expandDims(tf.sum(g.mask, 1), 1)) as tf.Tensor2D) : summed;
      };
      let x: tf.Tensor3D = g.x;
      let width = F;
      for (let i = 0; i < m.layers; i++) {
        const xw = tf.reshape(tf.matMul(tf.reshape(x, [B * M, width]), p(`conv.${i}.weight`) as tf.Tensor2D), [
          B,
          M,
          m.hidden,
        ]) as tf.Tensor3D;
        x = tf.relu(tf.add(tf.matMul(g.adj, xw), p(`conv.${i}.bias`))) as tf.Tensor3D;
        width = m.hidden;
        out.push([`conv.${i}`, pool(x)]);
      }
      out.push(['logits', lin(p, model, pool(x), 'head')]);
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
