// The embedding + MLP's fast first layer (engine/position-tables) and dense op (engine/dense): the model's logits and
// every parameter's gradient equal the plain formulation (one-hot embedding product, concatenated positions, x·W + b
// layers, log-softmax cross-entropy), on wasm and cpu, for inputs with one to four varying positions and constant
// positions (the ⟨op⟩ and ⟨=⟩ tokens), for ReLU and a smooth activation.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { MlpModelSchema, type MlpModelConfig } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { fastForward } from '../../src/main/compute/engine/fast-paths';
import { slotIndex } from '../../src/main/compute/engine/position-tables';
import type { ModelInput } from '../../src/main/compute/models/layers';
import { createMlp } from '../../src/main/compute/models/mlp';
import { Rng } from '../../src/main/compute/engine/rng';
import '../../src/main/compute/probes/second-order-grads'; // side effect: the gradients double backprop needs
import { crossEntropy } from '../../src/main/compute/train/metrics';

afterAll(() => tf.disposeVariables());

const VOCAB = 9;
const CLASSES = 7;

/** Token rows: positions in `constant` hold one token in every row, the others vary (seeded). */
function tokenRows(rows: number, seqLen: number, constant: Record<number, number>, seed: number): Int32Array {
  const rng = new Rng(seed);
  const u = rng.fillUniform(new Float32Array(rows * seqLen), 1);
  return Int32Array.from(
    { length: rows * seqLen },
    (_, k) => constant[k % seqLen] ?? Math.min(VOCAB - 1, Math.floor(((u[k]! + 1) / 2) * VOCAB)),
  );
}

function inputOf(tokens: Int32Array, rows: number): ModelInput {
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(tokens, 'int32'), VOCAB), 'float32') as tf.Tensor2D;
  return { batch: rows, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D, tokens };
}

/** The plain formulation on the same parameters, written out here independently of models/mlp.ts. */
function plainLogits(cfg: MlpModelConfig, vars: Record<string, tf.Variable>, input: ModelInput, seqLen: number): tf.Tensor2D {
  const e = tf.matMul(input.onehot, vars['embed.weight'] as tf.Tensor2D);
  let h = tf.reshape(e, [input.batch, seqLen * cfg.embedDim]) as tf.Tensor2D;
  for (let i = 0; i < cfg.depth; i++) {
    const pre = tf.add(tf.matMul(h, vars[`hidden.${i}.weight`] as tf.Tensor2D), vars[`hidden.${i}.bias`]!) as tf.Tensor2D;
    h = cfg.activation === 'relu' ? tf.relu(pre) : tf.tanh(pre);
  }
  return tf.add(tf.matMul(h, vars['out.weight'] as tf.Tensor2D), vars['out.bias']!) as tf.Tensor2D;
}

function plainCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  return err / Math.max(scale, 1e-12);
}

const CASES: { name: string; seqLen: number; constant: Record<number, number>; activation: 'relu' | 'tanh'; depth: number }[] = [
  { name: 'three-token (a, b, =): two varying, one constant', seqLen: 3, constant: { 2: 8 }, activation: 'relu', depth: 1 },
  {
    name: 'Power (a, op, b, =): two varying, two constant, depth 2, tanh',
    seqLen: 4,
    constant: { 1: 7, 3: 8 },
    activation: 'tanh',
    depth: 2,
  },
  { name: 'one varying position', seqLen: 2, constant: { 0: 3 }, activation: 'relu', depth: 1 },
  { name: 'three varying positions', seqLen: 3, constant: {}, activation: 'relu', depth: 2 },
  { name: 'four varying positions (general loop)', seqLen: 5, constant: { 4: 8 }, activation: 'relu', depth: 1 },
];

