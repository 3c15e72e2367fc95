// The tensor side of the Omnigrok tasks (003): the dense MLP against the teacher's own forward pass, the GCN against
// a float64 reference, the accuracy rules (argmax, threshold β, nearest template) against plain JS, and the config
// rules (which model and loss each task takes).
import * as tf from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel } from '../../src/main/compute/models/create';
import type { Model } from '../../src/main/compute/models/layers';
import { Rng } from '../../src/main/compute/engine/rng';
import { createTeacher, teacherForward } from '../../src/main/compute/datasets/teacher-student';
import { graphFromSmiles } from '../../src/main/compute/datasets/qm9';
import { encodeSamples, disposeSampleBatch, SampleData, type SampleInput } from '../../src/main/compute/tasks/sample-tensors';
import type { Graph, SampleDataset, SampleSplit } from '../../src/main/compute/tasks/samples';
import { GcnModelSchema, MlpModelSchema, RunConfigSchema, TeacherStudentTaskSchema } from '../../src/shared/config/run-config';
import { buildTeacherStudentDataset, teacherSpec } from '../../src/main/compute/tasks/teacher-student';
import { parseConfigText } from '../../src/shared/config/parse';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('dense MLP (003 §3, §4)', () => {
  it("with the teacher's weights it computes the teacher's outputs: 5-100-100-5 tanh, no embedding", () => {
    const task = TeacherStudentTaskSchema.parse({ kind: 'teacher-student', trainSize: 20 });
    const ds = buildTeacherStudentDataset(task);
    const model = createModel(MlpModelSchema.parse({ kind: 'mlp', width: 100, depth: 2, activation: 'tanh' }), ds, new Rng(3));
    expect(model.params.map((p) => [p.name, p.variable.shape])).toEqual([
      ['hidden.0.weight', [5, 100]],
      ['hidden.0.bias', [100]],
      ['hidden.1.weight', [100, 100]],
      ['hidden.1.bias', [100]],
      ['out.weight', [100, 5]],
      ['out.bias', [5]],
    ]);
    const teacher = createTeacher(teacherSpec(task));
    teacher.forEach((l, k) => {
      model.params[2 * k]!.variable.assign(tf.tensor2d(Float32Array.from(l.w), [l.inDim, l.outDim]));
      model.params[2 * k + 1]!.variable.assign(tf.tensor1d(Float32Array.from(l.b)));
    });
    const batch = encodeSamples(ds.train, null);
    const out = tf.tidy(() => model.forward(batch.input).arraySync() as number[][]);
    out.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(ds.train.targets[r * 5 + j]!, 4)));
    const x = ds.train.inputs.kind === 'dense' ? ds.train.inputs.values : new Float32Array();
    expect(teacherForward(teacher, x.subarray(0, 5), 'tanh')[0]).toBeCloseTo(out[0]![0]!, 4);
    disposeSampleBatch(batch);
    tf.dispose(model.params.map((p) => p.variable));
  });
});

/** Float64 reference of the GCN: Â = D^−½(A + I)D^−½, H ← ReLU(ÂHW + b) per layer, sum over nodes, linear head. */
function gcnReference(g: Graph, weights: { w: number[][]; b: number[] }[], head: { w: number[][]; b: number[] }): number {
  const n = g.nodes;
  const A: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (const [a, b] of g.edges) A[a]![b] = A[b]![a] = 1;
  const deg = A.map((row) => row.reduce((s, v) => s + v, 0));
  const norm = A.map((row, i) => row.map((v, j) => v / Math.sqrt(deg[i]! * deg[j]!)));
  const F = g.features.length / n;
  let H = Array.from({ length: n }, (_, i) => Array.from(g.features.subarray(i * F, (i + 1) * F)));
  for (const { w, b } of weights) {
    const HW = H.map((row) => w[0]!.map((_, j) => row.reduce((s, v, k) => s + v * w[k]![j]!, 0)));
    H = norm.map((row) => b.map((bj, j) => Math.max(0, bj + row.reduce((s, v, k) => s + v * HW[k]![j]!, 0))));
  }
  const pooled = H[0]!.map((_, j) => H.reduce((s, row) => s + row[j]!, 0));
  return head.b[0]! + pooled.reduce((s, v, k) => s + v * head.w[k]![0]!, 0);
}

describe('GCN (003 App. A, QM9)', () => {
  it('matches a float64 reference on a padded batch of molecules of different sizes', () => {
    const graphs = ['C', 'CC#N', 'c1ccccc1', 'OCC(N)=O'].map(graphFromSmiles);
    const split: SampleSplit = {
      size: graphs.length,
      inputs: { kind: 'graphs', featureDim: graphs[0]!.features.length / graphs[0]!.nodes, graphs },
      targets: new Float32Array(graphs.length),
      labels: new Int32Array(graphs.length).fill(-1),
    };
    const F = split.inputs.kind === 'graphs' ? split.inputs.featureDim : 0;
    const model = createModel(
      GcnModelSchema.parse({ kind: 'gcn', hidden: 8, layers: 2 }),
      { vocabSize: 0, seqLen: 1, numClasses: 1, input: 'graphs', inputDim: F },
      new Rng(7),
    );
    const arr = (i: number) => model.params[i]!.variable.arraySync() as number[] | number[][];
    const weights = [0, 2].map((i) => ({ w: arr(i) as number[][], b: arr(i + 1) as number[] }));
    const head = { w: arr(4) as number[][], b: arr(5) as number[] };
    const batch = encodeSamples(split, null);
    expect(batch.input.graph!.adj.shape).toEqual([4, 6, 6]);
    const out = tf.tidy(() => model.forward(batch.input).dataSync());
    graphs.forEach((g, i) => expect(out[i]).toBeCloseTo(gcnReference(g, weights, head), 4));
    // a graph's prediction does not depend on the padding its batch needs
    const alone = encodeSamples(split, Int32Array.of(0));
    expect(tf.tidy(() => model.forward(alone.input).dataSync()[0])).toBeCloseTo(out[0]!, 5);
    disposeSampleBatch(batch);
    disposeSampleBatch(alone);
    tf.dispose(model.params.map((p) => p.variable));
  });
});

