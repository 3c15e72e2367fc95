// Landscape cost benchmark: each grid point L(θ + αδ + βη) of a 2d surface (what a landscape job does per
// point: weights assigned on the device from θ and the directions, then the training code's evaluation of the
// training and validation splits) timed right next to one plain evaluation of the same model (weights not moved), N×N
// times, interleaved so that a loaded machine slows both alike. θ is the config's model after 5 updates.
// With 'train' both evaluate the training split only (one full-batch forward pass each, the landscape's --splits train).
// With --batched it times instead, row by row, the batched evaluation (Scorer.scoreMany: the row's N points in passes
// of up to batchLimit points; the shared-first-layer path where it applies; --cap-mb
// sets the memory cap) against the same row one point at a time (scoreAt), alternating which goes first, and compares
// their values (accuracies must be equal, the loss's largest relative difference is printed).
// Usage: npx tsx scripts/bench-landscape.ts CONFIG.json [N] [train] [--batched [--cap-mb=64]]   (N×N points, default 11)
import { readFileSync } from 'node:fs';
import { RunConfigSchema } from '../src/shared/config/run-config';
import { initBackend } from '../src/main/compute/engine/backend';
import { Trainer } from '../src/main/compute/train/trainer';
import { executionSettings } from '../src/main/host/execution-settings';
import { Scorer } from '../src/main/compute/probes/landscape/scorer';
import { makeDirection, type DirectionSources } from '../src/main/compute/probes/landscape/directions';
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const file = args[0]!;
const n = Number(args[1] ?? 11);
const withVal = args[2] !== 'train';
const batched = flags.includes('--batched');
const capFlag = flags.find((f) => f.startsWith('--cap-mb='));
const capBytes = capFlag ? Number(capFlag.slice('--cap-mb='.length)) * 2 ** 20 : undefined;
const config = RunConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const b = await initBackend(config.backend);
const t = new Trainer(config, executionSettings());
for (let i = 0; i < 5; i++) await t.update(false);
const params = (await t.snapshot()).params;
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
const d = [0, 1].map(
  (slot) => makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 0, slot: slot as 0 | 1 }, theta, 5, src).dir,
);
grid.setSlice(theta, d);
plain.setSlice(theta, []);
if (batched) {
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const rowOf = (i: number) => Array.from({ length: n }, (_, j) => [-1 + (2 * j) / (n - 1), -1 + (2 * i) / (n - 1)]);
  await grid.scoreMany(rowOf(0), withVal, { capBytes });
  const time = { many: 0, one: 0, manyCpu: 0, oneCpu: 0 };
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const row = rowOf(i);
    let many: Awaited<ReturnType<Scorer['scoreMany']>> = [];
    let one: Awaited<ReturnType<Scorer['scoreMany']>> = [];
    const sides: [keyof typeof time, keyof typeof time, () => Promise<void>][] = [
      ['many', 'manyCpu', async () => void (many = await grid.scoreMany(row, withVal, { capBytes }))],
      ['one', 'oneCpu', async () => void (one = await grid.scoreMany(row, withVal, { maxBatch: 1 }))],
    ];
    for (const [wall, cpu, f] of i % 2 ? sides.reverse() : sides) {
      const t0 = performance.now();
      const c0 = cpuMs();
      await f();
      time[wall] += performance.now() - t0;
      time[cpu] += cpuMs() - c0;
    }
    many.forEach((m, k) => (worst = Math.max(worst, Math.abs(m.train.loss - one[k]!.train.loss) / Math.abs(one[k]!.train.loss))));
    if (many.some((m, k) => m.train.acc !== one[k]!.train.acc || m.val?.acc !== one[k]!.val?.acc))
      throw new Error(`row ${i}: accuracies differ`);
  }
  const pts = n * n;
  console.log(
    JSON.stringify({
      file,
      backend: b.backend,
      splits: withVal ? 'train+val' : 'train',
      params: grid.dim,
      points: pts,
      path: grid.batchPlan(withVal, capBytes).path,
      batchLimit: grid.batchPlan(withVal, capBytes).limit,
      batchedPerPointMs: +(time.many / pts).toFixed(2),
      onePerPointMs: +(time.one / pts).toFixed(2),
      speedupWall: +(time.one / time.many).toFixed(2),
      speedupCpu: +(time.oneCpu / time.manyCpu).toFixed(2),
      worstRelLossDiff: worst,
    }),
  );
  grid.dispose();
  plain.dispose();
  process.exit(0);
}
await grid.scoreAt([0.1, 0.1]);
await plain.scoreAt([]);
let tg = 0;
let tp = 0;
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) {
    let t0 = performance.now();
    await grid.scoreAt([-1 + (2 * j) / (n - 1), -1 + (2 * i) / (n - 1)], withVal);
    tg += performance.now() - t0;
    t0 = performance.now();
    await plain.scoreAt([], withVal);
    tp += performance.now() - t0;
  }
grid.dispose();
plain.dispose();
console.log(
  JSON.stringify({
    file,
    backend: b.backend,
    splits: withVal ? 'train+val' : 'train',
    params: grid.dim,
    points: n * n,
    gridPerPointMs: +(tg / n / n).toFixed(1),
    plainEvalMs: +(tp / n / n).toFixed(1),
    ratio: +(tg / tp).toFixed(3),
  }),
);
