// Plain-text views of runs for the terminal. Every stored string goes through safeLine: a name or an error is user
// text and must neither break a table row nor reach the terminal as a control sequence.
import type { Phases, RunDetail, RunSummary } from '../../shared/api/types';
import { safeLine } from './safe-text';

export const fmtNum = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(digits);

export const fmtPct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

export const fmtPhases = (p: Phases): string =>
  (['t1', 't2', 't3', 't4', 't2_99', 't4_99'] as const).map((k) => `${k}=${p[k] ?? '-'}`).join(' ');

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no runs yet (grokscope run FILE starts one)';
  const rows = [
    ['ID', 'STATUS', 'STEP', 'TRAIN ACC', 'VAL ACC', 't2', 't4', 'BACKEND', 'NAME'],
    ...runs.map((r) => [
      String(r.id),
      safeLine(r.status) + (r.deleted ? ' (deleted)' : '') + (r.damaged ? ' (damaged)' : ''),
      `${r.step}/${r.totalSteps}`,
      fmtPct(r.final.trainAcc),
      fmtPct(r.final.valAcc),
      r.phases.t2 === null ? '-' : String(r.phases.t2),
      r.phases.t4 === null ? '-' : String(r.phases.t4),
      safeLine(r.backend ?? '-'),
      safeLine(r.name),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : pad(cell, widths[c]!))).join('  ')).join('\n');
}

export function runDetailText(r: RunDetail): string {
  const lines = [
    `run ${r.id}: ${safeLine(r.name)}${r.deleted ? ' (deleted)' : ''}`,
    `  status      ${safeLine(r.status)}${r.error ? ` (${safeLine(r.error)})` : ''}`,
    `  task        ${safeLine(r.task)}`,
    `  model       ${safeLine(r.model)}`,
    `  optimizer   AdamW lr=${r.lr} weight decay=${r.weightDecay}, seed ${r.seed}`,
    `  steps       ${r.step}/${r.totalSteps}`,
    `  backend     ${safeLine(r.backend ?? '-')}${r.backendNotes.length ? ` (${r.backendNotes.map(safeLine).join('; ')})` : ''}`,
    `  final       train loss ${fmtNum(r.final.trainLoss)}, train acc ${fmtPct(r.final.trainAcc)}, ` +
      `val loss ${fmtNum(r.final.valLoss)}, val acc ${fmtPct(r.final.valAcc)}`,
    `  phases      ${fmtPhases(r.phases)}`,
    `  created     ${safeLine(r.createdAt)}`,
    `  started     ${safeLine(r.startedAt ?? '-')}`,
    `  finished    ${safeLine(r.finishedAt ?? '-')}`,
    `  checkpoints ${r.checkpoints.length === 0 ? '-' : r.checkpoints.map((c) => `${c.step} (${(c.bytes / 1024).toFixed(0)} KiB)`).join(', ')}`,
  ];
  if (r.damaged) lines.push(`  damaged     ${safeLine(r.damaged)}; the run can only be shown or deleted`);
  return lines.join('\n');
}
