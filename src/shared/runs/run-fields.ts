// The columns of the runs table, by the short keys a researcher types in its search box (`lr>1e-3`, `tag:paper`,
// `t4<2000`) and sorts by: each a value read from a run's summary, or any setting of its config by dotted path
// (optimizer.beta2, model.width). Pure, so the table and its tests read runs the same way.
import type { RunSummary } from '../api/types';
import { configLeaves } from '../analysis/config-diff';

export type FieldKind = 'number' | 'text' | 'date' | 'duration';
export type FieldValue = number | string | null;

export interface RunField {
  key: string;
  /** the column's heading */
  label: string;
  /** what the column holds, for its heading's tooltip */
  title: string;
  kind: FieldKind;
  get(r: RunSummary, now: number): FieldValue;
}

const time = (iso: string | null): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

/** Milliseconds from start to finish, or to `now` while the run has not finished; null before it starts. */
export function runDuration(r: RunSummary, now: number): number | null {
  const start = time(r.startedAt);
  if (start === null) return null;
  return Math.max(0, (time(r.finishedAt) ?? now) - start);
}

const f = (key: string, label: string, title: string, kind: FieldKind, get: RunField['get']): RunField => ({
  key,
  label,
  title,
  kind,
  get,
});

/** Every column the table knows besides config paths, in the order the column chooser lists them. */
export const RUN_FIELDS: readonly RunField[] = [
  f('status', 'Status', 'queued, running, completed, failed, …', 'text', (r) => r.status),
  f('id', '#', 'run id', 'number', (r) => r.id),
  f('name', 'Name', "the run's name", 'text', (r) => r.name),
  f('tags', 'Tags', "the run's tags", 'text', (r) => r.tags.join(', ')),
  f('task', 'Task', 'task, modulus and training fraction', 'text', (r) => r.task),
  f('model', 'Model', 'model kind and size', 'text', (r) => r.model),
  f('lr', 'lr', 'learning rate', 'number', (r) => r.lr),
  f('wd', 'wd', 'weight decay', 'number', (r) => r.weightDecay),
  f('r', 'r', 'training data fraction', 'number', (r) => r.trainFraction),
  f('seed', 'seed', 'initialisation seed', 'number', (r) => r.seed),
  f('step', 'Step', 'steps done', 'number', (r) => r.step),
  f('val_acc', 'val acc', 'last validation accuracy (0–1)', 'number', (r) => r.final.valAcc),
  f('train_acc', 'train acc', 'last training accuracy (0–1)', 'number', (r) => r.final.trainAcc),
  f('val_loss', 'val loss', 'last validation loss', 'number', (r) => r.final.valLoss),
  f('train_loss', 'train loss', 'last training loss', 'number', (r) => r.final.trainLoss),
  f('t2', 't2', 't2: first step with 100% training accuracy', 'number', (r) => r.phases.t2),
  f('t4', 't4', 't4: first step with 100% validation accuracy', 'number', (r) => r.phases.t4),
  f('predicted', 'predicted', 'probability of grokking predicted at the end of the early window (000 §3)', 'number', (r) =>
    r.prediction ? r.prediction.probability : null,
  ),
  f('sweep', 'Sweep', 'the sweep the run is a cell of', 'number', (r) => r.sweepId),
  f('backend', 'Backend', 'the TF.js backend that trained it', 'text', (r) => r.backend),
  f('created', 'Created', 'when the run was created', 'date', (r) => time(r.createdAt)),
  f('duration', 'Duration', 'from start to finish (or now)', 'duration', (r, now) => runDuration(r, now)),
  f('notes', 'Notes', "the run's notes", 'text', (r) => r.notes),
];

const BY_KEY = new Map(RUN_FIELDS.map((x) => [x.key, x]));
/** Other names people type for a column. */
const ALIASES: Record<string, string> = {
  tag: 'tags',
  learning_rate: 'lr',
  weight_decay: 'wd',
  weightDecay: 'wd',
  train_fraction: 'r',
  trainFraction: 'r',
  acc: 'val_acc',
  note: 'notes',
  state: 'status',
};

/** The known column of a key (or of one of its aliases); undefined for a config path or an unknown key. */
export const knownField = (key: string): RunField | undefined => BY_KEY.get(ALIASES[key] ?? key);

/** Whether a key reads a config setting: a dotted path, e.g. optimizer.beta2. */
export const isConfigPath = (key: string): boolean => /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(key);

// One map of a config's settings per config object: filtering 10,000 runs on a config path must not walk every
// config again on each keystroke.
const leavesCache = new WeakMap<object, Map<string, string>>();
function leavesOf(config: object): Map<string, string> {
  let leaves = leavesCache.get(config);
  if (!leaves) {
    leaves = configLeaves(config);
    leavesCache.set(config, leaves);
  }
  return leaves;
}

/** A config setting of a run: a number when it reads as one, else its text; null when the run has no such setting
 *  (or the list was loaded without configs). */
export function configValue(r: RunSummary, path: string): FieldValue {
  if (!r.config) return null;
  const v = leavesOf(r.config).get(path);
  if (v === undefined) return null;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}

/** A run's value in a column (known key, alias or config path). */
export function fieldValue(r: RunSummary, key: string, now: number): FieldValue {
  const known = knownField(key);
  return known ? known.get(r, now) : configValue(r, key);
}

/** The runs ordered by a column, nulls last whichever the direction, ties by id (newest first). */
export function sortRuns(runs: readonly RunSummary[], key: string, dir: 'asc' | 'desc', now: number): RunSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  const keyed = runs.map((r) => ({ r, v: fieldValue(r, key, now) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? b.r.id - a.r.id : a.v === null ? 1 : -1;
    if (typeof a.v === 'number' && typeof b.v === 'number') return sign * (a.v - b.v) || b.r.id - a.r.id;
    return sign * String(a.v).localeCompare(String(b.v), undefined, { numeric: true }) || b.r.id - a.r.id;
  });
  return keyed.map((k) => k.r);
}
