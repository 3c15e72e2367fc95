// The new-run form's model: every config survives form → config → form unchanged, and the form reports problems at
// the same config paths as a config file would.
import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { readFileSync } from 'node:fs';
import {
  checkDraft,
  defaultDraft,
  draftFromConfig,
  draftToJson,
  FIRST_RUN_TEXT,
  FORM_PATHS,
  SAMPLE_KINDS,
} from '../../src/renderer/src/lib/run-draft';
import { fmtPct, fmtSci, fmtSteps } from '../../src/renderer/src/lib/format';

describe('new-run form model', () => {
  it("starts valid, at the README's small first run (examples/grok-fast.json), which the runs page shows too", () => {
    const r = checkDraft(defaultDraft());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const fast = RunConfigSchema.parse(JSON.parse(readFileSync(new URL('../../examples/grok-fast.json', import.meta.url), 'utf8')));
    expect(r.config).toEqual({ ...fast, name: undefined, backend: 'auto' });
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`\`\`\`json\n${FIRST_RUN_TEXT}\n\`\`\``);
  });

  it('round-trips configs of every task and model kind and both batch modes', () => {
    const configs = [
      RunConfigSchema.parse({
        name: 'mlp run',
        seed: 3,
        backend: 'wasm',
        task: { kind: 'modular', op: 'div', p: 23, trainFraction: 0.3, splitSeed: 5, encoding: 'three-token' },
        model: { kind: 'mlp', embedDim: 16, width: 64, depth: 3, activation: 'tanh' },
        optimizer: { lr: 3e-3, weightDecay: 0.1, beta1: 0.8, beta2: 0.95, eps: 1e-6, warmupSteps: 0 },
        training: { steps: 500, batchSize: 128, evalEvery: 5, checkpointEvery: 100 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'permutation', group: 'S5', op: 'conjugate', trainFraction: 0.4, splitSeed: 2, encoding: 'three-token' },
        model: { kind: 'lstm', embedDim: 32, hidden: 20, layers: 2 },
        training: { steps: 200 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'modular', op: 'x^2+xy+y^2', p: 24, symmetricOnce: true },
        model: { kind: 'mlp' },
        training: { steps: 50 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'modular', op: 'mul', p: 31, symmetricOnce: true },
        model: { kind: 'transformer', layers: 1, dModel: 64, heads: 8, dMlp: 256, layerNorm: false, tiedEmbedding: false },
        training: { steps: 100 },
      }),
      // Nanda's init for 003 App. C's constant-norm run
      RunConfigSchema.parse({
        task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.7 },
        model: {
          kind: 'transformer',
          layers: 1,
          dModel: 64,
          heads: 4,
          dMlp: 256,
          layerNorm: false,
          tiedEmbedding: false,
          weightInit: 'nanda',
        },
        init: { scale: 0.8 },
        constantNorm: true,
        training: { steps: 100 },
      }),
      // the Omnigrok sample tasks (003)
      RunConfigSchema.parse({
        task: { kind: 'teacher-student', beta: 0.001, teacherSeed: 4, trainSize: 50 },
        model: { kind: 'mlp', width: 100, depth: 2, activation: 'tanh' },
        loss: 'mse',
        init: { scale: 2 },
        training: { steps: 100 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'mnist', trainSize: 1000, evalSize: 2000, messiness: 0.5, trainImages: '/d/a', trainLabels: '/d/b' },
        model: { kind: 'mlp', width: 200, depth: 2 },
        loss: 'mse',
        training: { steps: 100, batchSize: 200 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'messiness', p: 12, messiness: 0.3 },
        model: { kind: 'mlp' },
        loss: 'mse',
        constantNorm: true,
        training: { steps: 10 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'imdb', path: '/data/aclImdb', maxLen: 200 },
        model: { kind: 'lstm', hidden: 128, layers: 2 },
        training: { steps: 10 },
      }),
      RunConfigSchema.parse({
        task: { kind: 'qm9', path: '/data/qm9.csv', trainSize: 300 },
        model: { kind: 'gcn', hidden: 32, readout: 'mean' },
        loss: 'mse',
        training: { steps: 10 },
      }),
    ];
    for (const c of configs) {
      const r = checkDraft(draftFromConfig(c));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.config).toEqual(c);
    }
  });

  it('reports problems at config paths: schema bounds, cross-field rules, empty fields', () => {
    const d = defaultDraft();
    d.optimizer.lr = -1;
    d.modelKind = 'transformer';
    d.transformer.heads = 5;
    d.training.steps = null;
    d.task.op = 'div';
    d.task.p = 24;
    const r = checkDraft(d);
    expect(r.ok).toBe(false);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['optimizer.lr']).toMatch(/must be > 0, got -1/);
    expect(byPath['model.heads']).toMatch(/must divide dModel \(128\), got 5/);
    expect(byPath['training.steps']).toMatch(/is required/);
    expect(byPath['task.p']).toMatch(/must be prime/);
  });

  it('switches task and model kinds: S5 drops p and symmetricOnce, the LSTM sends its own fields', () => {
    const d = defaultDraft();
    d.task.p = 24; // not prime, but S5 has no p: no problem
    d.task.symmetricOnce = true;
    d.taskKind = 'permutation';
    d.task.permOp = 'compose';
    d.modelKind = 'lstm';
    d.lstm.hidden = 20;
    const r = checkDraft(d);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.task).toEqual({
      kind: 'permutation',
      group: 'S5',
      op: 'compose',
      trainFraction: 0.6,
      splitSeed: 0,
      encoding: 'three-token',
    });
    expect(r.config.model).toEqual({ kind: 'lstm', embedDim: 128, hidden: 20, layers: 1 });
    d.lstm.layers = 0;
    expect(checkDraft(d).problems.map((p) => p.path)).toEqual(['model.layers']);
    d.taskKind = 'modular';
    d.task.op = 'x^3+xy^2+y';
    const back = checkDraft(d);
    expect(back.ok || back.problems.map((p) => p.path)).toEqual(['model.layers']);
  });

  it('never fills a blank or unreadable field with its default; a field hidden for the chosen kind may stay blank', () => {
    const d = defaultDraft();
    d.optimizer.lr = null;
    d.training.evalEvery = Number.NaN;
    d.optimizer.momentum = null; // adamw does not read it: the form hides it
    const r = checkDraft(d);
    expect(r.problems).toEqual([
      { path: 'optimizer.lr', message: 'is required: enter a number' },
      { path: 'training.evalEvery', message: 'is not a number' },
    ]);
    expect(JSON.parse(draftToJson(d)).optimizer.lr).toBeNull();
    d.optimizer.kind = 'sgd';
    expect(checkDraft(d).problems.map((p) => p.path)).toContain('optimizer.momentum');
  });

  it('sends a minibatch size only when full batch is off', () => {
    const d = defaultDraft();
    d.training.fullBatch = false;
    d.training.batchSize = 64;
    const r = checkDraft(d);
    expect(r.ok && r.config.training.batchSize).toBe(64);
    d.training.batchSize = 0;
    const bad = checkDraft(d);
    expect(bad.problems.map((p) => p.path)).toContain('training.batchSize');
    expect(JSON.parse(draftToJson(defaultDraft())).training.batchSize).toBe('full');
  });
});

