// The runs list, kept summarised between calls (issue 18: the runs page with 10,000 runs opens in under 1 s). Reading
// every row whole (its config text among them) and summarising it took 1-2 s per list on the shared 2-core machine,
// mostly parsing JSON and collecting the garbage. Here each list reads the columns a summary is made of, plus the
// config's length (a stored config is never rewritten), and remakes only the summaries of rows that changed since
// the last list (store.runs.get: the same checks as ever, a damaged column included); the others are the same objects.
// Many rows to remake at once (the first list after a start, a bulk change) are made from the columns already read
// and the config text alone, checked as the store checks them (readJsonColumn, the schema for the config), reusing the
// config a row had when its text is unchanged; any row with something unreadable is read whole by store.runs.get, so
// its summary says what is damaged exactly as before.
// When nothing at all was written to the database since the last list (this connection's total_changes() and
// SQLite's data_version for the others), the last list is the answer: no read, no comparison (50-90 ms of 10,000 rows).
import type { RunSummary } from '../../shared/api/types';
import type { RunConfig } from '../../shared/config/run-config';
import type { Store } from '../store';
import type { RunRow } from '../store/runs-repo';
import { readJsonColumn } from '../store/json-columns';
import { toSummary } from './run-views';

/** The columns a summary is made of (with the config's length): a row whose values all equal the last list's is unchanged. */
const COLUMNS = [
  'name',
  'status',
  'seed',
  'backend',
  'backend_notes_json',
  'step',
  'total_steps',
  'created_at',
  'started_at',
  'finished_at',
  'error',
  'phases_json',
  'final_json',
  'deleted_at',
  'sweep_id',
  'tags_json',
  'notes',
] as const;

type Marks = Record<(typeof COLUMNS)[number] | 'config_len', unknown> & { id: number };

interface Entry {
  marks: Marks;
  /** the newest prediction's analysis id the summary was made with */
  predictionId: number | null;
  summary: RunSummary;
  config: RunConfig;
}

/** Above this many rows to remake, one full read of the list costs less than a read per row. */
const BULK = 200;

export class RunSummaries {
  private readonly cache = new Map<number, Entry>();
  private readonly select;
  private readonly selectAll;
  private readonly predictions;
  private readonly generationStmt;
  private readonly configs;
  private readonly configOf;
  /** the last list per (includeDeleted, withConfig), with the database's generation it was made at */
  private readonly lists = new Map<string, { generation: string; out: RunSummary[] }>();

  constructor(private readonly store: Store) {
    const cols = `id, ${COLUMNS.join(', ')}, length(config_json) AS config_len FROM runs`;
    this.select = store.db.prepare<[], Marks>(`SELECT ${cols} WHERE deleted_at IS NULL ORDER BY id DESC`);
    this.selectAll = store.db.prepare<[], Marks>(`SELECT ${cols} ORDER BY id DESC`);
    this.predictions = store.db.prepare<[], { run_id: number; id: number }>(
      "SELECT run_id, max(id) AS id FROM analyses WHERE kind = 'prediction' AND result_json IS NOT NULL GROUP BY run_id",
    );
    // total_changes(): rows this connection wrote, any table; data_version: changes when another connection commits
    this.generationStmt = store.db
      .prepare<[], string>("SELECT total_changes() || ':' || (SELECT data_version FROM pragma_data_version) AS g")
      .pluck();
    this.configs = store.db.prepare<[], { id: number; config_json: string }>('SELECT id, config_json FROM runs');
    this.configOf = store.db.prepare<[number], string>('SELECT config_json FROM runs WHERE id = ?').pluck();
  }

  list(includeDeleted: boolean, withConfig: boolean): RunSummary[] {
    const key = `${includeDeleted}:${withConfig}`;
    const generation = this.generationStmt.get()!;
    const last = this.lists.get(key);
    if (last?.generation === generation) return last.out;
    const out = this.make(includeDeleted, withConfig);
    // made inside the same generation: a write between the check and the read leaves the next list to look again
    this.lists.set(key, { generation, out });
    return out;
  }

