// Makes every run's grokking prediction as soon as its early window is complete (000 §3: "predict grokking without
// training for a large number of epochs"), and again when the run finishes so the stored prediction carries the
// outcome. Listens to the event bus; announces each prediction as 'run.prediction'.
import { STEP_LOSS_METRIC } from '../../shared/analysis/predictor';
import { SPECTRAL_DEFAULTS } from '../../shared/analysis/spectral';
import type { Store } from '../store';
import type { EventBus } from './backend-api';
import { ApiError } from '../../shared/api/contract';
import { predictRun } from './run-analysis';

const FINISHED = new Set(['completed', 'diverged']);

/** Subscribes to `events`; returns the unsubscribe function. `flush` writes buffered metrics before a prediction;
 *  runs for which `elsewhere` holds are predicted by the process that trains them (their events are relayed here). */
export function predictEarly(
  store: Store,
  events: EventBus,
  flush: () => void,
  elsewhere: (runId: number) => boolean = () => false,
): () => void {
  const predicted = new Set<number>();
  const predict = (runId: number) => {
    try {
      flush();
      events.emit('run.prediction', predictRun(store, runId));
    } catch (e) {
      // a window with a gap (a run resumed from an older database) or a non-finite loss: no prediction, not a fault
      if (!(e instanceof ApiError) && !(e instanceof RangeError)) throw e;
    }
  };
  return events.subscribe((event, payload) => {
    if (event === 'run.progress') {
      const p = payload as { runId: number; points: { name: string; step: number }[] };
      if (predicted.has(p.runId) || elsewhere(p.runId)) return;
      if (p.points.some((x) => x.name === STEP_LOSS_METRIC && x.step >= SPECTRAL_DEFAULTS.window)) {
        predicted.add(p.runId);
        // a sweep's runs are predicted by the sweep, at its own window, which also applies its policy
        if (store.runs.get(p.runId)?.sweepId == null) predict(p.runId);
      }
    } else if (event === 'run.status') {
      const s = payload as { runId: number; status: string };
      if (FINISHED.has(s.status) && !elsewhere(s.runId)) {
        predicted.delete(s.runId);
        predict(s.runId);
      }
    }
  });
}
