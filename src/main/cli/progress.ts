// Training progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise (logs, CI, pipes).
import { fmtPct } from './format';
import { safeText } from './safe-text';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class ProgressReporter {
  private step = 0;
  private total = 0;
  private trainAcc: number | null = null;
  private valAcc: number | null = null;
  private lastDraw = 0;
  private lastLineAt = 0;
  private lastDecile = -1;
  private drawn = false;
  private readonly t0 = Date.now();

  constructor(
    private readonly out: ProgressStream,
    /** e.g. "run 12"; set once the run id is known */
    public label: string,
    /** plain mode: at most one line per this many ms, plus one per 10% of the run */
    private readonly lineEveryMs = 10_000,
  ) {}

  update(step: number, totalSteps: number, points: { name: string; value: number }[]): void {
    this.step = step;
    this.total = totalSteps;
    for (const p of points) {
      if (p.name === 'train_acc') this.trainAcc = p.value;
      if (p.name === 'val_acc') this.valAcc = p.value;
    }
    const now = Date.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw >= 100 || step >= totalSteps) this.draw(now);
      return;
    }
    const decile = totalSteps > 0 ? Math.floor((10 * step) / totalSteps) : 0;
    if (decile > this.lastDecile || now - this.lastLineAt >= this.lineEveryMs) {
      this.lastDecile = decile;
      this.lastLineAt = now;
      this.out.write(`${this.line()}\n`);
    }
  }

  /** A status line (started, paused, finished): printed on its own line, never overwritten. */
  note(text: string): void {
    this.clear();
    this.out.write(`${safeText(text)}\n`); // notes carry stored errors and backend notes: user text
  }

  /** Leaves the terminal clean (the bar ends on its own line). */
  finish(): void {
    if (this.out.isTTY && this.drawn) {
      this.draw(Date.now());
      this.out.write('\n');
      this.drawn = false;
    }
  }

  private clear(): void {
    if (this.out.isTTY && this.drawn) {
      this.out.write('\r\x1b[2K');
      this.drawn = false;
    }
  }

  private line(bar = false): string {
    const frac = this.total > 0 ? Math.min(1, this.step / this.total) : 0;
    const secs = ((Date.now() - this.t0) / 1000).toFixed(1);
    const head = bar
      ? `${this.label} [${'#'.repeat(Math.round(frac * 24)).padEnd(24, '-')}] ${String(Math.floor(frac * 100)).padStart(3)}%`
      : `${this.label} ${String(Math.floor(frac * 100)).padStart(3)}%`;
    return `${head} step ${this.step}/${this.total} · train acc ${fmtPct(this.trainAcc)} · val acc ${fmtPct(this.valAcc)} · ${secs} s`;
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const text = this.line(true);
    const width = this.out.columns ?? 120;
    this.out.write(`\r\x1b[2K${text.length >= width ? text.slice(0, width - 1) : text}`);
    this.drawn = true;
  }
}
