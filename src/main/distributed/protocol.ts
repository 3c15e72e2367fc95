// What travels through Redis between a coordinator (the app, `serve --redis`, `sweep --redis`) and `grokscope worker`
// processes (DESIGN.md "Scale-out"): BullMQ jobs, one per sweep cell, on the queue CELL_QUEUE; and the workers'
// reports, one Redis stream per coordinator, read only by it (it alone writes SQLite). Both directions are validated
// with zod: a job's run config with the same RunConfigSchema as a local config file, so a hostile job is refused,
// not run; a report before the coordinator stores anything from it.
import { z } from 'zod';
import { version as packageVersion } from '../../../package.json';
import { BACKENDS, RunConfigSchema } from '../../shared/config/run-config';
import type { MetricRow } from '../store';

/** The Grokscope version a job was made by; a worker of another version refuses the job (its trainer may differ). */
export const GROKSCOPE_VERSION: string = packageVersion;

/** The BullMQ queue every coordinator adds cells to and every worker takes them from. */
export const CELL_QUEUE = 'grokscope-cells';

/** A coordinator's id: 16 hex digits (a hash of its host and database path), so a restarted coordinator finds its jobs. */
export const COORDINATOR_ID = /^[0-9a-f]{16}$/;

/** The Redis keys of one coordinator's cells (the prefix keeps them apart from BullMQ's and from other programs'). */
export const keys = (coord: string) => ({
  /** the workers' reports to this coordinator, in order */
  results: `grokscope:${coord}:results`,
  /** the last report the coordinator has stored in SQLite */
  cursor: `grokscope:${coord}:cursor`,
  /** the cell's latest checkpoint (a GSCK blob): whichever worker takes the cell next continues from it */
  checkpoint: (runId: number) => `grokscope:${coord}:ckpt:${runId}`,
  /** the coordinator's decisions on a cell's job, in order (a list of Decision JSON), read by its worker */
  decision: (jobId: string) => `grokscope:${coord}:decision:${jobId}`,
  /** the BullMQ job id of a run's current cell job */
  job: (runId: number) => `grokscope:${coord}:job:${runId}`,
});

/** Keys of the workers that are up: `grokscope:worker:NAME`, a JSON WorkerInfo that expires unless refreshed. */
export const WORKER_KEY_PREFIX = 'grokscope:worker:';

export const CellJobSchema = z.strictObject({
  /** Grokscope version of the coordinator */
  v: z.string().max(64),
  coord: z.string().regex(COORDINATOR_ID),
  runId: z.number().int().positive(),
  config: RunConfigSchema,
  /** pause after this many updates and wait for the coordinator's decision (a predict sweep's window) */
  holdAt: z.number().int().positive().optional(),
});
export type CellJob = z.infer<typeof CellJobSchema>;

/**
 * What the coordinator decides about a cell, appended to the cell's decision log: 'stop' (its note is stored with
 * the stopped run), or 'continue' from the hold it is at (or reaches next), holding again at `holdAt` if given.
 */
export const DecisionSchema = z.strictObject({
  action: z.enum(['stop', 'continue']),
  note: z.string().max(2000).optional(),
  holdAt: z.number().int().positive().optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** Metric values as JSON: numbers, or the non-finite ones by name (JSON has no NaN or Infinity). */
const ValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const RowSchema = z.tuple([z.string().min(1).max(200), z.number().int().nonnegative(), ValueSchema]);
const EvalSchema = z.tuple([z.number().int().nonnegative(), z.array(RowSchema).max(100_000)]);

export const encodeValue = (v: number): number | 'NaN' | 'Infinity' | '-Infinity' =>
  Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
const decodeValue = (v: z.infer<typeof ValueSchema>): number => (typeof v === 'number' ? v : Number(v));

const text = (max: number) => z.string().max(max);

/** A report's JSON part, by type ('checkpoint' carries its blob in a field of its own). */
export const ReportSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    step: z.number().int().nonnegative(),
    backend: text(100),
    backendNotes: z.array(text(2000)).max(100),
    worker: text(200),
    host: text(200),
  }),
  z.strictObject({ type: z.literal('metrics'), evals: z.array(EvalSchema).max(100_000) }),
  z.strictObject({ type: z.literal('checkpoint'), step: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('paused'), step: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('resumed'), step: z.number().int().nonnegative() }),
  z.strictObject({
    type: z.literal('done'),
    step: z.number().int().nonnegative(),
    reason: z.enum(['completed', 'cancelled', 'diverged']),
    message: text(4000).optional(),
    note: text(2000).optional(),
  }),
  z.strictObject({ type: z.literal('failed'), message: text(4000), step: z.number().int().nonnegative().optional() }),
  /** the worker is shutting down: the cell went back to the queue, to continue from its last checkpoint elsewhere */
  z.strictObject({ type: z.literal('released'), step: z.number().int().nonnegative(), worker: text(200) }),
  /** a worker of another version will not run this coordinator's cells */
  z.strictObject({ type: z.literal('refused'), worker: text(200), host: text(200), version: text(64), wanted: text(64) }),
]);
export type Report = z.infer<typeof ReportSchema>;

/** One stream entry: the run, the attempt's token (one per worker taking the job), its sequence number, the report. */
export interface Envelope {
  runId: number;
  token: string;
  seq: number;
  report: Report;
  blob?: Buffer;
}

export function metricsEvals(evals: Extract<Report, { type: 'metrics' }>['evals']): { step: number; rows: MetricRow[] }[] {
  return evals.map(([step, rows]) => ({ step, rows: rows.map(([n, s, v]): MetricRow => [n, s, decodeValue(v)]) }));
}

/** Stream entry fields: r (run id), k (token), s (seq), j (report JSON), b (checkpoint blob, optional). */
export function envelopeFields(e: Envelope): (string | Buffer)[] {
  const f: (string | Buffer)[] = ['r', String(e.runId), 'k', e.token, 's', String(e.seq), 'j', JSON.stringify(e.report)];
  if (e.blob) f.push('b', e.blob);
  return f;
}

/** Reads a stream entry's fields back; a malformed entry is a message for the log, not a crash. */
export function parseEnvelope(fields: Buffer[]): Envelope | string {
  const m = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i]!.toString('utf8'), fields[i + 1]!);
  const runId = Number(m.get('r')?.toString('utf8'));
  const seq = Number(m.get('s')?.toString('utf8'));
  const token = m.get('k')?.toString('utf8') ?? '';
  if (!Number.isSafeInteger(runId) || runId <= 0 || !Number.isSafeInteger(seq) || token === '' || token.length > 200)
    return 'a report without a valid run id, token or sequence number';
  let json: unknown;
  try {
    json = JSON.parse(m.get('j')?.toString('utf8') ?? '');
  } catch {
    return `run ${runId}: a report that is not JSON`;
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) return `run ${runId}: an invalid report (${parsed.error.issues[0]?.message ?? 'unknown'})`;
  const blob = m.get('b');
  return { runId, token, seq, report: parsed.data, ...(blob ? { blob } : {}) };
}

/** What a worker says about itself in its WORKER_KEY_PREFIX key (for the coordinator's list of workers). */
export const WorkerInfoSchema = z.strictObject({
  name: text(200),
  host: text(200),
  version: text(64),
  backend: z.enum(BACKENDS).nullable(),
  concurrency: z.number().int().positive(),
  /** "coord/runId" of the cells it trains now */
  current: z.array(text(100)).max(256),
  done: z.number().int().nonnegative(),
  since: text(64),
  /** the backend its latest cell started on (absent before its first cell) */
  trainsOn: text(100).optional(),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
