// Hessian-vector products by double backprop (compute/probes/hessian.ts) against independent references: the closed-
// form Hessian of a linear softmax model and of a quadratic-plus-quartic, central finite differences of gradients on
// real models (MLP, transformer), and λmax/λmin of a small MLP against the eigenvalues of its dense finite-difference
// Hessian.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eigSym } from '../../src/shared/analysis/eig-sym';
import { hessianExtremes } from '../../src/shared/analysis/lanczos';
import { seededRandom } from '../../src/shared/analysis/rng';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { matMul } from '../../src/main/compute/engine/matmul';
import { LossHessian, type ChunkedLoss } from '../../src/main/compute/probes/hessian';
import { buildProbeModel, type ProbeModel } from '../../src/main/compute/probes/model-at';
import { hessianTensors } from '../../src/main/compute/probes/run-probe';
import { crossEntropyTwice, probeLoss } from '../../src/main/compute/probes/second-order-grads';
import { randomVec, relErr } from './vector-helpers';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const single = (f: () => tf.Scalar): ChunkedLoss => ({ forEachChunk: (g) => g(f, 1) });

describe('exact Hessian-vector products against closed forms', () => {
  it('linear softmax regression: H = (1/n) Σ x xᵀ ⊗ (diag p − p pᵀ)', () => {
    const n = 6;
    const a = 4;
    const c = 3;
    const r = seededRandom(3);
    const X = Array.from({ length: n }, () => Array.from({ length: a }, () => r.normal()));
    const labels = [0, 2, 1, 1, 0, 2];
    const W = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: a * c }, () => 0.5 * r.normal()),
        [a, c],
      ),
    );
    const Xt = tf.tensor2d(X);
    const T = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), c), 'float32') as tf.Tensor2D;
    const H = new LossHessian(
      single(() => crossEntropyTwice(matMul(Xt, W as tf.Tensor2D), T)),
      [{ name: 'W', variable: W }],
    );
    // closed form in float64
    const Wd = Array.from(W.dataSync());
    const dense = Array.from({ length: a * c }, () => new Float64Array(a * c));
    for (const x of X) {
      const z = Array.from({ length: c }, (_, k) => x.reduce((s, xj, j) => s + xj * Wd[j * c + k]!, 0));
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const Z = e.reduce((s, v) => s + v, 0);
      const p = e.map((v) => v / Z);
      for (let j = 0; j < a; j++)
        for (let k = 0; k < c; k++)
          for (let l = 0; l < a; l++)
            for (let m = 0; m < c; m++) dense[j * c + k]![l * c + m]! += (x[j]! * x[l]! * ((k === m ? p[k]! : 0) - p[k]! * p[m]!)) / n;
    }
    for (const seed of [1, 2, 3]) {
      const v = randomVec(a * c, seed);
      const ref = dense.map((row) => row.reduce((s, h, i) => s + h * v[i]!, 0));
      expect(relErr(H.hvp(v), ref)).toBeLessThan(1e-5);
    }
    tf.dispose([W, Xt, T]);
  });

  it('½ θᵀAθ + ¼ Σ θ⁴ through the customGrad matMul: H = A + 3·diag(θ²)', () => {
    const d = 7;
    const r = seededRandom(5);
    const B = Array.from({ length: d }, () => Array.from({ length: d }, () => r.normal()));
    const A = B.map((row, i) => row.map((_, j) => (B[i]![j]! + B[j]![i]!) / 2));
    const theta = Array.from({ length: d }, () => r.normal());
    const x = tf.variable(tf.tensor2d(theta, [d, 1]));
    const At = tf.tensor2d(A);
    const loss = () =>
      tf.add(tf.mul(0.5, tf.sum(tf.mul(x, matMul(At, x as tf.Tensor2D)))), tf.mul(0.25, tf.sum(tf.pow(x, 4)))) as tf.Scalar;
    const H = new LossHessian(single(loss), [{ name: 'x', variable: x }]);
    const v = randomVec(d, 9);
    const th = Array.from(x.dataSync());
    const ref = A.map((row, i) => row.reduce((s, a, j) => s + a * v[j]!, 0) + 3 * th[i]! ** 2 * v[i]!);
    expect(relErr(H.hvp(v), ref)).toBeLessThan(1e-5);
    tf.dispose([x, At]);
  });
});

