// The runs waiting for a compute process, in order, and what each is to start with: a stored checkpoint to continue
// from (resume) or a hold (the update its process pauses itself after: a predict sweep's window).

export class RunQueue {
  private readonly order: number[] = [];
  /** run id → the checkpoint step it continues from */
  private readonly resumeFrom = new Map<number, number>();
  /** run id → the update its process pauses itself after */
  private readonly holds = new Map<number, number>();

  get length(): number {
    return this.order.length;
  }

  has(id: number): boolean {
    return this.order.includes(id);
  }

  ids(): readonly number[] {
    return this.order;
  }

  /** Adds the run at the end (once); `holdAt` is kept for its start either way. */
  push(id: number, holdAt?: number): void {
    if (holdAt !== undefined) this.holds.set(id, holdAt);
    if (!this.order.includes(id)) this.order.push(id);
  }

  /** The run is to continue from its checkpoint at `step` when it starts. */
  continueFrom(id: number, step: number): void {
    this.resumeFrom.set(id, step);
  }

  shift(): number | undefined {
    return this.order.shift();
  }

  /** What the run starts with; forgotten once read. */
  startOf(id: number): { from: number | undefined; holdAt: number | undefined } {
    const from = this.resumeFrom.get(id);
    const holdAt = this.holds.get(id);
    this.resumeFrom.delete(id);
    this.holds.delete(id);
    return { from, holdAt };
  }

  /** Takes the run out of the queue with what it was to start with; false when it was not queued. */
  remove(id: number): boolean {
    const i = this.order.indexOf(id);
    if (i < 0) return false;
    this.order.splice(i, 1);
    this.startOf(id);
    return true;
  }

  /** Empties the queue and returns the runs it held. */
  drain(): number[] {
    return this.order.splice(0);
  }
}
