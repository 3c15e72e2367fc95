// The checkpoints table: a run's training state at chosen steps (weights, optimiser slots, sampler state), enough to
// resume exactly or to probe the model later (landscapes, Hessian, trajectory PCA).
import type { Db } from './db';
import type { TrainingState } from '../compute/protocol';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec';

export class CheckpointsRepo {
  private readonly saveStmt;
  private readonly listStmt;
  private readonly loadStmt;
  private readonly latestStmt;

  constructor(db: Db) {
    this.saveStmt = db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, step, blob, created_at) VALUES (?, ?, ?, ?)');
    this.listStmt = db.prepare<[number], { step: number; bytes: number }>(
      'SELECT step, length(blob) AS bytes FROM checkpoints WHERE run_id = ? ORDER BY step',
    );
    this.loadStmt = db.prepare<[number, number], { blob: Buffer }>('SELECT blob FROM checkpoints WHERE run_id = ? AND step = ?');
    this.latestStmt = db.prepare<[number], { blob: Buffer }>(
      'SELECT blob FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1',
    );
  }

  save(runId: number, state: TrainingState, createdAt: string): number {
    const blob = encodeCheckpoint(state);
    this.saveStmt.run(runId, state.step, blob, createdAt);
    return blob.length;
  }

  list(runId: number): { step: number; bytes: number }[] {
    return this.listStmt.all(runId);
  }

  load(runId: number, step: number): TrainingState | undefined {
    const r = this.loadStmt.get(runId, step);
    return r ? decodeCheckpoint(r.blob) : undefined;
  }

  latest(runId: number): TrainingState | undefined {
    const r = this.latestStmt.get(runId);
    return r ? decodeCheckpoint(r.blob) : undefined;
  }
}