  private make(includeDeleted: boolean, withConfig: boolean): RunSummary[] {
    const rows = (includeDeleted ? this.selectAll : this.select).all();
    const predicted = new Map(this.predictions.all().map((p) => [p.run_id, p.id]));
    const stale = rows.filter((m) => {
      const e = this.cache.get(m.id);
      return (
        !e ||
        e.predictionId !== (predicted.get(m.id) ?? null) ||
        COLUMNS.some((c) => e.marks[c] !== m[c]) ||
        e.marks.config_len !== m.config_len
      );
    });
    if (stale.length > BULK) this.makeMany(stale, predicted);
    else for (const m of stale) this.makeWhole(m, predicted.get(m.id) ?? null);
    if (includeDeleted && rows.length < this.cache.size) {
      // every row was read: forget the runs gone from the table
      const listed = new Set(rows.map((m) => m.id));
      for (const id of this.cache.keys()) if (!listed.has(id)) this.cache.delete(id);
    }
    const out: RunSummary[] = [];
    for (const m of rows) {
      const e = this.cache.get(m.id);
      if (e) out.push(withConfig ? { ...e.summary, config: e.config } : e.summary);
    }
    // never changed once made (the next list is a new array), so the WebSocket may keep its packed text (ws-api.ts)
    Object.freeze(out);
    return out;
  }

  /** A summary from the row read whole (store.runs.get: every column checked, a damaged one named). */
  private makeWhole(m: Marks, predictionId: number | null): void {
    const row = this.store.runs.get(m.id);
    if (!row) return void this.cache.delete(m.id); // deleted since the first read
    const prediction = predictionId === null ? null : (this.store.analyses.latest(m.id, 'prediction')?.result ?? null);
    this.cache.set(m.id, { marks: m, predictionId, summary: toSummary(row, prediction), config: row.config });
  }

  /** Summaries of many rows from their columns already read and their config text, as the store reads them. */
  private makeMany(stale: Marks[], predicted: Map<number, number>): void {
    const predictions = this.store.analyses.latestResults('prediction');
    // a config is never rewritten: a row whose config text has the same length keeps the config it was read with
    const known = (m: Marks): RunConfig | null => {
      const e = this.cache.get(m.id);
      return e && e.summary.damaged == null && e.marks.config_len === m.config_len ? e.config : null;
    };
    const unknown = stale.filter((m) => !known(m)).length;
    const texts = unknown > BULK ? new Map(this.configs.all().map((r) => [r.id, r.config_json])) : null;
    for (const m of stale) {
      const predictionId = predicted.get(m.id) ?? null;
      let config = known(m);
      if (!config) {
        const text = texts ? texts.get(m.id) : this.configOf.get(m.id);
        if (text === undefined) {
          this.cache.delete(m.id); // deleted since the first read
          continue;
        }
        const got = readJsonColumn('runs', 'config_json', text); // JSON, then the schema, as the store checks it
        config = 'value' in got && got.value !== null ? (got.value as RunConfig) : null;
      }
      const columns = config && readColumns(m);
      if (!config || !columns) {
        this.makeWhole(m, predictionId); // something unreadable: the store names it
        continue;
      }
      const summary = toSummary(rowFromMarks(m, config, columns), predictions.get(m.id) ?? null);
      this.cache.set(m.id, { marks: m, predictionId, summary, config });
    }
  }
}

/** A row's other JSON columns as the store reads them, or null when any is unreadable. */
function readColumns(m: Marks): Pick<RunRow, 'phases' | 'final' | 'tags' | 'backendNotes'> | null {
  const read = (column: (typeof COLUMNS)[number]): { value: unknown } | null => {
    const got = readJsonColumn('runs', column, m[column]);
    return 'value' in got ? got : null;
  };
  const phases = read('phases_json');
  const final = read('final_json');
  const tags = m.tags_json === undefined ? { value: [] } : read('tags_json');
  const notes = read('backend_notes_json');
  if (!phases || !final || !tags || !notes) return null;
  return {
    phases: (phases.value ?? null) as RunRow['phases'],
    final: (final.value ?? null) as RunRow['final'],
    tags: (tags.value ?? []) as string[],
    backendNotes: (notes.value ?? []) as string[],
  };
}

/** The row a summary is made of, from the columns read for the marks (owner and worker are not part of a summary). */
function rowFromMarks(m: Marks, config: RunConfig, columns: Pick<RunRow, 'phases' | 'final' | 'tags' | 'backendNotes'>): RunRow {
  return {
    config,
    phases: columns.phases,
    final: columns.final,
    tags: columns.tags,
    backendNotes: columns.backendNotes,
    id: m.id,
    name: m.name as string,
    status: m.status as RunRow['status'],
    seed: m.seed as number,
    backend: m.backend as string | null,
    step: m.step as number,
    totalSteps: m.total_steps as number,
    createdAt: m.created_at as string,
    startedAt: m.started_at as string | null,
    finishedAt: m.finished_at as string | null,
    error: m.error as string | null,
    deletedAt: m.deleted_at as string | null,
    sweepId: m.sweep_id as number | null,
    notes: (m.notes as string | null) ?? '',
    owner: null,
    damaged: null,
  } as RunRow;
}
