// Times the training step of one config on one TF.js backend, in this process: the same Trainer.update the app runs
// (forward, backward, optimiser, and the loss read back to the host every step).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, RunConfig } from '../../src/shared/config/run-config';
import { initBackend, type BackendInfo } from '../../src/main/compute/engine/backend';
import { Trainer } from '../../src/main/compute/train/trainer';
import { executionSettings } from '../../src/main/host/execution-settings';

export type Cell =
  | {
      msPerStep: number;
      steps: number;
      times: number[];
      notes: string[];
      /** webgpu: a software adapter (SwiftShader, llvmpipe) ran the steps: correct, but the time says nothing of a GPU */
      notMeaningful?: string;
    }
  | { unavailable: string };

export interface TimingPlan {
  warmup: number;
  steps: number;
  /** after this many ms of timed steps, stop early (keeping at least one): the cpu backend can take a minute a step */
  budgetMs: number;
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function timeBackend(config: RunConfig, backend: Exclude<BackendChoice, 'auto'>, plan: TimingPlan): Promise<Cell> {
  let info: BackendInfo;
  try {
    info = await initBackend(backend);
  } catch (e) {
    return { unavailable: e instanceof Error ? e.message : String(e) };
  }
  // as a lone run in the app: every core, unless GROKSCOPE_WORKERS fixes the threads
  const trainer = new Trainer({ ...config, backend }, executionSettings());
  try {
    await trainer.startThreads();
    // warm-up (wasm compiles, caches fill); a backend slow enough that one step exceeds a tenth of the budget is warm
    // after one step
    for (let i = 0; i < plan.warmup; i++) {
      const t0 = performance.now();
      await trainer.update(false);
      if (performance.now() - t0 > plan.budgetMs / 10) break;
    }
    const times: number[] = [];
    let spent = 0;
    while (times.length < plan.steps && !(times.length >= 1 && spent > plan.budgetMs)) {
      const t0 = performance.now();
      const { loss } = await trainer.update(false);
      const dt = performance.now() - t0;
      if (!Number.isFinite(loss)) return { unavailable: `loss became ${loss} at step ${trainer.step}` };
      times.push(dt);
      spent += dt;
    }
    // how the step ran: its threads (gradient workers) and, for the MLP on wasm, Grokscope's kernel or TF.js ops
    const { notes, adapter } = info;
    const software = adapter?.software === true;
    return {
      msPerStep: median(times),
      steps: times.length,
      times,
      notes: [...notes, trainer.threadsNote, ...(trainer.kernelNote ? [trainer.kernelNote] : [])],
      ...(software ? { notMeaningful: 'a software adapter ran the steps on the CPU; not a GPU timing' } : {}),
    };
  } finally {
    trainer.dispose();
    tf.disposeVariables();
  }
}