function config(model: RunConfigInput['model'], p = 5) {
  return RunConfigSchema.parse({ task: { kind: 'modular', op: 'add', p, trainFraction: 0.6 }, model, training: { steps: 1 } });
}

function trainLoss(pm: ProbeModel, maxRows?: number): { loss: ChunkedLoss; dispose(): void } {
  const chunks = pm.chunksOf('train', maxRows);
  const N = chunks.reduce((n, c) => n + c.rows, 0);
  return {
    loss: {
      forEachChunk: (f) =>
        chunks.forEach((c) => f(() => probeLoss(pm.config.loss, pm.model.forward(c.batch.input), c.batch.targets), c.rows / N)),
    },
    dispose: () => chunks.forEach((c) => c.dispose()),
  };
}

describe('exact Hessian-vector products of real models against finite differences', () => {
  it.each([
    ['tanh MLP', { kind: 'mlp', width: 8, depth: 2, embedDim: 3, activation: 'tanh' }],
    ['gelu MLP', { kind: 'mlp', width: 8, depth: 1, embedDim: 3, activation: 'gelu' }],
    ['transformer with LayerNorm', { kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 8, layerNorm: true, tiedEmbedding: true }],
    [
      'transformer without LayerNorm',
      { kind: 'transformer', layers: 2, dModel: 8, heads: 2, dMlp: 8, layerNorm: false, tiedEmbedding: false },
    ],
  ] as const)('%s (and the same product from 3 chunks)', (_name, model) => {
    const pm = buildProbeModel(config(model as RunConfigInput['model']));
    const whole = trainLoss(pm);
    const chunked = trainLoss(pm, 6);
    const { keep } = hessianTensors(pm, false);
    const H = new LossHessian(whole.loss, keep);
    const Hc = new LossHessian(chunked.loss, keep);
    const v = randomVec(H.dim, 11);
    const exact = H.hvp(v);
    expect(relErr(H.hvpFiniteDifference(v, 3e-3), exact)).toBeLessThan(2e-2);
    expect(relErr(Hc.hvp(v), exact)).toBeLessThan(1e-4);
    whole.dispose();
    chunked.dispose();
    pm.dispose();
  });
});

describe('λmax and λmin of a small MLP', () => {
  it('match the extreme eigenvalues of its dense finite-difference Hessian, with and without 1-D parameters', async () => {
    const pm = buildProbeModel(config({ kind: 'mlp', width: 4, depth: 1, embedDim: 2, activation: 'tanh' }));
    const data = trainLoss(pm);
    for (const excludeOneDim of [false, true]) {
      const { keep, excluded } = hessianTensors(pm, excludeOneDim);
      expect(excluded).toEqual(excludeOneDim ? ['hidden.0.bias', 'out.bias'] : []);
      const H = new LossHessian(data.loss, keep);
      // dense Hessian, column by column, from central differences of gradients; symmetrised
      const cols = Array.from({ length: H.dim }, (_, j) =>
        H.hvpFiniteDifference(
          Float64Array.from({ length: H.dim }, (_, i) => (i === j ? 1 : 0)),
          3e-3,
        ),
      );
      const dense = cols.map((_, i) => Float64Array.from(cols, (col, j) => (col[i]! + cols[j]![i]!) / 2));
      const ev = eigSym(dense).values;
      const top = Math.max(...ev);
      const bottom = Math.min(...ev);
      expect(bottom).toBeLessThan(0); // the test means something only if λmin is a real negative eigenvalue
      const r = await hessianExtremes((v) => H.hvp(v), H.dim, { maxIter: 40, tol: 1e-3 });
      expect(Math.abs(r.lambdaMax - top) / top).toBeLessThan(2e-2);
      expect(Math.abs(r.lambdaMin - bottom)).toBeLessThan(2e-2 * top);
      expect(r.ratio).toBeCloseTo(r.lambdaMin / r.lambdaMax, 12);
    }
    data.dispose();
    pm.dispose();
  });
});
