// The analyses table: one row per analysis of a run (spectral signature, prediction, PCA, Hessian, ...), its
// parameters and its result as JSON. The latest finished row of a kind and parameters is the current one.
import type { Db } from './db';
import { readJsonColumn } from './json-columns';

export interface AnalysisRow {
  id: number;
  runId: number;
  kind: string;
  params: unknown;
  status: 'running' | 'done' | 'failed';
  result: unknown;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface RawRow {
  id: number;
  run_id: number;
  kind: string;
  params_json: string;
  status: AnalysisRow['status'];
  result_json: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A row whose stored JSON is unreadable (damage written by anything) reads as a failed analysis saying why, so one
 *  bad row never stops a run's page or the runs list from loading. */
const fromRaw = (r: RawRow): AnalysisRow => {
  const params = readJsonColumn('analyses', 'params_json', r.params_json);
  const result = readJsonColumn('analyses', 'result_json', r.result_json);
  const problem = 'problem' in params ? `params_json ${params.problem}` : 'problem' in result ? `result_json ${result.problem}` : null;
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind,
    params: 'value' in params ? params.value : null,
    status: problem ? 'failed' : r.status,
    result: problem || !('value' in result) ? null : result.value,
    error: problem ? `the stored analysis is unreadable: ${problem}` : r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
};

export class AnalysesRepo {
  constructor(private readonly db: Db) {}

  /** Stores a finished analysis, replacing earlier ones of the same run, kind and parameters. */
  save(runId: number, kind: string, params: unknown, result: unknown, at: string): number {
    const paramsJson = JSON.stringify(params);
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM analyses WHERE run_id = ? AND kind = ? AND params_json = ?').run(runId, kind, paramsJson);
      const info = this.db
        .prepare(
          `INSERT INTO analyses (run_id, kind, params_json, status, result_json, created_at, started_at, finished_at)
           VALUES (?, ?, ?, 'done', ?, ?, ?, ?)`,
        )
        .run(runId, kind, paramsJson, JSON.stringify(result), at, at, at);
      return Number(info.lastInsertRowid);
    })();
  }

  /** The newest analysis of a kind for a run (any parameters), or undefined. */
  latest(runId: number, kind: string): AnalysisRow | undefined {
    const row = this.db.prepare('SELECT * FROM analyses WHERE run_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(runId, kind) as
      RawRow | undefined;
    return row ? fromRaw(row) : undefined;
  }

  /** The newest result of a kind for every run that has one (for lists). */
  latestResults(kind: string): Map<number, unknown> {
    const rows = this.db
      .prepare('SELECT run_id, result_json FROM analyses WHERE kind = ? AND result_json IS NOT NULL ORDER BY id')
      .all(kind) as { run_id: number; result_json: string }[];
    const readable = new Map<number, unknown>();
    for (const r of rows) {
      const got = readJsonColumn('analyses', 'result_json', r.result_json);
      if ('value' in got) readable.set(r.run_id, got.value);
    }
    return readable;
  }

  forRun(runId: number): AnalysisRow[] {
    return (this.db.prepare('SELECT * FROM analyses WHERE run_id = ? ORDER BY id').all(runId) as RawRow[]).map(fromRaw);
  }
}
