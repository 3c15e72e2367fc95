import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/compute/engine/backend';
import { constMatMul, matMul } from '../../src/main/compute/engine/matmul';
import { Rng } from '../../src/main/compute/engine/rng';

beforeAll(async () => {
  await initBackend('cpu');
});

const rng = new Rng(11);
const randn = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 1), shape);

function expectClose(got: tf.Tensor, want: tf.Tensor, tol = 1e-5) {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!) / Math.max(1, Math.abs(w[i]!)));
  expect(worst).toBeLessThan(tol);
}

/** dA = dy·bᵀ and dB = aᵀ·dy written as loops over plain arrays */
function handGrads(a: number[][], b: number[][], dy: number[][]) {
  const [m, k, n] = [a.length, b.length, b[0]!.length];
  const dA = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => dy[i]!.reduce((s, d, c) => s + d * b[j]![c]!, 0)));
  const dB = Array.from({ length: k }, (_, j) => Array.from({ length: n }, (_, c) => a.reduce((s, row, i) => s + row[j]! * dy[i]![c]!, 0)));
  return { dA, dB };
}

describe('matMul with explicit-transpose gradients', () => {
  it('gives the gradients of plain tf.matMul autodiff and of the closed form (2-D)', () => {
    const a = randn([6, 5]);
    const b = randn([5, 4]);
    const w = randn([6, 4]); // makes dy = w, not all ones
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    const plain = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    expectClose(ours[0]!, plain[0]!);
    expectClose(ours[1]!, plain[1]!);
    const hand = handGrads(a.arraySync() as number[][], b.arraySync() as number[][], w.arraySync() as number[][]);
    expectClose(ours[0]!, tf.tensor(hand.dA));
    expectClose(ours[1]!, tf.tensor(hand.dB));
    expectClose(matMul(a as tf.Tensor2D, b as tf.Tensor2D), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
  });

  it('gives the gradients of plain tf.matMul autodiff for batched products (3-D)', () => {
    const a = randn([3, 4, 5]);
    const b = randn([3, 5, 2]);
    const w = randn([3, 4, 2]);
    const f = (mm: (x: tf.Tensor3D, y: tf.Tensor3D) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(mm(x as tf.Tensor3D, y as tf.Tensor3D)), w));
    const ours = tf.grads(f(matMul))([a, b]);
    const plain = tf.grads(f((x, y) => tf.matMul(x, y)))([a, b]);
    expectClose(ours[0]!, plain[0]!);
    expectClose(ours[1]!, plain[1]!);
  });

  it('constMatMul differentiates only the weight, with the cached transpose', () => {
    const x = randn([7, 3]);
    const w = randn([3, 4]);
    const dyW = randn([7, 4]);
    const xT = tf.transpose(x) as tf.Tensor2D;
    const [ours] = tf.grads((v: tf.Tensor) => tf.sum(tf.mul(constMatMul(x as tf.Tensor2D, xT, v as tf.Tensor2D), dyW)))([w]);
    const [plain] = tf.grads((v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, v as tf.Tensor2D), dyW)))([w]);
    expectClose(ours!, plain!);
  });
});
