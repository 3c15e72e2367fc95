// The sweeps table: a sweep's config (with its policy), status and result; its runs point at it by sweep_id.
import type { SweepConfig } from '../../shared/config/sweep-config';
import type { RunStatus } from '../../shared/api/types';
import type { Db } from './db';
import { PLACEHOLDER_CONFIG, readJsonColumn } from './json-columns';

export type SweepStatus = 'running' | 'completed' | 'cancelled' | 'interrupted';

export interface SweepRow {
  id: number;
  name: string;
  config: SweepConfig;
  status: SweepStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** why the stored config is unreadable (null: it is readable); such a sweep is listed, never viewed or continued */
  damaged: string | null;
}

interface Raw {
  id: number;
  name: string;
  config_json: string;
  status: SweepStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Stands in for an unreadable config, so a damaged sweep still lists (its runs list on their own). */
const PLACEHOLDER_SWEEP: SweepConfig = {
  base: PLACEHOLDER_CONFIG,
  axes: [],
  seeds: 1,
  policy: { mode: 'full', window: 1 },
};

const fromRaw = (r: Raw): SweepRow => {
  const got = readJsonColumn('sweeps', 'config_json', r.config_json);
  return {
    id: r.id,
    name: r.name,
    config: 'value' in got ? (got.value as SweepConfig) : PLACEHOLDER_SWEEP,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    damaged: 'problem' in got ? `config_json ${got.problem}` : null,
  };
};

export class SweepsRepo {
  constructor(private readonly db: Db) {}

  insert(name: string, config: SweepConfig, at: string): number {
    const info = this.db
      .prepare("INSERT INTO sweeps (name, config_json, status, created_at, started_at) VALUES (?, ?, 'running', ?, ?)")
      .run(name, JSON.stringify(config), at, at);
    return Number(info.lastInsertRowid);
  }

  get(id: number): SweepRow | undefined {
    const r = this.db.prepare('SELECT * FROM sweeps WHERE id = ? AND deleted_at IS NULL').get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  list(): SweepRow[] {
    return (this.db.prepare('SELECT * FROM sweeps WHERE deleted_at IS NULL ORDER BY id DESC').all() as Raw[]).map(fromRaw);
  }

  /** Replaces a sweep's config (its axes edited: services/sweep-extend.ts). */
  setConfig(id: number, config: SweepConfig): void {
    this.db.prepare('UPDATE sweeps SET config_json = ? WHERE id = ?').run(JSON.stringify(config), id);
  }

  setStatus(id: number, status: SweepStatus, finishedAt: string | null): void {
    this.db.prepare('UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, id);
  }

  /** Run ids of a sweep, in creation (grid) order. */
  runIds(id: number): number[] {
    return (this.db.prepare('SELECT id FROM runs WHERE sweep_id = ? ORDER BY id').all(id) as { id: number }[]).map((r) => r.id);
  }

  /** The statuses of a sweep's runs, in grid order: one column read, for counts polled while the sweep trains. */
  runStatuses(id: number): RunStatus[] {
    return this.db.prepare('SELECT status FROM runs WHERE sweep_id = ? ORDER BY id').pluck().all(id) as RunStatus[];
  }
}
