// The run list, kept live: progress and status events patch rows at once; list changes refetch. The list is raw
// state (10,000 runs behind deep proxies would make every filter and sort slow): a patched row is a new object in a
// new array, so the table's filter and sort run again.
import type { RunSummary } from '../../../shared/api/types';
import { api } from './api';
import { errorMessage } from './bridge';

const FINAL_KEYS = { train_loss: 'trainLoss', train_acc: 'trainAcc', val_loss: 'valLoss', val_acc: 'valAcc' } as const;

class RunsStore {
  runs = $state.raw<RunSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  includeDeleted = $state(false);
  /** whether the rows carry their configs: only while the table shows or filters a config path (they double the
   *  list's size) */
  withConfig = $state(false);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private inflight = 0;

  async refresh(): Promise<void> {
    const ticket = ++this.inflight;
    try {
      const runs = await api.call('runs.list', { includeDeleted: this.includeDeleted, withConfig: this.withConfig });
      if (ticket !== this.inflight) return; // a newer refresh wins
      this.runs = runs;
      this.error = null;
    } catch (e) {
      if (ticket === this.inflight) this.error = errorMessage(e);
    } finally {
      if (ticket === this.inflight) this.loaded = true;
    }
  }

  /** Asks for the configs with the rows (or stops asking), fetching them when they are newly wanted. */
  wantConfigs(on: boolean): void {
    if (on === this.withConfig) return;
    this.withConfig = on;
    // before the first list the connection may not be open yet; that first list will carry them
    if (on && this.loaded) void this.refresh();
  }

  /** Coalesces bursts of events (a sweep starting many runs) into one refetch. */
  refreshSoon(delayMs = 250): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  /** Replaces one row by a patched copy; false when the run is not listed. */
  private patch(id: number, change: (r: RunSummary) => RunSummary): boolean {
    const i = this.runs.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.runs = this.runs.with(i, change(this.runs[i]!));
    return true;
  }

  /** Subscribes to the back end's events (the shell fetches on each connection); returns the unsubscribe function. */
  start(): () => void {
    const offs = [
      api.on('run.progress', (p) => {
        const known = this.patch(p.runId, (run) => {
          const final = { ...run.final };
          for (const pt of p.points) {
            const key = FINAL_KEYS[pt.name as keyof typeof FINAL_KEYS];
            if (key) final[key] = pt.value;
          }
          const status = run.status === 'queued' ? 'running' : run.status;
          return { ...run, step: Math.max(run.step, p.step), totalSteps: p.totalSteps, status, final };
        });
        if (!known) this.refreshSoon();
      }),
      api.on('run.status', (p) => {
        this.patch(p.runId, (run) => ({ ...run, status: p.status, error: p.error, phases: p.phases ?? run.phases }));
        // Timestamps, final values and backend come with the row.
        this.refreshSoon();
      }),
      api.on('runs.changed', () => this.refreshSoon()),
      api.on('run.prediction', (p) => {
        const prediction = { willGrok: p.willGrok, probability: p.probability, method: p.method, atStep: p.atStep };
        this.patch(p.runId, (run) => ({ ...run, prediction }));
      }),
    ];
    return () => offs.forEach((off) => off());
  }
}

export const runsStore = new RunsStore();
