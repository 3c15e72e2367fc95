// Stored runs with real checkpoints, for the tests of the probe and landscape services: a config trained here by the
// real Trainer, its weights stored at chosen steps, so the services read what a training run would have written.
import type { RunConfig } from '../../src/shared/config/run-config';
import { Trainer } from '../../src/main/compute/train/trainer';
import type { Store } from '../../src/main/store';

/** A stored run and the steps at which it takes a checkpoint. */
export interface CheckpointTarget {
  run: number;
  at: (step: number) => boolean;
}

/** Trains `config` for its training.steps updates and, at step 0 (the initialisation) and after every update, stores
 *  the weights as a checkpoint of each target run whose `at` takes the step; `kept` then sees the trainer (to record
 *  what a test compares against). One trainer for all targets: their checkpoints at a step are the same weights. */
export async function trainIntoRuns(
  store: Store,
  config: RunConfig,
  targets: CheckpointTarget[],
  kept?: (t: Trainer) => Promise<void> | void,
): Promise<void> {
  const now = new Date().toISOString();
  const t = new Trainer(config);
  try {
    for (let s = 0; s <= config.training.steps; s++) {
      if (s > 0) await t.update(false);
      const into = targets.filter((x) => x.at(s));
      for (const x of into) store.checkpoints.save(x.run, await t.snapshot(), now);
      if (into.length > 0) await kept?.(t);
    }
  } finally {
    t.dispose();
  }
}
