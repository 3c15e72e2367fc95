// Omnigrok's reduced landscape (003 §2-5, App. E) in a compute process: for each weight-norm factor α and each value
// of the second axis (training-set size N, or representation messiness m), train the run's model from the standard
// init times α while holding ‖θ‖ at that norm (rescaled after every update: constantNorm), with the training loss
// only (weight decay 0: "minimizing the training loss (excluding weight decay)", 003 §3). The reduced losses and
// errors are the best values over training, as the authors' code records them (cells.ts). Cells already stored are
// skipped; the others are spread over the job's threads (grid/pool.ts), each cell on one thread, and sent as they
// finish.
import * as tf from '@tensorflow/tfjs-core';
import type { ReducedCell } from '../../../../shared/api/landscape-types';
import { ONE_THREAD } from '../../../protocol/execution';
import type { ReducedJob } from '../../../protocol/jobs';
import { chooseGridWorkers, gridStartText, spreadGrid, type SpreadCounts } from '../grid/pool';
import { trainCell, type CellResult, type CellWorkerJob } from './cells';

export interface ReducedSink {
  info(i: { w0: number }): void;
  progress(done: number, total: number, message: string): void;
  cell(v: number, s: number, cell: ReducedCell): void;
}

export class ReducedCancelled extends Error {
  constructor() {
    super('reduced landscape cancelled');
  }
}

const YIELD_MS = 50;
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves with who trained the cells (grid/pool SpreadCounts). */
export async function runReducedJob(job: ReducedJob, sink: ReducedSink, cancelled: () => boolean): Promise<SpreadCounts> {
  const p = job.params;
  const skip = new Set(job.skip.map(([v, s]) => `${v},${s}`));
  const total = p.values.length * p.scales.length;
  const todo = p.values.flatMap((_, v) => p.scales.flatMap((__, s): [number, number][] => (skip.has(`${v},${s}`) ? [] : [[v, s]])));
  const execution = job.execution ?? ONE_THREAD;
  const backend = tf.getBackend();
  const threads = chooseGridWorkers(execution.threads, backend, todo.length);
  // cells spread over threads train on one thread each (their values then equal the one-thread grid's); a lone
  // thread's cells may split their full batches over gradient workers as a run would
  const cellExecution = threads.workers > 0 ? { ...execution, threads: { workers: 0 } } : execution;
  let done = skip.size;
  let infoSent = false;
  const info = (w0: number) => {
    if (infoSent) return;
    sink.info({ w0 });
    infoSent = true;
  };
  sink.progress(done, total, gridStartText(done, total, 'cells', `${total} cells of ${p.steps} updates`, threads.workers));
  let lastYield = performance.now();
  const pause = async () => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await yieldToEvents();
    lastYield = performance.now();
    if (cancelled()) throw new ReducedCancelled();
  };
  return spreadGrid<[number, number], CellResult>(todo, {
    workers: threads.workers,
    init: { kind: 'reduced', backend, job: { config: job.config, params: p, execution: cellExecution } satisfies CellWorkerJob },
    local: async ([v, s]) => {
      const r = await trainCell(job.config, p, v, s, cellExecution, pause, info);
      await yieldToEvents(); // between cells: workers' answers and 'cancel'
      lastYield = performance.now();
      return r;
    },
    task: (vs) => vs,
    done: ([v, s], { cell, w0 }) => {
      info(w0);
      sink.cell(v, s, cell);
      done++;
      sink.progress(
        done,
        total,
        `α ${p.scales[s]}, ${p.axis} ${p.values[v]}: reduced train loss ${cell.trainLoss.toPrecision(3)}, test loss ${cell.testLoss.toPrecision(3)}`,
      );
    },
    cancelled,
    cancelError: () => new ReducedCancelled(),
  });
}
