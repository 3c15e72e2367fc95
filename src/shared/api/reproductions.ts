// The reproductions as the API carries them (issue 19): what `grokscope reproduce` and the Reproductions page show.
// A reproduction runs one headline result of a paper through the same API a user calls and judges it against a
// criterion stated before it runs; its outcome, with a figure of the effect, is kept in the database.

/** One number measured, beside the paper's. */
export interface ReproMeasure {
  name: string;
  value: number | null;
  /** the paper's value or claim for the same quantity, in words ('' when the paper gives none) */
  paper: string;
}

/** A figure of the effect as plain data (points and lines), drawn by src/shared/figures/reproduction.ts. */
export interface ReproFigure {
  title: string;
  x: { name: string; log?: boolean };
  y: { name: string; log?: boolean };
  series: {
    name: string;
    kind: 'line' | 'scatter' | 'bar';
    points: [number, number][];
    /** a label per point (a scatter's cells: "lr 0.005, wd 1"), shown in the tooltip */
    labels?: string[];
  }[];
  /** horizontal reference lines (a threshold of the criterion) */
  marks?: { y: number; label: string }[];
  /** bar charts: the category of each x index */
  categories?: string[];
}

export interface ReproOutcome {
  name: string;
  quick: boolean;
  passed: boolean;
  /** the criterion of the paper's effect the result is judged by, with its threshold */
  criterion: string;
  /** the setting run, in a line (task, model, optimiser, budget) */
  setting: string;
  measures: ReproMeasure[];
  /** one or two sentences: what was seen, and why it passes or fails */
  summary: string;
  runIds: number[];
  sweepId: number | null;
  seconds: number;
  /** the figure of the effect (absent on outcomes stored before figures existed) */
  figure?: ReproFigure | null;
  /** ISO time it finished (set when stored) */
  finishedAt?: string;
}

/** A reproduction as the page lists it: the paper's claim, the criterion, the last stored result of each size, and
 *  whether one is running now. */
export interface ReproEntry {
  name: string;
  /** paper and section, e.g. "000 App. B.2" */
  source: string;
  title: string;
  claim: string;
  criterion: { full: string; quick: string };
  last: { quick: ReproOutcome | null; full: ReproOutcome | null };
  running: ReproRunning | null;
}

export interface ReproRunning {
  name: string;
  quick: boolean;
  startedAt: string;
  /** the last progress lines, oldest first */
  lines: string[];
  /** a cancel was asked (repro.cancel) and it is stopping what it trains */
  cancelling: boolean;
}

/** Event payloads: a progress line of a running reproduction, and its end (an outcome, the error that stopped it, or
 *  a cancel: then both are null). */
export interface ReproProgress {
  name: string;
  quick: boolean;
  message: string;
}
export interface ReproDone {
  name: string;
  quick: boolean;
  outcome: ReproOutcome | null;
  error: string | null;
  /** stopped by repro.cancel (or Ctrl-C in the CLI): nothing was stored, the runs it finished are kept */
  cancelled: boolean;
}
