// The runs list, kept summarised between calls (issue 18: the runs page with 10,000 runs opens in under 1 s). Reading
// every row whole (its config text among them) and summarising it took 1-2 s per list on the shared 2-core machine,
// mostly parsing JSON and collecting the garbage. Here each list reads the columns a summary is made of, plus the
// config's length (a stored config is never rewritten), and remakes only the summaries of rows that changed since
// the last list (store.runs.get: the same checks as ever, a damaged column included); the others are the same objects.
// When nothing at all was written to the database since the last list (this connection's total_changes() and
// SQLite's data_version for the others), the last list is the answer: no read, no comparison (50-90 ms of 10,000 rows).
import type { RunSummary } from '../../shared/api/types';
import type { RunConfig } from '../../shared/config/run-config';
import type { Store } from '../store';
import type { RunRow } from '../store/runs-repo';
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
    if (stale.length > 0) {
      const whole: Map<number, RunRow> | null =
        stale.length > BULK ? new Map(this.store.runs.list({ includeDeleted }).map((r) => [r.id, r])) : null;
      const predictions = stale.length > BULK ? this.store.analyses.latestResults('prediction') : null;
      for (const m of stale) {
        const row = whole ? whole.get(m.id) : this.store.runs.get(m.id);
        if (!row) continue; // deleted since the first read
        const prediction = predictions ? (predictions.get(m.id) ?? null) : (this.store.analyses.latest(m.id, 'prediction')?.result ?? null);
        this.cache.set(m.id, {
          marks: m,
          predictionId: predicted.get(m.id) ?? null,
          summary: toSummary(row, prediction),
          config: row.config,
        });
      }
    }
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
}
