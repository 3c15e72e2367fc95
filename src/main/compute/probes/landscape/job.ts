// A landscape grid in a compute process: rows of loss and accuracy (train and validation) along α, one row per β of a
// 2d surface, per checkpoint of 1d slices over training, or a single 1d slice. Rows already stored (a resumed grid)
// are skipped; the others are spread over the job's threads (grid/pool, rows.ts) and each finished row is sent at
// once, in the order they finish, so an interruption loses at most the rows in progress.
import type { DirectionInfo, LandscapeRow, LandscapeTrajectory } from '../../../../shared/api/landscape-types';
import type { LandscapeJob } from '../../../protocol/jobs';
import { makeDirection, orthogonalize, planeCoordinates, sub, trajectoryDirections, type DirectionSources, type Vec } from './directions';
import * as tf from '@tensorflow/tfjs-core';
import { ONE_THREAD } from '../../../protocol/execution';
import { chooseGridWorkers, gridStartText, spreadGrid, type SpreadCounts } from '../grid/pool';
import { RowScorer, YIELD_MS, type RowTask, type RowValues, type RowWorkerJob } from './rows';
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

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves with who computed the rows (grid/pool SpreadCounts). */
export async function runLandscapeJob(job: LandscapeJob, sink: LandscapeSink, cancelled: () => boolean): Promise<SpreadCounts> {
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
    const stepOf = (r: number) => (p.kind === '1d-training' ? p.steps[r]! : p.steps[0]!);
    const coefsOf = (r: number) => alphas.map((a) => (betas ? [a, betas[r]!] : [a]));

    // rows go out as they finish, in any order; those a worker finishes before the job has sent its info wait for it
    const todo = Array.from({ length: rowCount }, (_, r) => r).filter((r) => !skip.has(r));
    const backend = tf.getBackend();
    const threads = chooseGridWorkers(job.execution?.threads ?? ONE_THREAD.threads, backend, todo.length);
    let done = skip.size;
    let infoSent = false;
    const early: [number, RowValues][] = [];
    let lastRow = performance.now();
    const emit = (r: number, v: RowValues) => {
      // wall time since the previous row: with several threads the rows overlap, and the host's points per second
      // (points / Σ seconds) should be the grid's
      const now = performance.now();
      sink.row(r, { step: stepOf(r), beta: betas ? betas[r]! : null, train: v.train, val: v.val }, (now - lastRow) / 1000);
      lastRow = now;
      done++;
      const label = p.kind === '2d' ? `β = ${betas![r]!.toPrecision(3)}` : `step ${stepOf(r)}`;
      sink.progress(done, rowCount, `${label}: train loss at the centre ${v.train.loss[nearestZero(alphas)]!.toPrecision(4)}`);
    };

    let lastYield = performance.now();
    const pause = async () => {
      if (performance.now() - lastYield < YIELD_MS) return;
      await yieldToEvents();
      lastYield = performance.now();
      if (cancelled()) throw new GridCancelled();
    };
    const rows = new RowScorer(scorer, withVal, pause);
    let sliceOf = -1;

    return await spreadGrid<number, RowValues>(todo, {
      workers: threads.workers,
      init: {
        kind: 'landscape',
        backend,
        job: {
          config: job.config,
          withVal,
          slice: p.kind === '1d-training' ? null : { centre: first.centre, dirs: first.dirs },
        } satisfies RowWorkerJob,
      },
      first: async () => {
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
            await pause();
          }
        }
        sink.info({ dim: scorer.dim, directions: first.infos, trajectory: traj });
        infoSent = true;
        sink.progress(
          done,
          rowCount,
          gridStartText(done, rowCount, 'rows', `${rowCount} rows of ${alphas.length} points`, threads.workers),
        );
        for (const [r, v] of early.splice(0)) emit(r, v);
      },
      local: async (r) => {
        const key = p.kind === '1d-training' ? r : 0;
        if (sliceOf !== key) {
          const slice = key === 0 ? first : directionsAt(r);
          scorer.setSlice(slice.centre, slice.dirs);
          sliceOf = key;
        }
        const v = await rows.row(coefsOf(r));
        await yieldToEvents(); // between rows: workers' answers and 'cancel'
        lastYield = performance.now();
        return v;
      },
      task: (r): RowTask => {
        if (p.kind !== '1d-training') return { coefs: coefsOf(r), slice: null };
        const d = directionsAt(r);
        return { coefs: coefsOf(r), slice: { centre: d.centre, dirs: d.dirs } };
      },
      done: (r, v) => (infoSent ? emit(r, v) : early.push([r, v])),
      cancelled,
      cancelError: () => new GridCancelled(),
    });
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
