// A gradient worker: its own TF.js instance computing the loss and gradient sums of a fixed row range of the
// training set, on request, with the parameters the trainer wrote to shared memory (protocol: shared.ts). The worker
// rebuilds the dataset from the run config (the task builders are deterministic), so no sample crosses the thread
// boundary: an equation table's rows become one-hot tokens, an Omnigrok sample task's rows dense features, tokens or
// padded graphs exactly as the trainer encodes them (train/data-source).
import * as tf from '@tensorflow/tfjs-core';
import { workerData } from 'node:worker_threads';
import '../engine/gradients';
import type { RunConfig } from '../../../shared/config/run-config';
import { initBackend } from '../engine/backend';
import { createModel } from '../models/create';
import { Rng } from '../engine/rng';
import { buildAnyDataset } from '../tasks/build';
import { dataSourceOf } from './data-source';
import { batchLoss } from './metrics';
import { kernelOf, kernelSums } from './step-grads';
import { CTRL, sharedViews, writeError, type WorkerInit } from './pool-shared';

const init = workerData as WorkerInit;
const views = sharedViews(init.sab, init.paramCount);
const { ctrl } = views;

function fail(e: unknown): void {
  writeError(views, e instanceof Error ? e.message : String(e));
  Atomics.store(ctrl, CTRL.state, -1);
  Atomics.notify(ctrl, CTRL.state);
  Atomics.store(ctrl, CTRL.done, Atomics.load(ctrl, CTRL.request));
  Atomics.notify(ctrl, CTRL.done);
}

async function main(): Promise<void> {
  const config = init.config as RunConfig;
  await initBackend(init.backend);
  const ds = buildAnyDataset(config.task);
  // the weights are overwritten before every request: the init seed does not matter
  const model = createModel(config.model, ds, new Rng(0));
  const vars = model.params.map((p) => p.variable);
  const idx = Int32Array.from({ length: init.to - init.from }, (_, i) => init.from + i);
  const data = dataSourceOf(ds);
  const batch = data.encode('train', idx);
  const rows = idx.length;
  // the same choice as the trainer's (train/step-grads): the MLP kernel on wasm, else TF.js autodiff
  const kernel = kernelOf(model, init.backend, data.equationTable, init.mlpKernel);
  Atomics.store(ctrl, CTRL.state, 1);
  Atomics.notify(ctrl, CTRL.state);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.request, seen);
    const req = Atomics.load(ctrl, CTRL.request);
    if (req < 0) break;
    seen = req;
    tf.tidy(() => {
      let at = 0;
      if (kernel) {
        // the kernel reads the shared parameters in place: no trip through the TF.js variables
        const params = vars.map((v) => views.params.subarray(at, (at += v.size)));
        const sums = kernelSums(kernel, batch, config.loss, params);
        at = 0;
        for (const g of sums.grads) {
          views.grads.set(g, at);
          at += g.length;
        }
        views.grads[at] = sums.lossSum;
        return;
      }
      for (const v of vars) {
        v.assign(tf.tensor(views.params.slice(at, at + v.size), v.shape));
        at += v.size;
      }
      const { value, grads } = tf.variableGrads(
        () => tf.mul(batchLoss(config.loss, model.forward(batch.input), batch.targets), rows) as tf.Scalar,
        vars,
      );
      at = 0;
      for (const v of vars) {
        views.grads.set(grads[v.name]!.dataSync() as Float32Array, at);
        at += v.size;
      }
      views.grads[at] = value.dataSync()[0]!;
    });
    Atomics.store(ctrl, CTRL.done, req);
    Atomics.notify(ctrl, CTRL.done);
  }
}

main().catch(fail);
