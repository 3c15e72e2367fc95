// An analysis computed in a compute process, followed in the foreground by "grokscope analyze": its progress on
// stderr, Ctrl-C asking it to stop cleanly (a cancelled job is a failure, exit 1, whose message says what is kept),
// and its result on stdout as text or, with --json, as JSON.
import { ApiError, type EventName, type EventPayloads } from '../../shared/api/contract';
import type { LocalBackend } from '../services/create-backend';
import { CliFailure } from './errors';
import { err, json, out } from './io';

export interface AnalysisJob<E extends EventName, V> {
  event: E;
  /** the progress line of an event of this job, or null for events of other jobs */
  progress(p: EventPayloads[E]): string | null;
  /** said on Ctrl-C, before cancel() */
  cancelling: string;
  cancel(): void;
  compute(): Promise<V>;
  text(v: V): string;
  json: boolean;
}

export async function followAnalysis<E extends EventName, V>(backend: LocalBackend, job: AnalysisJob<E, V>): Promise<void> {
  const stop = backend.events.subscribe((e, p) => {
    if ((e as EventName) !== job.event) return;
    const line = job.progress(p as EventPayloads[E]);
    if (line !== null) err(line);
  });
  const onSigint = () => {
    err(job.cancelling);
    job.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const v = await job.compute();
    if (job.json) json(v);
    else out(job.text(v));
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new CliFailure(e.message); // cancelled
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}
