// `grokscope run` of the same config twice with the same seeds stores identical metrics, every row, bit for bit, also
// with a minibatch sampler, update-direction and weight noise, momentum and clipping, and for a full-batch run; a
// different seed does not.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from './backend-helpers';
import { METRICS } from '../../src/shared/api/types';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-determinism');
afterAll(() => tmp.cleanup());

const CONFIG = {
  seed: 7,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5, splitSeed: 3 },
  model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
  optimizer: {
    kind: 'sgd',
    lr: 0.05,
    momentum: 0.9,
    weightDecay: 0.01,
    clipGradNorm: 5,
    updateNoise: 0.1,
    weightNoise: 0.01,
    warmupSteps: 5,
  },
  training: { steps: 120, batchSize: 16, evalEvery: 10 },
};

function run(db: string, config: object): void {
  const file = tmp.file(`${db}.json`);
  writeFileSync(file, JSON.stringify(config));
  const env = { ...process.env };
  delete env['GROKSCOPE_DB'];
  const r = spawnSync(process.execPath, [BIN, 'run', file, '--db', tmp.file(db), '--json'], {
    cwd: tmp.dir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`grokscope run exited ${r.status}: ${r.stderr}`);
}

function rows(db: string): [string, number, number][] {
  const d = new Database(tmp.file(db), { readonly: true });
  try {
    // wall_time is when each batch arrived: a clock reading, the one series two identical runs do not share
    return d.prepare("SELECT name, step, value FROM metrics WHERE name != 'wall_time' ORDER BY name, step").raw().all() as [
      string,
      number,
      number,
    ][];
  } finally {
    d.close();
  }
}

describe('grokscope run is deterministic', () => {
  it('stores the same metrics for the same config and seeds, and different ones for another seed', () => {
    run('a.db', CONFIG);
    run('b.db', CONFIG);
    run('c.db', { ...CONFIG, seed: 8 });
    const a = rows('a.db');
    const b = rows('b.db');
    // every measurement at every evaluation: 13 evaluations of train/val loss and accuracy at least
    expect(a.filter(([n]) => n === 'val_loss')).toHaveLength(13);
    // and the loss of every update, the spectral window
    expect(a.filter(([n]) => n === 'step_loss').length).toBeGreaterThan(13);
    expect(new Set(a.map(([n]) => n))).toEqual(
      new Set([
        ...METRICS, // every metric the API names
        'norm/embed.weight',
        'norm/hidden.0.weight',
        'norm/hidden.0.bias',
        'norm/out.weight',
        'norm/out.bias',
      ]),
    );
    expect(b).toEqual(a);
    const c = rows('c.db');
    expect(c.length).toBe(a.length);
    expect(c).not.toEqual(a);
  }, 180_000);

  it('also for a full-batch run (the default path, whose gradient may be split over worker threads)', () => {
    const full = {
      ...CONFIG,
      optimizer: { kind: 'adamw', lr: 0.005, weightDecay: 1, clipGradNorm: 2 },
      training: { steps: 150, evalEvery: 10 },
      init: { scale: 1.2 },
      loss: 'mse',
    };
    run('d.db', full);
    run('e.db', full);
    const d = rows('d.db');
    expect(d.filter(([n]) => n === 'cos_step')).toHaveLength(15);
    expect(rows('e.db')).toEqual(d);
  }, 180_000);
});