describe('MLP first layer from per-position tables equals the one-hot formulation', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const c of CASES) {
      it(`${backend}: ${c.name}`, async () => {
        await initBackend(backend);
        const cfg = MlpModelSchema.parse({ kind: 'mlp', embedDim: 6, width: 20, depth: c.depth, activation: c.activation });
        const model = createMlp(cfg, { vocabSize: VOCAB, seqLen: c.seqLen, numClasses: CLASSES }, new Rng(11));
        const forward = fastForward(model)!;
        const rows = 150;
        const input = inputOf(tokenRows(rows, c.seqLen, c.constant, 5), rows);
        const labels = tf.tensor1d(
          Int32Array.from({ length: rows }, (_, r) => (r * 5) % CLASSES),
          'int32',
        );
        const targets = tf.cast(tf.oneHot(labels, CLASSES), 'float32') as tf.Tensor2D;
        const vars = Object.fromEntries(model.params.map((p) => [p.name, p.variable]));
        const list = model.params.map((p) => p.variable);
        const fast = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => crossEntropy(forward(input), targets), list);
          return { loss: value.dataSync()[0]!, logits: forward(input).dataSync(), grads: list.map((v) => grads[v.name]!.dataSync()) };
        });
        const reference = tf.tidy(() => model.forward(input).dataSync());
        const plain = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => plainCrossEntropy(plainLogits(cfg, vars, input, c.seqLen), targets), list);
          return {
            loss: value.dataSync()[0]!,
            logits: plainLogits(cfg, vars, input, c.seqLen).dataSync(),
            grads: list.map((v) => grads[v.name]!.dataSync()),
          };
        });
        expect(Math.abs(fast.loss - plain.loss) / plain.loss).toBeLessThan(1e-5);
        expect(maxRelErr(fast.logits, plain.logits)).toBeLessThan(1e-5);
        expect(maxRelErr(reference, plain.logits)).toBeLessThan(1e-5);
        model.params.forEach((p, i) => {
          expect(maxRelErr(fast.grads[i]!, plain.grads[i]!), `gradient of ${p.name}`).toBeLessThan(1e-4);
          expect(
            fast.grads[i]!.some((v) => v !== 0),
            `gradient of ${p.name} is not all zero`,
          ).toBe(true);
        });
        tf.dispose([input.onehot, input.onehotT, labels, targets]);
        tf.dispose(list);
      });
    }
  }
});

describe('MLP tables under double backprop (Hessian-vector products, as compute/probes does)', () => {
  it("cpu: the Hessian-vector product of a squared loss equals the one-hot formulation's", async () => {
    await initBackend('cpu');
    const c = CASES[1]!; // (a, op, b, =): varying and constant positions, tanh, depth 2
    const cfg = MlpModelSchema.parse({ kind: 'mlp', embedDim: 4, width: 10, depth: c.depth, activation: c.activation });
    const model = createMlp(cfg, { vocabSize: VOCAB, seqLen: c.seqLen, numClasses: CLASSES }, new Rng(4));
    const rows = 60;
    const input = inputOf(tokenRows(rows, c.seqLen, c.constant, 8), rows);
    const list = model.params.map((p) => p.variable);
    const vars = Object.fromEntries(model.params.map((p) => [p.name, p.variable]));
    const dirs = list.map((v, i) => tf.tensor(new Rng(20 + i).fillNormal(new Float32Array(v.size), 1), v.shape));
    const hvp = (logits: () => tf.Tensor2D) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const inner = tf.variableGrads(() => tf.div(tf.sum(tf.square(logits())), rows) as tf.Scalar, list).grads;
          return tf.addN(list.map((v, i) => tf.sum(tf.mul(inner[v.name]!, dirs[i]!)))) as tf.Scalar;
        }, list);
        return list.map((v) => grads[v.name]!.dataSync());
      });
    const forward = fastForward(model)!;
    const fast = hvp(() => forward(input));
    const plain = hvp(() => plainLogits(cfg, vars, input, c.seqLen));
    model.params.forEach((p, i) => expect(maxRelErr(fast[i]!, plain[i]!), `Hv for ${p.name}`).toBeLessThan(1e-4));
    tf.dispose([input.onehot, input.onehotT, ...dirs]);
    tf.dispose(list);
  });
});

describe('slotIndex', () => {
  it('sets apart the positions whose token never changes, and numbers slots token·L + position', () => {
    const tokens = Int32Array.from([2, 7, 5, 8, 4, 7, 1, 8]); // two rows of (a, op, b, =)
    const ix = slotIndex(tokens, 2, 4, VOCAB);
    expect(ix.constant).toEqual([7 * 4 + 1, 8 * 4 + 3]);
    expect(ix.varying.map((v) => Array.from(v))).toEqual([
      [2 * 4 + 0, 4 * 4 + 0],
      [5 * 4 + 2, 1 * 4 + 2],
    ]);
    expect(ix.tableRows).toBe(VOCAB * 4);
  });

  it('rejects tokens outside the vocabulary and a wrong length', () => {
    expect(() => slotIndex(Int32Array.from([0, 9]), 1, 2, VOCAB)).toThrow(/token 9 outside \[0, 9\)/);
    expect(() => slotIndex(Int32Array.from([0, 1, 2]), 2, 2, VOCAB)).toThrow(/3 tokens for 2 rows of 2/);
  });
});
