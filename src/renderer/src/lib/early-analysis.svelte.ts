// The run page's early analysis (000 §3): the spectral signature and the grokking prediction, fetched once the run
// has passed the window and again when it finishes (its outcome, and a model calibrated on more runs).
import { ApiError } from '../../../shared/api/contract';
import type { PredictionView, RunStatus, SpectralView } from '../../../shared/api/types';
import { SPECTRAL_DEFAULTS } from '../../../shared/analysis/spectral';
import { api } from './api';
import { errorMessage } from './bridge';

export const EARLY_WINDOW = SPECTRAL_DEFAULTS.window;

export class EarlyAnalysis {
  spectral = $state<SpectralView | null>(null);
  prediction = $state<PredictionView | null>(null);
  /** why there is none (a run stored before per-update losses were recorded, a run too short), or a failure */
  problem = $state<string | null>(null);
  loading = $state(false);
  private key = '';

  constructor(private readonly runId: number) {}

  /** Takes a prediction pushed by the back end ('run.prediction'); returns the unsubscribe function. */
  listen(): () => void {
    return api.on('run.prediction', (p) => {
      if (p.runId === this.runId) this.prediction = p;
    });
  }

  /** Fetches when the run has crossed the window, and again once per status after that. */
  update(step: number, status: RunStatus): void {
    if (step < EARLY_WINDOW && status !== 'completed') return;
    const key = status;
    if (key === this.key) return;
    this.key = key;
    void this.fetch();
  }

  private async fetch(): Promise<void> {
    this.loading = true;
    try {
      const [s, p] = await Promise.all([
        api.call('analysis.spectral', { id: this.runId }),
        api.call('analysis.predict', { id: this.runId }),
      ]);
      this.spectral = s;
      this.prediction = p;
      this.problem = null;
    } catch (e) {
      this.problem = e instanceof ApiError && e.code === 'invalid_input' ? e.message : `Could not analyse: ${errorMessage(e)}`;
    } finally {
      this.loading = false;
    }
  }
}
