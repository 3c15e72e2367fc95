// The checkpoints table: a run's training state at chosen steps. The latest one holds everything needed to resume
// exactly (weights, optimiser slots, sampler and noise states); when a newer one arrives, the one before it is
// thinned to an analysis copy (weights and rng state, no optimiser slots: a third of an Adam checkpoint), enough to
// probe the model later (landscapes, Hessian, trajectory PCA). Runs resume from their latest checkpoint only.
import type { Db } from './db';
import type { TrainingState } from '../protocol/training-state';
import { checkpointHasOptimizer, decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec';

export class CheckpointsRepo {
  private readonly saveStmt;
  private readonly listStmt;
  private readonly loadStmt;
  private readonly latestStmt;
  private readonly previousStmt;
  private readonly replaceStmt;
  private readonly saveTx;

  constructor(db: Db) {
    this.saveStmt = db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, step, blob, created_at) VALUES (?, ?, ?, ?)');
    this.listStmt = db.prepare<[number], { step: number; bytes: number }>(
      'SELECT step, length(blob) AS bytes FROM checkpoints WHERE run_id = ? ORDER BY step',
    );
    this.loadStmt = db.prepare<[number, number], { blob: Buffer }>('SELECT blob FROM checkpoints WHERE run_id = ? AND step = ?');
    this.latestStmt = db.prepare<[number], { blob: Buffer }>('SELECT blob FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1');
    this.previousStmt = db.prepare<[number, number], { step: number; blob: Buffer }>(
      'SELECT step, blob FROM checkpoints WHERE run_id = ? AND step < ? ORDER BY step DESC LIMIT 1',
    );
    this.replaceStmt = db.prepare('UPDATE checkpoints SET blob = ? WHERE run_id = ? AND step = ?');
    this.saveTx = db.transaction((runId: number, step: number, blob: Buffer, createdAt: string) => {
      this.saveStmt.run(runId, step, blob, createdAt);
      const prev = this.previousStmt.get(runId, step);
      if (prev && checkpointHasOptimizer(prev.blob)) {
        const s = decodeCheckpoint(prev.blob);
        this.replaceStmt.run(encodeCheckpoint({ ...s, optimizer: [] }), runId, prev.step);
      }
    });
  }

  save(runId: number, state: TrainingState, createdAt: string): number {
    const blob = encodeCheckpoint(state);
    this.saveTx(runId, state.step, blob, createdAt);
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
