// Landscape cost benchmark (issue 7): each grid point L(θ + αδ + βη) of a 2d surface (what a landscape job does per
// point: weights assigned on the device from θ and the directions, then the training code's evaluation of the
// training and validation splits) timed right next to one plain evaluation of the same model (weights not moved), N×N
// times, interleaved so that a loaded machine slows both alike. θ is the config's model after 5 updates.
// With 'train' both evaluate the training split only (one full-batch forward pass each, the landscape's --splits train).
// Usage: npx tsx scripts/bench-landscape.ts CONFIG.json [N] [train]   (N×N points, default 11)
import { readFileSync } from 'node:fs';
import { RunConfigSchema } from '../src/shared/config/run-config';
import { initBackend } from '../src/main/compute/engine/backend';
import { Trainer } from '../src/main/compute/train/trainer';
import { Scorer } from '../src/main/compute/probes/landscape/scorer';
import { makeDirection, type DirectionSources } from '../src/main/compute/probes/landscape/directions';
const file = process.argv[2]!;
const n = Number(process.argv[3] ?? 11);
const withVal = process.argv[4] !== 'train';
const config = RunConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const b = await initBackend(config.backend);
const t = new Trainer(config);
for (let i = 0; i < 5; i++) t.update(false);
const params = t.snapshot().params;
t.dispose();
const grid = new Scorer(config);
const plain = new Scorer(config);
const theta = grid.vecOf(params);
const src: DirectionSources = {
  params: grid.params,
  final: theta,
  next: null,
  nextStep: null,
  theta0: grid.theta0,
  pca: () => {
    throw new Error('random directions only');
  },
};
const d = [0, 1].map((slot) => makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 0, slot: slot as 0 | 1 }, theta, 5, src).dir);
grid.setSlice(theta, d);
plain.setSlice(theta, []);
grid.scoreAt([0.1, 0.1]);
plain.scoreAt([]);
let tg = 0;
let tp = 0;
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) {
    let t0 = performance.now();
    grid.scoreAt([-1 + (2 * j) / (n - 1), -1 + (2 * i) / (n - 1)], withVal);
    tg += performance.now() - t0;
    t0 = performance.now();
    plain.scoreAt([], withVal);
    tp += performance.now() - t0;
  }
grid.dispose();
plain.dispose();
console.log(JSON.stringify({ file, backend: b.backend, splits: withVal ? 'train+val' : 'train', params: grid.dim, points: n * n, gridPerPointMs: +(tg / n / n).toFixed(1), plainEvalMs: +(tp / n / n).toFixed(1), ratio: +(tg / tp).toFixed(3) }));
