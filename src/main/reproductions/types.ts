// A reproduction: one headline result of a paper Grokscope implements, run through the same API a user calls (runs,
// sweeps, analyses), and judged against a criterion stated beforehand. `quick` is a reduced setting that finishes in
// about a minute on a laptop CPU and is what the tests run; the full setting is the paper's.
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract';
import type { ReproOutcome } from '../../shared/api/reproductions';

/** What a reproduction needs from the back end: the API (through dispatch, as the CLI calls it), a progress line, and
 *  the signal that cancels it (built with cancel.ts cancellableContext, whose calls obey it). */
export interface ReproContext {
  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>>;
  progress(message: string): void;
  signal: AbortSignal;
}

export type { ReproFigure, ReproMeasure, ReproOutcome } from '../../shared/api/reproductions';

export interface Reproduction {
  name: string;
  /** paper and section, e.g. "000 App. B.2" */
  source: string;
  title: string;
  /** the paper's headline number or claim */
  claim: string;
  /** the criterion, full and quick (when they differ) */
  criterion: { full: string; quick: string };
  run(ctx: ReproContext, quick: boolean): Promise<Omit<ReproOutcome, 'name' | 'quick' | 'seconds' | 'finishedAt'>>;
}
