// The runs table's columns: which are shown (chosen by the researcher, remembered locally), their headings, their cells
// as text, and the chosen rows as CSV. A column is a key of shared/runs/run-fields.ts or any config path.
import type { RunSummary } from '../../../shared/api/types';
import { fieldValue, knownField, type RunField } from '../../../shared/runs/run-fields';
import { fmtDuration, fmtPct, fmtSci, fmtSteps, fmtValue } from './format';

const KEY = 'grokscope.runs-columns';

/** The columns of a first visit (r, the training fraction, is in the task's text). */
export const DEFAULT_COLUMNS: readonly string[] = [
  'status',
  'id',
  'name',
  'tags',
  'task',
  'model',
  'lr',
  'wd',
  'step',
  'val_acc',
  't2',
  't4',
  'predicted',
  'sweep',
  'created',
  'duration',
];

export function readColumns(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string')) return v as string[];
  } catch {
    // the defaults
  }
  return [...DEFAULT_COLUMNS];
}

export function saveColumns(columns: readonly string[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(columns));
  } catch {
    // not remembered
  }
}

/** A column's heading and tooltip: the known field's, or the config path's last part with the whole path. */
export function columnHead(key: string): { label: string; title: string; numeric: boolean } {
  const f: RunField | undefined = knownField(key);
  if (f) return { label: f.label, title: f.title, numeric: f.kind === 'number' || f.kind === 'duration' };
  return { label: key.split('.').at(-1)!, title: `config: ${key}`, numeric: false };
}

// one formatter for every cell: toLocaleString with options makes a new one per call (a tenth of a millisecond each)
let dateFormat: Intl.DateTimeFormat | undefined;
const shortDate = (iso: string): string => {
  const d = new Date(iso);
  dateFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
};

/** A cell as the table writes it (the status, step and name columns draw more than text, see RunCell). */
export function cellText(r: RunSummary, key: string, now: number): string {
  switch (knownField(key)?.key) {
    case 'val_acc':
      return fmtPct(r.final.valAcc);
    case 'train_acc':
      return fmtPct(r.final.trainAcc);
    case 'val_loss':
      return fmtValue(r.final.valLoss);
    case 'train_loss':
      return fmtValue(r.final.trainLoss);
    case 't2':
    case 't4':
    case 'step':
      return fmtSteps(fieldValue(r, key, now) as number | null);
    case 'predicted':
      return r.prediction ? `${r.prediction.willGrok ? 'groks' : 'no'} ${r.prediction.probability.toFixed(2)}` : '–';
    case 'created':
      return shortDate(r.createdAt);
    case 'duration':
      return fmtDuration(r.startedAt, r.finishedAt, now);
    case 'sweep':
      return r.sweepId === null ? '–' : `#${r.sweepId}`;
  }
  const v = fieldValue(r, key, now);
  if (v === null || v === '') return '–';
  return typeof v === 'number' ? fmtSci(v) : v;
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The runs as CSV with the columns shown: numbers as stored (accuracy 0–1), dates as ISO, durations in seconds. */
export function runsCsv(runs: readonly RunSummary[], columns: readonly string[], now: number): string {
  const value = (r: RunSummary, key: string): unknown => {
    const k = knownField(key)?.key;
    if (k === 'created') return r.createdAt;
    if (k === 'duration') {
      const ms = fieldValue(r, key, now);
      return ms === null ? null : Math.round(Number(ms) / 1000);
    }
    return fieldValue(r, key, now);
  };
  const head = columns.map((k) => csvCell(k === 'duration' ? 'duration_s' : k)).join(',');
  return [head, ...runs.map((r) => columns.map((k) => csvCell(value(r, k))).join(','))].join('\n') + '\n';
}
