// One row of a landscape grid: the loss and accuracy at each point of a line of the current slice, the same code on
// the job's own thread and on a grid worker (worker/grid-worker.ts), so a row's values do not depend on which thread
// computed it.
import type { LandscapeSplitRow } from '../../../../shared/api/landscape-types';
import type { RunConfig } from '../../../../shared/config/run-config';
import type { Vec } from './directions';
import { Scorer } from './scorer';

/** Longest stretch of evaluation between two calls of the row's `pause` (the job yields there, so 'cancel' gets in). */
export const YIELD_MS = 50;

export interface RowValues {
  train: LandscapeSplitRow;
  /** empty when only the training split was asked for */
  val: LandscapeSplitRow;
}

export interface Slice {
  centre: Vec;
  dirs: Vec[];
}

/** Scores rows of points of a Scorer's current slice, in passes sized to about YIELD_MS each. */
export class RowScorer {
  /** points per batched pass, from the last pass's time per point */
  private perPass = 8;

  constructor(
    private readonly scorer: Scorer,
    private readonly withVal: boolean,
    /** called between passes */
    private readonly pause: () => Promise<void> = async () => {},
  ) {}

  async row(coefs: number[][]): Promise<RowValues> {
    const scorer = this.scorer;
    const train: LandscapeSplitRow = { loss: [], acc: [] };
    const val: LandscapeSplitRow = { loss: [], acc: [] };
    const batched = scorer.batchPlan(this.withVal).path !== 'one';
    for (let i = 0; i < coefs.length;) {
      // several points per pass where the model has a batched path (Scorer.scoreMany), about one yield budget's
      // worth; one point at a time otherwise
      let n = batched ? Math.min(coefs.length - i, this.perPass) : 1;
      // never leave one point alone for the last pass: scoreMany evaluates a lone point by scoreAt, whose float32
      // rounding differs from a batched pass's, and pass sizes follow the timing, so a row's values would depend on
      // the machine's load and on the thread that computed it
      if (batched && coefs.length - i - n === 1) n = n > 2 ? n - 1 : n + 1;
      const t = performance.now();
      for (const s of await scorer.scoreMany(coefs.slice(i, i + n), this.withVal)) {
        train.loss.push(s.train.loss);
        train.acc.push(s.train.acc);
        if (s.val) {
          val.loss.push(s.val.loss);
          val.acc.push(s.val.acc);
        }
      }
      i += n;
      if (batched) this.perPass = Math.max(2, Math.floor(YIELD_MS / ((performance.now() - t) / n)));
      await this.pause();
    }
    return { train, val };
  }
}

/** What a grid worker needs to score landscape rows (GridWorkerInit.job). */
export interface RowWorkerJob {
  config: RunConfig;
  withVal: boolean;
  /** the slice every row shares (1d, 2d); null when each row brings its own (1d-training) */
  slice: Slice | null;
}

/** A row for a grid worker: its points, and its slice when it has its own. */
export interface RowTask {
  coefs: number[][];
  slice: Slice | null;
}

/** A grid worker's side: a Scorer of its own, answering RowTasks with RowValues. */
export function rowWorker(job: RowWorkerJob): (task: RowTask) => Promise<RowValues> {
  const scorer = new Scorer(job.config);
  if (job.slice) scorer.setSlice(job.slice.centre, job.slice.dirs);
  const rows = new RowScorer(scorer, job.withVal);
  return async (task) => {
    if (task.slice) scorer.setSlice(task.slice.centre, task.slice.dirs);
    return rows.row(task.coefs);
  };
}
