// The store: one database connection and its repositories.
import { openDatabase, type Db, type OpenOptions } from './db';
import { RunsRepo } from './runs-repo';
import { MetricsRepo } from './metrics-repo';
import { CheckpointsRepo } from './checkpoints-repo';
import { AnalysesRepo } from './analyses-repo';
import { SweepsRepo } from './sweeps-repo';

export interface Store {
  db: Db;
  path: string;
  runs: RunsRepo;
  metrics: MetricsRepo;
  checkpoints: CheckpointsRepo;
  analyses: AnalysesRepo;
  sweeps: SweepsRepo;
  close(): void;
}

export function openStore(path: string, opts?: OpenOptions): Store {
  const db = openDatabase(path, opts);
  return {
    db,
    path,
    runs: new RunsRepo(db),
    metrics: new MetricsRepo(db),
    checkpoints: new CheckpointsRepo(db),
    analyses: new AnalysesRepo(db),
    sweeps: new SweepsRepo(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}

export { DatabaseVersionError, DatabaseOpenError, DatabasePathError, NotGrokscopeDatabaseError } from './db';
export type { RunRow, FinalMetrics } from './runs-repo';
export type { MetricRow, StoredSeries } from './metrics-repo';
export type { AnalysisRow } from './analyses-repo';
export type { SweepRow, SweepStatus } from './sweeps-repo';
