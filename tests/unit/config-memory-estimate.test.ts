// The memory estimate behind the "too big for this backend" refusal: what it refuses and accepts, and that it is an
// honest model of the trainer, checked against the wasm heap that training really takes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { parseConfigText, parseSweepText } from '../../src/shared/config/parse';
import { memoryProblem, trainingSetSize } from '../../src/shared/config/memory-estimate';
import { runConfigWarnings } from '../../src/shared/config/warnings';
import { createBackend } from '../../src/main/services/create-backend';
import { tempDir } from '../integration/backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SCRIPT = join(ROOT, 'scripts', 'measure-memory.ts');

const cfg = (task: RunConfigInput['task'], model: RunConfigInput['model'], extra: Partial<RunConfigInput> = {}): RunConfig =>
  RunConfigSchema.parse({ backend: 'wasm', task, model, training: { steps: 10 }, ...extra });
const modular = (p: number, more: object = {}) => ({ kind: 'modular' as const, op: 'add' as const, p, ...more });
const NANDA = { kind: 'transformer', layers: 1, layerNorm: false, tiedEmbedding: false } as const;

describe('memoryProblem', () => {
  it('refuses p = 997 on wasm for the default transformer and the MLP, at validate time, naming task.p and the estimate', () => {
    for (const model of [{ kind: 'transformer' }, { kind: 'mlp' }] as const) {
      const text = JSON.stringify({ backend: 'wasm', task: modular(997), model, training: { steps: 10 } });
      const r = parseConfigText(text, 'p997.json');
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems[0]!.path).toBe('task.p');
      const head = 'needs about \\d+ GiB on the wasm backend, which can address at most 4 GiB, about 3 GiB of it usable by a run \\(';
      expect(r.problems[0]!.message).toMatch(new RegExp(`^a modular task with p = 997 ${head}`));
      expect(r.problems[0]!.line).toBe(1);
    }
  });

  it('judges auto as wasm, and leaves cpu and tensorflow (no fixed address limit) alone', () => {
    expect(memoryProblem(cfg(modular(997), { kind: 'mlp' }, { backend: 'auto' }))?.message).toMatch(/what auto uses/);
    expect(memoryProblem(cfg(modular(997), { kind: 'mlp' }, { backend: 'cpu' }))).toBeNull();
    expect(memoryProblem(cfg(modular(997), { kind: 'mlp' }, { backend: 'tensorflow' }))).toBeNull();
  });

  it("judges the CLI's --backend and --steps overrides as if the file said them", () => {
    const onWasm = JSON.stringify({ backend: 'wasm', task: modular(997), model: { kind: 'mlp' }, training: { steps: 10 } }, null, 2);
    expect(parseConfigText(onWasm, 'p997.json').ok).toBe(false);
    const moved = parseConfigText(onWasm, 'p997.json', { backend: 'tensorflow', steps: 20 });
    expect(moved.ok && [moved.config.backend, moved.config.training.steps]).toEqual(['tensorflow', 20]);
    const onCpu = parseConfigText(onWasm.replace('"wasm"', '"cpu"'), 'p997.json', { backend: 'wasm' });
    expect(onCpu.ok ? null : onCpu.problems[0]).toMatchObject({ path: 'task.p', line: 6, message: expect.stringMatching(/wasm backend/) });
  });

  it("accepts the papers' settings and a large model that trains: p = 113 Nanda, p = 97, p = 200, p = 997 in minibatches", () => {
    expect(memoryProblem(cfg(modular(113, { trainFraction: 0.3, encoding: 'three-token' }), NANDA))).toBeNull();
    expect(memoryProblem(cfg(modular(97), { kind: 'transformer' }))).toBeNull();
    expect(memoryProblem(cfg(modular(97), { kind: 'mlp' }))).toBeNull();
    // measured (scripts/measure-memory.ts): a 2.5 GiB heap, and it trains
    expect(memoryProblem(cfg(modular(200), { kind: 'transformer' }))).toBeNull();
    expect(memoryProblem(cfg(modular(997), { kind: 'mlp' }, { training: { steps: 10, batchSize: 512 } }))).toBeNull();
  });

  it('refuses p = 211 for the default transformer, which measured aborts at the 4 GiB ceiling', () => {
    expect(memoryProblem(cfg(modular(211), { kind: 'transformer' }))?.path).toBe('task.p');
  });

  it('refuses a sweep whose cells include one too big, naming the cell', () => {
    const text = JSON.stringify({
      base: { backend: 'wasm', task: modular(23), model: { kind: 'mlp' }, training: { steps: 10 } },
      axes: [{ path: 'task.p', values: [23, 997] }],
    });
    const r = parseSweepText(text, 'sweep.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/at p=997: task\.p: a modular task with p = 997 needs about/);
  });
});

