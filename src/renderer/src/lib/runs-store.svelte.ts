// The run list, kept live: progress and status events patch rows at once; list changes refetch.
import type { RunSummary } from '../../../shared/api/types';
import { api } from './api';
import { errorMessage } from './bridge';

const FINAL_KEYS = { train_loss: 'trainLoss', train_acc: 'trainAcc', val_loss: 'valLoss', val_acc: 'valAcc' } as const;

class RunsStore {
  runs = $state<RunSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  includeDeleted = $state(false);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private inflight = 0;

  async refresh(): Promise<void> {
    const ticket = ++this.inflight;
    try {
      const runs = await api.call('runs.list', { includeDeleted: this.includeDeleted });
      if (ticket !== this.inflight) return; // a newer refresh wins
      this.runs = runs;
      this.error = null;
    } catch (e) {
      if (ticket === this.inflight) this.error = errorMessage(e);
    } finally {
      if (ticket === this.inflight) this.loaded = true;
    }
  }

  /** Coalesces bursts of events (a sweep starting many runs) into one refetch. */
  refreshSoon(delayMs = 250): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  /** Subscribes to the back end's events (the shell fetches on each connection); returns the unsubscribe function. */
  start(): () => void {
    const offs = [
      api.on('run.progress', (p) => {
        const run = this.runs.find((r) => r.id === p.runId);
        if (!run) return this.refreshSoon();
        if (p.step > run.step) run.step = p.step;
        run.totalSteps = p.totalSteps;
        if (run.status === 'queued') run.status = 'running';
        for (const pt of p.points) {
          const key = FINAL_KEYS[pt.name as keyof typeof FINAL_KEYS];
          if (key) run.final[key] = pt.value;
        }
      }),
      api.on('run.status', (p) => {
        const run = this.runs.find((r) => r.id === p.runId);
        if (run) {
          run.status = p.status;
          run.error = p.error;
          if (p.phases) run.phases = p.phases;
        }
        // Timestamps, final values and backend come with the row.
        this.refreshSoon();
      }),
      api.on('runs.changed', () => this.refreshSoon()),
      api.on('run.prediction', (p) => {
        const run = this.runs.find((r) => r.id === p.runId);
        if (run) run.prediction = { willGrok: p.willGrok, probability: p.probability, method: p.method, atStep: p.atStep };
      }),
    ];
    return () => offs.forEach((off) => off());
  }
}

export const runsStore = new RunsStore();
