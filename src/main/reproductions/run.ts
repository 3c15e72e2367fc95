// Runs one reproduction and times it; a failure to run (a run that failed, a sweep cancelled) is thrown as it is,
// a run whose effect is absent is an outcome with passed = false.
import type { ReproContext, ReproFigure, ReproOutcome, Reproduction } from './types';

export async function runReproduction(r: Reproduction, ctx: ReproContext, quick: boolean): Promise<ReproOutcome> {
  const t0 = performance.now();
  const o = await r.run(ctx, quick);
  const figure = o.figure ?? (o.runIds.length ? await accuracyFigure(ctx, o.runIds) : null);
  return { name: r.name, quick, ...o, figure, seconds: (performance.now() - t0) / 1000 };
}

/** RUNS_DRAWN at most */
const RUNS_DRAWN = 12;

/** The figure of a reproduction that draws none of its own: the accuracy curves of its runs (training and
 *  validation for up to 3 runs, validation only beyond), the 99% level marked. */
async function accuracyFigure(ctx: ReproContext, ids: number[]): Promise<ReproFigure> {
  const few = ids.length <= 3;
  const series: ReproFigure['series'] = [];
  for (const id of ids.slice(0, RUNS_DRAWN)) {
    const names = few ? ['train_acc', 'val_acc'] : ['val_acc'];
    const got = await ctx.call('runs.metrics', { id, names, maxPoints: 400 });
    for (const s of got)
      series.push({
        name: `${few ? `${s.name === 'train_acc' ? 'train' : 'validation'} accuracy, ` : ''}run ${id}`,
        kind: 'line',
        points: s.steps.map((step, i) => [step, s.values[i]!] as [number, number]),
      });
  }
  return {
    title: few ? 'Training and validation accuracy' : 'Validation accuracy of the runs',
    x: { name: 'update' },
    y: { name: 'accuracy' },
    series,
    marks: [{ y: 0.99, label: '99%' }],
  };
}

/** The outcome as the CLI prints it. */
export function outcomeText(r: Reproduction, o: ReproOutcome): string {
  const w = Math.max(...o.measures.map((m) => m.name.length));
  const num = (v: number | null) => (v === null ? '–' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
  return [
    `${o.name}${o.quick ? ' (quick)' : ''}: ${o.passed ? 'PASS' : 'FAIL'}, ${r.source}: ${r.title}`,
    `  paper:     ${r.claim}`,
    `  criterion: ${o.criterion}`,
    `  setting:   ${o.setting}`,
    ...o.measures.map((m) => `    ${m.name.padEnd(w)}  ${num(m.value).padStart(9)}${m.paper ? `   (paper: ${m.paper})` : ''}`),
    `  ${o.summary}`,
    `  runs ${o.runIds.join(', ')}${o.sweepId !== null ? ` (sweep ${o.sweepId})` : ''}; ${o.seconds.toFixed(0)} s`,
  ].join('\n');
}
