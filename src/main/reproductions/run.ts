// Runs one reproduction and times it; a failure to run (a run that failed, a sweep cancelled) is thrown as it is,
// a run whose effect is absent is an outcome with passed = false.
import type { ReproContext, ReproOutcome, Reproduction } from './types';

export async function runReproduction(r: Reproduction, ctx: ReproContext, quick: boolean): Promise<ReproOutcome> {
  const t0 = performance.now();
  const o = await r.run(ctx, quick);
  return { name: r.name, quick, ...o, seconds: (performance.now() - t0) / 1000 };
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
