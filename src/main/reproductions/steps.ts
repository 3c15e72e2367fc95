// The steps reproductions are made of, all through the API: train one run to its end, run a sweep to its end, read
// a run's metric series. Each waits by polling the stored status (every 250 ms), as `grokscope sweep` does; a
// cancelled reproduction cancels the run or sweep it waits on (cancel.ts).
import { isTerminal } from '../../shared/api/run-status';
import type { RunDetail, SweepView } from '../../shared/api/types';
import type { RunConfig } from '../../shared/config/run-config';
import { pause, stoppingOnCancel } from './cancel';
import type { ReproContext } from './types';

const POLL_MS = 250;
const REPORT_MS = 5000;

export class ReproFailure extends Error {}

/** Trains a run to its end; a failed or diverged run is a ReproFailure naming it. */
export async function trainRun(ctx: ReproContext, config: RunConfig): Promise<RunDetail> {
  const { id } = await ctx.call('runs.create', { config });
  ctx.progress(`run ${id}: ${config.name ?? ''} (${config.training.steps} updates)`);
  return stoppingOnCancel(
    ctx.signal,
    () => ctx.call('runs.cancel', { id }),
    async () => {
      let reported = performance.now();
      for (;;) {
        const d = await ctx.call('runs.get', { id });
        if (isTerminal(d.status)) {
          if (d.status !== 'completed') throw new ReproFailure(`run ${id} ended ${d.status}${d.error ? `: ${d.error}` : ''}`);
          return d;
        }
        if (performance.now() - reported > REPORT_MS) {
          ctx.progress(`run ${id}: step ${d.step}/${d.totalSteps}`);
          reported = performance.now();
        }
        await pause(POLL_MS, ctx.signal);
      }
    },
  );
}

/** A sweep config (base run config, axes, seeds) run to its end in full mode; returns the view and every run. */
export async function runSweep(
  ctx: ReproContext,
  name: string,
  sweep: { base: RunConfig; axes: { path: string; values: (number | string | boolean)[] }[]; seeds: number | number[] },
): Promise<{ view: SweepView; runs: RunDetail[] }> {
  const text = JSON.stringify({ name, ...sweep, policy: { mode: 'full', window: 400 } });
  const { id } = await ctx.call('sweeps.createFromFile', { name, text, mode: 'full' });
  await stoppingOnCancel(
    ctx.signal,
    () => ctx.call('sweeps.cancel', { id }),
    async () => {
      let last = '';
      let reported = 0;
      for (;;) {
        const s = (await ctx.call('sweeps.list', {})).find((x) => x.id === id);
        if (!s) throw new ReproFailure(`sweep ${id} is gone`);
        const line = `sweep ${id}: ${s.done}/${s.runs} runs done, ${s.running} running`;
        if (line !== last || performance.now() - reported > REPORT_MS) {
          ctx.progress(line);
          last = line;
          reported = performance.now();
        }
        if (s.status === 'completed') return;
        if (s.status === 'cancelled' || s.status === 'interrupted') throw new ReproFailure(`sweep ${id} was ${s.status}`);
        await pause(POLL_MS, ctx.signal);
      }
    },
  );
  const view = await ctx.call('sweeps.get', { id });
  const runs: RunDetail[] = [];
  for (const c of view.cells)
    for (const r of c.runs) {
      const d = await ctx.call('runs.get', { id: r.id });
      if (d.status !== 'completed') throw new ReproFailure(`run ${d.id} of sweep ${id} ended ${d.status}${d.error ? `: ${d.error}` : ''}`);
      runs.push(d);
    }
  return { view, runs };
}

/** A run's metric, every stored point. */
export async function seriesOf(ctx: ReproContext, id: number, name: string): Promise<{ steps: number[]; values: number[] }> {
  const [s] = await ctx.call('runs.metrics', { id, names: [name], full: true });
  return s ? { steps: s.steps, values: s.values } : { steps: [], values: [] };
}

/** The first step at which `pred` holds, or null. */
export function firstWhere(s: { steps: number[]; values: number[] }, pred: (v: number) => boolean): number | null {
  const i = s.values.findIndex(pred);
  return i < 0 ? null : s.steps[i]!;
}

export const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A number as the summaries print it. */
export const fmt = (v: number | null | undefined, digits = 3): string =>
  v == null || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(digits)));
