// Omnigrok's reduced landscape (003 §2-5, App. E) in a compute process: for each weight-norm factor α and each value
// of the second axis (training-set size N, or representation messiness m), train the run's model from the standard
// init times α while holding ‖θ‖ at that norm (rescaled after every update: constantNorm), with the training loss
// only (weight decay 0: "minimizing the training loss (excluding weight decay)", 003 §3). The reduced losses and
// errors are the best values over training, as the authors' code records them. Cells already stored are skipped.
import type { ReducedCell } from '../../../../shared/api/landscape-types';
import type { ReducedJob } from '../../../protocol/jobs';
import { Trainer } from '../../train/trainer';
import { cellConfig } from '../../../../shared/config/reduced-cell';

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

const metric = (rows: [string, number, number][], name: string): number => {
  const r = rows.find(([n]) => n === name);
  if (!r) throw new Error(`training reported no ${name}`);
  return r[2];
};

export async function runReducedJob(job: ReducedJob, sink: ReducedSink, cancelled: () => boolean): Promise<void> {
  const p = job.params;
  const skip = new Set(job.skip.map(([v, s]) => `${v},${s}`));
  const total = p.values.length * p.scales.length;
  let done = skip.size;
  let infoSent = false;
  let lastYield = performance.now();
  sink.progress(done, total, done > 0 ? `resuming: ${done} of ${total} cells stored` : `${total} cells of ${p.steps} updates`);
  for (let v = 0; v < p.values.length; v++) {
    for (let s = 0; s < p.scales.length; s++) {
      if (skip.has(`${v},${s}`)) continue;
      const t0 = performance.now();
      const cfg = cellConfig(job.config, p, p.scales[s]!, p.values[v]!);
      const trainer = new Trainer(cfg, job.execution);
      let cell: ReducedCell;
      try {
        const best = { trainLoss: Infinity, testLoss: Infinity, trainError: Infinity, testError: Infinity };
        let last = { trainLoss: NaN, testLoss: NaN };
        let weightNorm = NaN;
        const measure = async () => {
          const rows = await trainer.evaluate(null);
          const tl = metric(rows, 'train_loss');
          const vl = metric(rows, 'val_loss');
          weightNorm = metric(rows, 'weight_norm');
          last = { trainLoss: tl, testLoss: vl };
          // a diverged evaluation (NaN) never becomes the best
          if (tl < best.trainLoss) best.trainLoss = tl;
          if (vl < best.testLoss) best.testLoss = vl;
          best.trainError = Math.min(best.trainError, 1 - metric(rows, 'train_acc'));
          best.testError = Math.min(best.testError, 1 - metric(rows, 'val_acc'));
        };
        await measure();
        if (!infoSent) {
          sink.info({ w0: weightNorm / p.scales[s]! });
          infoSent = true;
        }
        while (trainer.step < p.steps) {
          const r = await trainer.update(false);
          if (!Number.isFinite(r.loss)) break; // diverged: the best so far stands
          if (trainer.step % p.evalEvery === 0 || trainer.step === p.steps) await measure();
          if (performance.now() - lastYield >= YIELD_MS) {
            await yieldToEvents();
            lastYield = performance.now();
            if (cancelled()) throw new ReducedCancelled();
          }
        }
        cell = {
          scale: p.scales[s]!,
          value: p.values[v]!,
          weightNorm,
          ...best,
          finalTrainLoss: last.trainLoss,
          finalTestLoss: last.testLoss,
          seconds: (performance.now() - t0) / 1000,
        };
        sink.cell(v, s, cell);
      } finally {
        trainer.dispose();
      }
      done++;
      sink.progress(
        done,
        total,
        `α ${p.scales[s]}, ${p.axis} ${p.values[v]}: reduced train loss ${cell.trainLoss.toPrecision(3)}, test loss ${cell.testLoss.toPrecision(3)}`,
      );
      await yieldToEvents();
      lastYield = performance.now();
      if (cancelled() && done < total) throw new ReducedCancelled();
    }
  }
}
