// The state of one model probe of a run (Hessian eigenvalues, intrinsic dimension): its stored result, shown at once
// because it is expensive to compute; a computation on request with its progress line and Cancel; and why it failed.
import { onDestroy } from 'svelte';
import type { MethodOutput } from '../../../shared/api/contract';
import type { ProbeProgress } from '../../../shared/api/types';
import { api } from './api';
import { computeProblem } from './bridge';

type Stored = MethodOutput<'analysis.stored'>;

export class Probe<V> {
  view = $state<V | null>(null);
  problem = $state<string | null>(null);
  busy = $state(false);
  progress = $state('');

  /** Call while a component initialises: it listens to the probe's progress and loads its stored result. */
  constructor(
    private readonly runId: () => number,
    kind: ProbeProgress['kind'],
    stored: (s: Stored) => V | null,
  ) {
    const off = api.on('probe.progress', (p) => {
      if (p.runId === this.runId() && p.kind === kind) this.progress = `${p.done}/${p.total} checkpoints · ${p.message}`;
    });
    onDestroy(off);
    $effect(() => {
      api.call('analysis.stored', { id: this.runId() }).then(
        (s) => {
          const v = stored(s);
          if (!this.view && v) this.view = v;
        },
        () => undefined,
      );
    });
  }

  /** Runs the probe; a refusal the user can act on (bad input, cancelled) is shown as the server words it. */
  async compute(call: () => Promise<V>): Promise<void> {
    this.busy = true;
    this.problem = null;
    this.progress = 'starting a compute process…';
    try {
      this.view = await call();
    } catch (e) {
      this.problem = computeProblem(e);
    } finally {
      this.busy = false;
      this.progress = '';
    }
  }

  /** Asks the run's probes to stop; the running compute() then ends with the server's "was cancelled". */
  async cancel(): Promise<void> {
    await api.call('analysis.cancelProbes', { id: this.runId() }).catch(() => undefined);
  }
}
