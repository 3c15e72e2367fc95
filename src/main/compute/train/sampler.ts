// Seeded minibatch sampler with PyTorch DataLoader(shuffle=True, drop_last=False) semantics: each epoch visits a
// fresh permutation of the training rows in batches, the last one possibly smaller. Its state is the Rng state at the
// start of the current epoch plus the position in it, so a checkpoint can restore it exactly.
import { Rng } from '../engine/rng';

export class BatchSampler {
  private rng: Rng;
  private epochStart = 0;
  private order: Int32Array;
  private offset: number;

  constructor(
    private readonly n: number,
    private readonly batchSize: number,
    seedState: number,
    offset = Number.POSITIVE_INFINITY,
  ) {
    this.rng = Rng.fromState(seedState);
    this.order = new Int32Array(n);
    this.offset = offset;
    if (Number.isFinite(offset)) this.shuffleEpoch(); // restoring: rebuild the epoch's permutation
  }

  private shuffleEpoch(): void {
    this.epochStart = this.rng.state();
    for (let i = 0; i < this.n; i++) this.order[i] = i;
    this.rng.shuffle(this.order);
  }

  next(): Int32Array {
    if (this.offset >= this.n) {
      this.shuffleEpoch();
      this.offset = 0;
    }
    const end = Math.min(this.n, this.offset + this.batchSize);
    const batch = this.order.slice(this.offset, end);
    this.offset = end;
    return batch;
  }

  /** [rng state at the epoch's start, rows already served in the epoch] (before the first batch: [seed, ∞] as −1) */
  state(): number[] {
    return Number.isFinite(this.offset) ? [this.epochStart, this.offset] : [this.rng.state(), -1];
  }

  static restore(n: number, batchSize: number, state: number[]): BatchSampler {
    const [seedState, offset] = state;
    if (seedState === undefined || offset === undefined) throw new Error('checkpoint rng state must hold 2 numbers for a minibatch run');
    return new BatchSampler(n, batchSize, seedState, offset < 0 ? Number.POSITIVE_INFINITY : offset);
  }
}