describe('run creation over IPC and the WebSocket (runs.create, no config file)', () => {
  it('refuses a config too big for its backend before any row is stored or any compute starts', async () => {
    const tmp = tempDir('memory');
    let launches = 0;
    const backend = createBackend({
      dbPath: tmp.file('m.db'),
      launcher: {
        launch() {
          launches++;
          throw new Error('no compute in this test');
        },
      },
    });
    try {
      const big = cfg(modular(997), { kind: 'transformer' });
      await expect(backend.handlers['runs.create']({ config: big })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/^task\.p: a modular task with p = 997 needs about/),
      });
      expect(await backend.handlers['runs.list']({ includeDeleted: true })).toEqual([]);
      expect(launches).toBe(0);
    } finally {
      await backend.close();
      tmp.cleanup();
    }
  });
});

describe('training set size and the batch warning', () => {
  it('counts the rows the trainer splits: floor(r·|D|), div without b = 0, symmetricOnce pairs once', () => {
    expect(trainingSetSize(cfg(modular(11), { kind: 'mlp' }).task)).toBe(60);
    expect(trainingSetSize(cfg({ ...modular(11), op: 'div' }, { kind: 'mlp' }).task)).toBe(55);
    expect(trainingSetSize(cfg(modular(11, { symmetricOnce: true }), { kind: 'mlp' }).task)).toBe(33);
  });

  it('warns (does not refuse) when batchSize is at least the training set', () => {
    const c = cfg(modular(11), { kind: 'mlp' }, { training: { steps: 10, batchSize: 512 } });
    expect(memoryProblem(c)).toBeNull();
    expect(runConfigWarnings(c)).toEqual([
      { path: 'training.batchSize', message: '512 is larger than the training set (60 examples): every step uses the full training set' },
    ]);
    expect(runConfigWarnings(cfg(modular(11), { kind: 'mlp' }, { training: { steps: 10, batchSize: 32 } }))).toEqual([]);
  });
});

interface Measured {
  name: string;
  heap: number;
  kernels: number;
  estimate: number;
  kernelEstimate: number;
}

describe('the estimate against the measured wasm heap', () => {
  // Each config in its own process (scripts/measure-memory.ts): the wasm heap only grows, so its size is the peak.
  it('is within 0.6x to 1.6x of the TF.js heap after a few updates and an evaluation, and the kernel memory is exact or over', () => {
    const names = ['tiny-mlp', 'transformer-p23', 'mlp-p97', 'transformer-p97'];
    const rows = names.map((name) => {
      const r = spawnSync(process.execPath, [TSX, SCRIPT, name, '--json'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measured;
    });
    for (const m of rows) {
      const ratio = m.estimate / m.heap;
      expect(ratio, `${m.name}: estimate / measured`).toBeGreaterThan(0.6);
      expect(ratio, `${m.name}: estimate / measured`).toBeLessThan(1.6);
      expect(m.kernelEstimate, m.name).toBeGreaterThanOrEqual(m.kernels * 0.99);
      expect(m.kernelEstimate, m.name).toBeLessThanOrEqual(Math.max(m.kernels * 2, 1 << 20));
    }
  }, 120_000);
});