describe('number formats', () => {
  it('writes numbers as a config would', () => {
    expect(fmtSci(1e-3)).toBe('1e-3');
    expect(fmtSci(3e-4)).toBe('3e-4');
    expect(fmtSci(0.5)).toBe('0.5');
    expect(fmtSci(1)).toBe('1');
    expect(fmtSci(null)).toBe('–');
    expect(fmtPct(0.987)).toBe('98.7%');
    expect(fmtSteps(12345)).toBe('12.3k');
    expect(fmtSteps(400)).toBe('400');
  });

  it('a sample task without its dataset path is reported at task.path', () => {
    const d = defaultDraft();
    d.taskKind = 'qm9';
    d.modelKind = 'gcn';
    d.loss = 'mse';
    const r = checkDraft(d);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.path)).toContain('task.path');
    d.samples.qm9.path = '/data/qm9.csv';
    expect(checkDraft(d).ok).toBe(true);
  });
});

describe('new-run form paths', () => {
  it('come from the schema: every option of every task, model and optimiser kind, without the kind radios', () => {
    for (const p of [
      'name',
      'seed',
      'backend',
      'task.p',
      'task.beta',
      'task.smilesColumn',
      'model.dModel',
      'model.readout',
      'optimizer.lr',
      'optimizer.etaPlus',
      'training.batchSize',
      'init.scale',
      'loss',
      'constantNorm',
    ])
      expect(FORM_PATHS.has(p), p).toBe(true);
    for (const p of ['task.kind', 'model.kind', 'task.group', 'optimizer.dampening']) expect(FORM_PATHS.has(p), p).toBe(false);
  });

  it('cover every field of every sample task the form lists from the draft', () => {
    const d = defaultDraft();
    for (const k of SAMPLE_KINDS) {
      for (const key of Object.keys(d.samples[k])) expect(FORM_PATHS.has(`task.${key}`), `${k}: ${key}`).toBe(true);
    }
  });
});
