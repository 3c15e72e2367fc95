// Hessian and intrinsic-dimension probes end to end: a small run trained here and stored with its checkpoints, then
// probed through the service in a real compute process (child_process.fork of the compute entry) and through the
// CLI. The compute process's λmax must equal the same computation done in this process; a run without checkpoints
// is invalid input (exit 2) naming the problem.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hessianExtremes } from '../../src/shared/analysis/lanczos';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { LossHessian } from '../../src/main/compute/probes/hessian';
import { buildProbeModel } from '../../src/main/compute/probes/model-at';
import { hessianTensors } from '../../src/main/compute/probes/run-probe';
import { probeLoss } from '../../src/main/compute/probes/second-order-grads';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import { openStore, type Store } from '../../src/main/store';
import { ProbeService } from '../../src/main/services/run-probes';
import type { ProbeProgress } from '../../src/shared/api/types';
import { tempDir } from '../unit/store-helpers';
import { trainIntoRuns } from '../unit/trained-run-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('probes');
const DB = tmp.file('p.db');
const OWNER = { host: 'test', pid: 1 };
const config = RunConfigSchema.parse({
  backend: 'cpu',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.6 },
  model: { kind: 'mlp', width: 12, depth: 1, embedDim: 4, activation: 'tanh' },
  optimizer: { lr: 0.01, weightDecay: 0.1 },
  training: { steps: 40, checkpointEvery: 20 },
});
let store: Store;
let trained = 0;
let bare = 0;
const steps = [0, 20, 40];