describe('accuracy rules and split evaluation', () => {
  /** A model that outputs its dense input rows (the tests choose inputs = predictions). */
  const identity: Model = { params: [], forward: (input) => tf.clone((input as SampleInput).features!) };
  const dataset = (accuracy: SampleDataset['accuracy'], preds: number[][], targets: number[][], labels: number[]): SampleDataset => {
    const k = preds[0]!.length;
    const split: SampleSplit = {
      size: preds.length,
      inputs: { kind: 'dense', dim: k, values: Float32Array.from(preds.flat()) },
      targets: Float32Array.from(targets.flat()),
      labels: Int32Array.from(labels),
    };
    return {
      family: 'samples',
      input: 'dense',
      inputDim: k,
      seqLen: 1,
      vocabSize: 0,
      outDim: k,
      numClasses: k,
      accuracy,
      train: split,
      val: split,
      summary: '',
    };
  };
  it('threshold: mean squared error over the outputs below β (003 §3); MSE loss as nn.MSELoss', async () => {
    const preds = [
      [0, 0],
      [0.1, 0],
      [0.3, 0.3],
      [1, -1],
    ];
    const targets = [
      [0, 0.05],
      [0, 0],
      [0, 0],
      [1, -1.2],
    ];
    const data = new SampleData(dataset({ kind: 'threshold', beta: 0.01 }, preds, targets, [-1, -1, -1, -1]));
    // per-row MSE: 0.00125, 0.005, 0.09, 0.02 → two below 0.01
    const s = await data.evaluate(identity, 'train', 'mse');
    expect(s.acc).toBe(0.5);
    expect(s.loss).toBeCloseTo((0.00125 + 0.005 + 0.09 + 0.02) / 4, 6);
    data.dispose();
  });
  it('nearest template (003 App. E) and argmax', async () => {
    const templates = [
      [1, 0],
      [0, 1],
      [-1, -1],
    ];
    const preds = [
      [0.9, 0.2],
      [0.4, 0.5],
      [-2, 0],
      [0.2, 0.1],
    ];
    const labels = [0, 1, 2, 1];
    // nearest: row 0 → 0 ✓, row 1 → 1 ✓, row 2 → 2 ✓ (dist² 2 vs 9, 5), row 3 → 0 ✗
    const near = new SampleData(
      dataset(
        { kind: 'nearest', templates: Float32Array.from(templates.flat()) },
        preds,
        labels.map((l) => templates[l]!),
        labels,
      ),
    );
    expect((await near.evaluate(identity, 'val', 'mse')).acc).toBe(0.75);
    near.dispose();
    const arg = new SampleData(
      dataset(
        { kind: 'argmax' },
        preds,
        [
          [1, 0],
          [0, 1],
          [0, 1],
          [0, 1],
        ],
        [0, 1, 1, 1],
      ),
    );
    // argmax: 0 ✓, 1 ✓, 1 ✓, 0 ✗; cross-entropy against one-hot rows
    const s = await arg.evaluate(identity, 'train', 'cross-entropy');
    expect(s.acc).toBe(0.75);
    const ce = preds.map((p, r) => -(p[[0, 1, 1, 1][r]!]! - Math.log(Math.exp(p[0]!) + Math.exp(p[1]!))));
    expect(s.loss).toBeCloseTo(ce.reduce((a, b) => a + b, 0) / 4, 5);
    arg.dispose();
  });
});

describe('config rules', () => {
  const base = { training: { steps: 10 } };
  it('each task takes its models, regression tasks take MSE', () => {
    const bad = RunConfigSchema.safeParse({ ...base, task: { kind: 'mnist' }, model: { kind: 'transformer' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'model.kind',
      'task "mnist" needs model "mlp", got "transformer"',
    ]);
    const ce = RunConfigSchema.safeParse({ ...base, task: { kind: 'teacher-student' }, model: { kind: 'mlp' } });
    expect(ce.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'loss',
      'task "teacher-student" is a regression: loss must be "mse", got "cross-entropy"',
    ]);
    const half = RunConfigSchema.safeParse({ ...base, task: { kind: 'mnist', trainImages: 'a' }, model: { kind: 'mlp' } });
    expect(half.error!.issues.map((i) => i.path.join('.'))).toContain('task.trainLabels');
    expect(RunConfigSchema.safeParse({ ...base, task: { kind: 'qm9', path: 'q.csv' }, model: { kind: 'gcn' }, loss: 'mse' }).success).toBe(
      true,
    );
    expect(RunConfigSchema.safeParse({ ...base, task: { kind: 'modular', op: 'add', p: 7 }, model: { kind: 'gcn' } }).success).toBe(false);
  });
});

describe('examples/omnigrok-*.yaml', () => {
  it('are valid run configs', () => {
    const files = readdirSync('examples').filter((f) => f.startsWith('omnigrok-'));
    expect(files.length).toBe(5);
    for (const f of files) {
      const r = parseConfigText(readFileSync(join('examples', f), 'utf8'), f);
      expect(r.ok ? 'ok' : JSON.stringify(r)).toBe('ok');
    }
  });
});
