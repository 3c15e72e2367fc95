// One cell of Omnigrok's reduced landscape (003 §2-5): the run's model trained from the standard init times α at
// constant norm. It records both readings of the cell: 003 Eq. 1's, every metric at the training-loss minimiser on
// the sphere (the evaluation with the lowest training loss, `atTrainMin`), and the best value of each metric over
// training independently (what the authors' plotting code keeps; `trainLoss`, `testLoss`, … named best-over-training). The same code on the job's own thread and on a grid
// worker (worker/grid-worker.ts), so a cell's values do not depend on which thread trained it.
import type { ReducedCell, ReducedParams } from '../../../../shared/api/landscape-types';
import { cellConfig } from '../../../../shared/config/reduced-cell';
import type { RunConfig } from '../../../../shared/config/run-config';
import type { ExecutionSettings } from '../../../protocol/execution';
import { Trainer } from '../../train/trainer';

export interface CellResult {
  cell: ReducedCell;
  /** ‖θ‖ at the start over α: the standard init's norm */
  w0: number;
}

const metric = (rows: [string, number, number][], name: string): number => {
  const r = rows.find(([n]) => n === name);
  if (!r) throw new Error(`training reported no ${name}`);
  return r[2];
};

/**
 * Trains cell (v, s). `pause` is called between updates (the job yields and checks 'cancel' there); `onW0` as soon as
 * the initial norm is known.
 */
export async function trainCell(
  base: RunConfig,
  p: ReducedParams,
  v: number,
  s: number,
  execution: ExecutionSettings | undefined,
  pause: () => Promise<void> = async () => {},
  onW0: (w0: number) => void = () => {},
): Promise<CellResult> {
  const t0 = performance.now();
  const trainer = new Trainer(cellConfig(base, p, p.scales[s]!, p.values[v]!), execution);
  try {
    const best = { trainLoss: Infinity, testLoss: Infinity, trainError: Infinity, testError: Infinity };
    // 003 Eq. 1: f̃(w) = f(argmin_{‖θ‖=w} l_train(θ)); the evaluation with the lowest training loss stands for the argmin
    let atTrainMin: NonNullable<ReducedCell['atTrainMin']> | null = null;
    let last = { trainLoss: NaN, testLoss: NaN };
    let weightNorm = NaN;
    const measure = async () => {
      const rows = await trainer.evaluate(null);
      const tl = metric(rows, 'train_loss');
      const vl = metric(rows, 'val_loss');
      weightNorm = metric(rows, 'weight_norm');
      last = { trainLoss: tl, testLoss: vl };
      // a diverged evaluation (NaN) never becomes the best
      if (tl < best.trainLoss) {
        best.trainLoss = tl;
        atTrainMin = {
          step: trainer.step,
          testLoss: vl,
          trainError: 1 - metric(rows, 'train_acc'),
          testError: 1 - metric(rows, 'val_acc'),
        };
      }
      if (vl < best.testLoss) best.testLoss = vl;
      best.trainError = Math.min(best.trainError, 1 - metric(rows, 'train_acc'));
      best.testError = Math.min(best.testError, 1 - metric(rows, 'val_acc'));
    };
    await measure();
    const w0 = weightNorm / p.scales[s]!;
    onW0(w0);
    while (trainer.step < p.steps) {
      const r = await trainer.update(false);
      if (!Number.isFinite(r.loss)) break; // diverged: the best so far stands
      if (trainer.step % p.evalEvery === 0 || trainer.step === p.steps) await measure();
      await pause();
    }
    const cell: ReducedCell = {
      scale: p.scales[s]!,
      value: p.values[v]!,
      weightNorm,
      ...best,
      ...(atTrainMin ? { atTrainMin } : {}),
      finalTrainLoss: last.trainLoss,
      finalTestLoss: last.testLoss,
      seconds: (performance.now() - t0) / 1000,
    };
    return { cell, w0 };
  } finally {
    trainer.dispose();
  }
}

/** What a grid worker needs to train reduced-landscape cells (GridWorkerInit.job). */
export interface CellWorkerJob {
  config: RunConfig;
  params: ReducedParams;
  execution: ExecutionSettings;
}

/** A grid worker's side: trains the cell [v, s] it is sent. */
export function cellWorker(job: CellWorkerJob): (task: [number, number]) => Promise<CellResult> {
  return ([v, s]) => trainCell(job.config, job.params, v, s, job.execution);
}
