// A landscape grid in a compute process: rows of loss and accuracy (train and validation) along α, one row per β of a
// 2d surface, per checkpoint of 1d slices over training, or a single 1d slice. Rows already stored (a resumed grid)
// are skipped; each finished row is sent at once, so an interruption loses at most the row in progress.
import type { DirectionInfo, LandscapeRow, LandscapeSplitRow, LandscapeTrajectory } from '../../../../shared/api/landscape-types';
import type { LandscapeJob } from '../../../protocol/jobs';
import { makeDirection, orthogonalize, planeCoordinates, sub, trajectoryDirections, type DirectionSources, type Vec } from './directions';
import { Scorer } from './scorer';

export interface LandscapeSink {
  info(i: { dim: number; directions: DirectionInfo[]; trajectory: LandscapeTrajectory | null }): void;
  progress(done: number, total: number, message: string): void;
  row(index: number, row: LandscapeRow, seconds: number): void;
}

export class GridCancelled extends Error {
  constructor() {
    super('landscape cancelled');
  }
}

/** Evenly spaced values from a to b (both included). */
export function linspace([a, b]: [number, number], n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/** Longest stretch of synchronous evaluation between two yields to the event loop (so 'cancel' gets through). */
const YIELD_MS = 50;
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runLandscapeJob(job: LandscapeJob, sink: LandscapeSink, cancelled: () => boolean): Promise<void> {
  const p = job.params;
  const scorer = new Scorer(job.config);
  try {
    const byStep = new Map<number, Vec>(job.checkpoints.map((c) => [c.step, scorer.vecOf(c.params)]));
    const at = (step: number): Vec => {
      const v = byStep.get(step);
      if (!v) throw new Error(`the grid needs the checkpoint at step ${step}, which was not sent`);
      return v;
    };
    const trajectory = job.trajectorySteps.map(at);
    const finalStep = job.trajectorySteps[job.trajectorySteps.length - 1]!;
    let pcaCache: ReturnType<DirectionSources['pca']> | null = null;
    const sources = (rowIdx: number): DirectionSources => ({
      params: scorer.params,
      final: at(finalStep),
      next: job.nextSteps[rowIdx] != null ? at(job.nextSteps[rowIdx]!) : null,
      nextStep: job.nextSteps[rowIdx] ?? null,
      theta0: scorer.theta0,
      pca: () => (pcaCache ??= trajectoryDirections(trajectory, scorer.params, 2)),
    });
    const alphas = linspace(p.range, p.points);
    const betas = p.kind === '2d' ? linspace(p.range2!, p.points2!) : null;
    const rowCount = p.kind === '2d' ? betas!.length : p.steps.length;
    const skip = new Set(job.skipRows);
    const withVal = p.splits !== 'train';

    /** δ (and η) at the centre of row i: for 1d and 2d every row shares the one centre. */
    const directionsAt = (rowIdx: number) => {
      const step = p.kind === '1d-training' ? p.steps[rowIdx]! : p.steps[0]!;
      const centre = at(step);
      const src = sources(p.kind === '1d-training' ? rowIdx : 0);
      const d1 = makeDirection(
        { kind: p.direction, normalization: p.normalization, oneDim: p.oneDim, seed: p.seed, slot: 0 },
        centre,
        step,
        src,
      );
      if (p.kind !== '2d') return { step, centre, dirs: [d1.dir], infos: [d1.info] };
      const d2 = makeDirection(
        { kind: p.direction2!, normalization: p.normalization, oneDim: p.oneDim, seed: p.seed, slot: 1 },
        centre,
        step,
        src,
      );
      const eta = p.orthogonalize ? orthogonalize(d2.dir, d1.dir) : d2.dir;
      const info2 = p.orthogonalize ? { ...d2.info, label: `${d2.info.label}, orthogonalised against δ` } : d2.info;
      return { step, centre, dirs: [d1.dir, eta], infos: [d1.info, info2] };
    };

    const first = directionsAt(0);
    let traj: LandscapeTrajectory | null = null;
    if (p.kind === '2d') {
      traj = { steps: [], alpha: [], beta: [], offPlane: [], trainLoss: [], valLoss: [], trainAcc: [], valAcc: [] };
      for (let k = 0; k < trajectory.length; k++) {
        const c = planeCoordinates(sub(trajectory[k]!, first.centre), first.dirs[0]!, first.dirs[1]!);
        const s = await scorer.scorePoint(trajectory[k]!);
        traj.steps.push(job.trajectorySteps[k]!);
        traj.alpha.push(c.a);
        traj.beta.push(c.b);
        traj.offPlane.push(c.offPlane);
        traj.trainLoss.push(s.train.loss);
        traj.valLoss.push(s.val!.loss);
        traj.trainAcc.push(s.train.acc);
        traj.valAcc.push(s.val!.acc);
      }
    }
    sink.info({ dim: scorer.dim, directions: first.infos, trajectory: traj });

    let done = skip.size;
    sink.progress(
      done,
      rowCount,
      done > 0 ? `resuming: ${done} of ${rowCount} rows stored` : `${rowCount} rows of ${alphas.length} points`,
    );
    let sliceOf = -1;
    let lastYield = performance.now();
    let perPass = 8;
    for (let r = 0; r < rowCount; r++) {
      if (skip.has(r)) continue;
      const t0 = performance.now();
      const slice = p.kind === '1d-training' ? directionsAt(r) : first;
      if (sliceOf !== (p.kind === '1d-training' ? r : 0)) {
        scorer.setSlice(slice.centre, slice.dirs);
        sliceOf = p.kind === '1d-training' ? r : 0;
      }
      const train: LandscapeSplitRow = { loss: [], acc: [] };
      const val: LandscapeSplitRow = { loss: [], acc: [] };
      const coefs = alphas.map((a) => (betas ? [a, betas[r]!] : [a]));
      const batched = scorer.batchPlan(withVal).path !== 'one';
      for (let i = 0; i < coefs.length;) {
        // several points per pass where the model has a batched path (Scorer.scoreMany), about one yield budget's
        // worth (from the last pass's time per point); one point at a time otherwise, as before
        const n = batched ? Math.min(coefs.length - i, perPass) : 1;
        const t = performance.now();
        for (const s of await scorer.scoreMany(coefs.slice(i, i + n), withVal)) {
          train.loss.push(s.train.loss);
          train.acc.push(s.train.acc);
          if (s.val) {
            val.loss.push(s.val.loss);
            val.acc.push(s.val.acc);
          }
        }
        i += n;
        if (batched) perPass = Math.max(2, Math.floor(YIELD_MS / ((performance.now() - t) / n)));
        if (performance.now() - lastYield >= YIELD_MS) {
          await yieldToEvents();
          lastYield = performance.now();
          if (cancelled()) throw new GridCancelled();
        }
      }
      sink.row(r, { step: slice.step, beta: betas ? betas[r]! : null, train, val }, (performance.now() - t0) / 1000);
      done++;
      const label = p.kind === '2d' ? `β = ${betas![r]!.toPrecision(3)}` : `step ${slice.step}`;
      sink.progress(done, rowCount, `${label}: train loss at the centre ${train.loss[nearestZero(alphas)]!.toPrecision(4)}`);
      await yieldToEvents();
      lastYield = performance.now();
      if (cancelled() && done < rowCount) throw new GridCancelled();
    }
  } finally {
    scorer.dispose();
  }
}

function nearestZero(xs: number[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (Math.abs(x) < Math.abs(xs[best]!)) best = i;
  });
  return best;
}
