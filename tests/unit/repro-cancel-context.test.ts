// A cancelled reproduction's context (src/main/reproductions/cancel.ts), with a stand-in API: once the signal fires no
// call starts but the stoppers, an analysis computing in a compute process is stopped through its own cancel method,
// and a step's wait stops what it waits on; a conflict from that stop (it ended by itself) is not an error.
import { describe, expect, it } from 'vitest';
import { ApiError, type MethodName } from '../../src/shared/api/contract';
import { ReproCancelled, cancellableContext, pause, stoppingOnCancel } from '../../src/main/reproductions/cancel';

/** A stand-in call that records each method; 'analysis.hessian' waits until 'analysis.cancelProbes' is called. */
function standIn() {
  const calls: { method: MethodName; params: unknown }[] = [];
  let stopProbe: (() => void) | null = null;
  const call = (async (method: MethodName, params: unknown) => {
    calls.push({ method, params });
    if (method === 'analysis.hessian')
      return new Promise((_, reject) => (stopProbe = () => reject(new ApiError('conflict', 'the hessian probe of run 7 was cancelled'))));
    if (method === 'analysis.cancelProbes') stopProbe?.();
    return { ok: true };
  }) as Parameters<typeof cancellableContext>[0];
  return { calls, call };
}

describe('cancellableContext', () => {
  it('refuses every call once cancelled except the stoppers', async () => {
    const { calls, call } = standIn();
    const abort = new AbortController();
    const ctx = cancellableContext(call, () => undefined, abort.signal);
    await ctx.call('runs.get', { id: 1 });
    abort.abort();
    await expect(ctx.call('runs.get', { id: 1 })).rejects.toBeInstanceOf(ReproCancelled);
    await expect(ctx.call('sweeps.list', {})).rejects.toBeInstanceOf(ReproCancelled);
    await ctx.call('runs.cancel', { id: 1 });
    await ctx.call('sweeps.cancel', { id: 2 });
    expect(calls.map((c) => c.method)).toEqual(['runs.get', 'runs.cancel', 'sweeps.cancel']);
  });

  it('stops a Hessian probe under way through analysis.cancelProbes and ends it as cancelled', async () => {
    const { calls, call } = standIn();
    const abort = new AbortController();
    const ctx = cancellableContext(call, () => undefined, abort.signal);
    const probe = ctx.call('analysis.hessian', { id: 7 });
    abort.abort();
    await expect(probe).rejects.toBeInstanceOf(ReproCancelled);
    expect(calls.map((c) => c.method)).toEqual(['analysis.hessian', 'analysis.cancelProbes']);
    expect(calls[1]!.params).toEqual({ id: 7 });
  });
});

describe('stoppingOnCancel and pause', () => {
  it('stops what a wait waits on when cancelled during it, and throws ReproCancelled', async () => {
    const abort = new AbortController();
    const stopped: string[] = [];
    const wait = stoppingOnCancel(
      abort.signal,
      async () => stopped.push('run 3'),
      async () => {
        for (;;) await pause(10_000, abort.signal);
      },
    );
    setTimeout(() => abort.abort(), 20);
    await expect(wait).rejects.toBeInstanceOf(ReproCancelled);
    expect(stopped).toEqual(['run 3']);
  });

  it('takes a conflict from the stop (it ended by itself) as stopped; passes other errors and uncancelled failures on', async () => {
    const abort = new AbortController();
    abort.abort();
    const conflict = async () => Promise.reject(new ApiError('conflict', 'run 3 is already completed'));
    const broken = async () => Promise.reject(new ApiError('internal', 'database is locked'));
    const waitFails = async () => Promise.reject(new ReproCancelled());
    await expect(stoppingOnCancel(abort.signal, conflict, waitFails)).rejects.toBeInstanceOf(ReproCancelled);
    await expect(stoppingOnCancel(abort.signal, broken, waitFails)).rejects.toThrow('database is locked');
    const live = new AbortController();
    await expect(stoppingOnCancel(live.signal, conflict, async () => Promise.reject(new Error('run 3 ended failed')))).rejects.toThrow(
      'run 3 ended failed',
    );
  });
});