beforeAll(async () => {
  await initBackend('cpu');
  store = openStore(DB);
  const now = new Date().toISOString();
  trained = store.runs.insert({ name: 'probe me', config, createdAt: now, owner: OWNER });
  bare = store.runs.insert({ name: 'no checkpoints', config, createdAt: now, owner: OWNER });
  await trainIntoRuns(store, config, [{ run: trained, at: (s) => s % 20 === 0 }]);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('ProbeService in a compute process', () => {
  it('λmax and λmin at every checkpoint, equal to the same computation in this process, stored as an analysis', async () => {
    const progress: ProbeProgress[] = [];
    const probes = new ProbeService({ store, launcher: createChildLauncher(), onProgress: (p) => progress.push(p) });
    const h = await probes.hessian(trained, { maxIter: 30, tol: 1e-3, excludeOneDim: false });
    expect(h.points.map((p) => p.step)).toEqual(steps);
    // vocabulary 9 (7 numbers, op, =), 4 input tokens (a op b =) of 4 dimensions
    expect(h.dim).toBe(9 * 4 + 16 * 12 + 12 + 12 * 7 + 7);
    for (const p of h.points) {
      expect(p.lambdaMax).toBeGreaterThan(0);
      expect(p.lambdaMin).toBeLessThanOrEqual(p.lambdaMax);
      expect(p.converged.max).toBe(true);
    }
    expect(progress.at(-1)).toMatchObject({ runId: trained, kind: 'hessian', done: 3, total: 3 });
    expect(store.analyses.latest(trained, 'hessian')?.result).toEqual(h);

    // the same numbers computed here, from the stored checkpoint
    const pm = buildProbeModel(config);
    pm.load(store.checkpoints.load(trained, 40)!.params);
    const chunks = pm.chunksOf('train');
    const H = new LossHessian(
      { forEachChunk: (f) => f(() => probeLoss(config.loss, pm.model.forward(chunks[0]!.batch.input), chunks[0]!.batch.targets), 1) },
      hessianTensors(pm, false).keep,
    );
    const ref = await hessianExtremes((v) => H.hvp(v), H.dim, { maxIter: 30, tol: 1e-3, seed: 40 });
    const got = h.points.at(-1)!;
    expect(Math.abs(got.lambdaMax - ref.lambdaMax) / ref.lambdaMax).toBeLessThan(1e-4);
    expect(Math.abs(got.lambdaMin - ref.lambdaMin) / ref.lambdaMax).toBeLessThan(1e-4);
    chunks.forEach((c) => c.dispose());
    pm.dispose();
    tf.disposeVariables();

    // by default 1-D parameters are left out, as in the authors' code
    const ex = await probes.hessian(trained, { steps: [40] });
    expect(ex.excludeOneDim).toBe(true);
    expect(ex.excluded).toEqual(['hidden.0.bias', 'out.bias']);
    expect(ex.dim).toBe(h.dim - 12 - 7);
  }, 60_000);

  it('intrinsic dimension of every layer on train and validation rows', async () => {
    const probes = new ProbeService({ store, launcher: createChildLauncher() });
    const v = await probes.intrinsicDimension(trained, { steps: [0, 40] });
    expect(v.layers).toEqual(['embed', 'hidden.0', 'logits']);
    expect(v.points.map((p) => p.step)).toEqual([0, 40]);
    for (const p of v.points) {
      expect(p.layers.map((l) => `${l.layer}/${l.split}`)).toEqual([
        'embed/train',
        'hidden.0/train',
        'logits/train',
        'embed/val',
        'hidden.0/val',
        'logits/val',
      ]);
      for (const l of p.layers) {
        expect(l.twoNN).toBeGreaterThan(0);
        expect(l.mle).toBeGreaterThan(0);
        expect(l.twoNN).toBeLessThan(l.ambient + 1);
      }
    }
    // the input embedding of (a op b =) rows: 4 tokens of 4 dimensions, only two of them varying
    expect(v.points[0]!.layers[0]!.ambient).toBe(16);
    expect(v.points[0]!.layers[0]!.twoNN).toBeLessThan(9);
  }, 60_000);

  it('a cancelled probe rejects and its process stops', async () => {
    // cancelled at its first progress report (5 Hessian-vector products in), not after a fixed wait: on a quiet
    // machine the whole probe can finish within seconds
    let reported!: () => void;
    const started = new Promise<void>((r) => (reported = r));
    const probes = new ProbeService({ store, launcher: createChildLauncher(), onProgress: () => reported() });
    const p = probes.hessian(trained, { maxIter: 200, tol: 1e-12 });
    await started;
    expect(probes.cancel(trained)).toBe(true);
    await expect(p).rejects.toThrow(/cancelled/);
  }, 60_000);

  it('refuses runs without checkpoints and steps that are not stored', async () => {
    const probes = new ProbeService({ store, launcher: createChildLauncher() });
    await expect(probes.hessian(bare)).rejects.toThrow(`run ${bare} has no stored checkpoints`);
    await expect(probes.intrinsicDimension(trained, { steps: [5] })).rejects.toThrow('no checkpoint at step 5 (stored: 0, 20, 40)');
  });
});

describe('grokscope analyze hessian|id', () => {
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--db', DB], { cwd: tmp.dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints λmax and λmin per checkpoint (and JSON with --json)', () => {
    const r = cli(['analyze', 'hessian', '--run', String(trained), '--steps', '20,40', '--include-one-dim']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Hessian of the training loss over all 331 parameters/);
    const d = cli(['analyze', 'hessian', '--run', String(trained), '--steps', '40']);
    expect(d.stdout).toMatch(/over 312 parameters \(left out: hidden.0.bias, out.bias\)/);
    expect(r.stdout).toMatch(/\n {2}40 /);
    const j = cli(['analyze', 'id', '--run', String(trained), '--steps', '40', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ runId: trained, layers: ['embed', 'hidden.0', 'logits'] });
  }, 60_000);

  it('exits 2 naming the problem for a run without checkpoints or a bad --steps', () => {
    const r = cli(['analyze', 'hessian', '--run', String(bare)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run ${bare} has no stored checkpoints`);
    const s = cli(['analyze', 'id', '--run', String(trained), '--steps', '1,x']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--steps must be checkpoint steps');
  }, 60_000);
});
