// Graph convolutional network for molecules (003 App. A, QM9): `layers` graph convolutions of Kipf & Welling,
// H' = ReLU(Â·H·W + b) with Â = D^−½ (A + I) D^−½, then the atoms' features are summed (or averaged) over each
// molecule and a linear layer gives the property. Graphs come padded to the batch's largest (GraphBatch): padded nodes
// have no edges and are masked out of the readout. Weights use nn.Linear's default init.
import * as tf from '@tensorflow/tfjs-core';
import type { GcnModelConfig } from '../../../shared/config/run-config';
import type { Rng } from '../engine/rng';
import type { SampleInput } from '../tasks/sample-tensors';
import { linear, linearParams, ParamSet, type Model, type ModelInput } from './layers';

export interface GcnShape {
  featureDim: number;
  outDim: number;
}

export function createGcn(cfg: GcnModelConfig, shape: GcnShape, rng: Rng): Model {
  const ps = new ParamSet(rng);
  const convs = Array.from({ length: cfg.layers }, (_, i) =>
    linearParams(ps, `conv.${i}`, i === 0 ? shape.featureDim : cfg.hidden, cfg.hidden, true),
  );
  const head = linearParams(ps, 'head', cfg.hidden, shape.outDim, true);

  function forward(input: ModelInput): tf.Tensor2D {
    const g = (input as SampleInput).graph;
    if (!g) throw new Error('the GCN reads graphs, but the batch has none');
    const [B, M, F] = g.x.shape;
    let h: tf.Tensor3D = g.x;
    let width = F;
    for (const conv of convs) {
      const hw = tf.reshape(linear(tf.reshape(h, [B * M, width]) as tf.Tensor2D, { w: conv.w, b: null }), [
        B,
        M,
        cfg.hidden,
      ]) as tf.Tensor3D;
      h = tf.relu(tf.add(tf.matMul(g.adj, hw), conv.b!)) as tf.Tensor3D; // Â·(H·W) + b
      width = cfg.hidden;
    }
    const masked = tf.mul(h, tf.expandDims(g.mask, 2)); // padded nodes carry ReLU(b): drop them
    let pooled = tf.sum(masked, 1) as tf.Tensor2D; // [B, hidden]
    if (cfg.readout === 'mean') pooled = tf.div(pooled, tf.expandDims(tf.sum(g.mask, 1), 1));
    return linear(pooled, head);
  }

  return { kind: 'gcn', params: ps.list, forward };
}
