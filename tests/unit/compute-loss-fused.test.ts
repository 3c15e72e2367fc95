// The fused softmax cross-entropy (train/metrics crossEntropy) against a float64 reference computed here in plain
// JS: the mean loss Σ_j t_j·(lse − z_j) and its gradient ((Σt)·softmax − t)/n, for one-hot and soft targets, for
// logits whose label probability underflows float32 (the loss must stay finite and right), on wasm and cpu; and
// evaluateSplit's loss and accuracy against the same reference and tf.argMax.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/compute/engine/backend';
import type { Model } from '../../src/main/compute/models/layers';
import { Rng } from '../../src/main/compute/engine/rng';
import { encodeBatch, type SplitTensors } from '../../src/main/compute/train/data';
import { crossEntropy, evaluateSplit } from '../../src/main/compute/train/metrics';

/** float64: mean loss and gradient of the mean loss, row-major [n, c]. */
function reference(z: Float32Array, t: Float32Array, n: number, c: number): { loss: number; grad: Float64Array } {
  const grad = new Float64Array(n * c);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = Array.from(z.subarray(r * c, (r + 1) * c));
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    const lse = m + Math.log(s);
    let tSum = 0;
    for (let j = 0; j < c; j++) {
      const tj = t[r * c + j]!;
      tSum += tj;
      total += tj * (lse - row[j]!);
    }
    for (let j = 0; j < c; j++) grad[r * c + j] = (tSum * Math.exp(row[j]! - lse) - t[r * c + j]!) / n;
  }
  return { loss: total / n, grad };
}

function fused(z: Float32Array, t: Float32Array, n: number, c: number): { loss: number; grad: Float32Array } {
  return tf.tidy(() => {
    const logits = tf.variable(tf.tensor2d(z, [n, c]));
    const targets = tf.tensor2d(t, [n, c]);
    const { value, grads } = tf.variableGrads(() => crossEntropy(logits as tf.Variable<tf.Rank.R2>, targets), [logits]);
    const out = { loss: value.dataSync()[0]!, grad: grads[logits.name]!.dataSync() as Float32Array };
    logits.dispose();
    return out;
  });
}

function logitsOf(n: number, c: number, scale: number, seed: number): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(n * c), scale);
}

function oneHot(labels: number[], c: number): Float32Array {
  const t = new Float32Array(labels.length * c);
  labels.forEach((l, r) => (t[r * c + l] = 1));
  return t;
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('fused softmax cross-entropy', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: one-hot targets: loss and gradient equal the float64 reference`, async () => {
      await initBackend(backend);
      const n = 300;
      const c = 13;
      const z = logitsOf(n, c, 3, 1);
      const t = oneHot(
        Array.from({ length: n }, (_, r) => (r * 7) % c),
        c,
      );
      const want = reference(z, t, n, c);
      const got = fused(z, t, n, c);
      expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-6);
      expect(maxAbs(got.grad, want.grad)).toBeLessThan(1e-7 * Math.max(...Array.from(want.grad, Math.abs)) * 10);
    });

    it(`${backend}: soft targets (rows not summing to 1) follow Σ_j t_j·(lse − z_j)`, async () => {
      await initBackend(backend);
      const n = 40;
      const c = 6;
      const z = logitsOf(n, c, 2, 2);
      const t = new Float32Array(n * c).map((_, k) => ((k * 37) % 11) / 10); // zeros and fractions, row sums ≠ 1
      const want = reference(z, t, n, c);
      const got = fused(z, t, n, c);
      expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-6);
      expect(maxAbs(got.grad, want.grad)).toBeLessThan(1e-6);
    });

    it(`${backend}: a label whose softmax underflows float32 still gives its true (finite) loss`, async () => {
      await initBackend(backend);
      // row 0: label logit 200 below the best (softmax e^-200 = 0 in float32); row 1: a confident right answer
      const z = Float32Array.from([0, 200, -5, 3, 40, 1]);
      const t = oneHot([0, 1], 3);
      const want = reference(z, t, 2, 3);
      const got = fused(z, t, 2, 3);
      expect(Number.isFinite(got.loss)).toBe(true);
      expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-6);
      expect(got.loss).toBeCloseTo(100, 3); // (200 + ~0) / 2
      expect(maxAbs(got.grad, want.grad)).toBeLessThan(1e-7);
    });
  }

  it('rejects targets of another shape', async () => {
    await initBackend('cpu');
    tf.tidy(() => {
      expect(() => crossEntropy(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(
        /logits \[3, 4\] against targets \[3, 5\]/,
      );
    });
  });
});

describe('evaluateSplit with the fused pass', () => {
  it('wasm: loss and accuracy equal the float64 reference and tf.argMax (ties: the first maximum)', async () => {
    await initBackend('wasm');
    const n = 200;
    const c = 11;
    const seqLen = 2;
    const tokens = Int32Array.from({ length: n * seqLen }, (_, k) => k % c);
    const labels = Int32Array.from({ length: n }, (_, r) => (r * 3) % c);
    const z = logitsOf(n, c, 2, 4);
    // ties in some rows: the first maximal index is the prediction, as tf.argMax picks it
    for (let r = 0; r < n; r += 9) z[r * c + labels[r]!] = z[r * c + ((labels[r]! + 1) % c)] = 50;
    for (let r = 4; r < n; r += 9) z[r * c + labels[r]!] = z[r * c + ((labels[r]! + c - 1) % c)] = 50;
    const logits = tf.tensor2d(z, [n, c]);
    const model: Model = { params: [], forward: () => tf.clone(logits) };
    const data = { size: n, tokens, targets: labels };
    const cached = encodeBatch(data as never, seqLen, c, c, null);
    const split: SplitTensors = { size: n, seqLen, cached, data: data as never };
    const score = await evaluateSplit(model, split, c, c, 'cross-entropy');
    const want = reference(z, oneHot(Array.from(labels), c), n, c);
    const argmax = tf.argMax(logits, 1).dataSync();
    const correct = Array.from(labels).filter((l, r) => argmax[r] === l).length;
    expect(Math.abs(score.loss - want.loss) / want.loss).toBeLessThan(1e-6);
    expect(score.acc).toBe(correct / n);
    expect(correct).toBeGreaterThan(n / 9); // the tie rows whose label comes first are counted right
    expect(correct).toBeLessThan(n);
    tf.dispose([logits, cached.input.onehot, cached.input.onehotT, cached.targets, cached.labels]);
  });
});
