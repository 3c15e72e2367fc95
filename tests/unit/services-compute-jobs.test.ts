// The compute-job lifecycle with a fake channel: a job ends exactly once whichever of done, error and exit comes
// first, a message handler that throws kills the process, and a cancelled job whose process lingers is killed after
// the grace period.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComputeToHost, HostToCompute } from '../../src/main/protocol/messages';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from '../../src/main/host/types';
import { ComputeJobs, type JobEnd } from '../../src/main/services/compute-jobs';

class FakeChannel implements ComputeChannel {
  readonly pid = 1;
  sent: HostToCompute[] = [];
  kills = 0;
  private onMsg: ((m: ComputeToHost) => void) | null = null;
  private onEnd: ((e: ComputeExit) => void) | null = null;
  send(m: HostToCompute): void {
    this.sent.push(m);
  }
  onMessage(l: (m: ComputeToHost) => void): void {
    this.onMsg = l;
  }
  onExit(l: (e: ComputeExit) => void): void {
    this.onEnd = l;
  }
  kill(): void {
    this.kills++;
    this.exit('compute process killed by SIGKILL');
  }
  emit(m: ComputeToHost): void {
    this.onMsg?.(m);
  }
  exit(reason: string): void {
    this.onEnd?.({ code: null, signal: null, reason });
  }
}

function setup(graceMs = 1000) {
  const channels: FakeChannel[] = [];
  const launcher: ComputeLauncher = {
    launch: () => {
      const c = new FakeChannel();
      channels.push(c);
      return c;
    },
  };
  return { jobs: new ComputeJobs({ launcher, graceMs }), channels };
}

const request: HostToCompute = { type: 'cancel' };

describe('ComputeJobs', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the request, passes messages on, and ends once: a later exit does not end it again', async () => {
    const { jobs, channels } = setup();
    const seen: ComputeToHost['type'][] = [];
    const ends: JobEnd[] = [];
    const p = jobs.start({
      key: 'a',
      runId: 7,
      request,
      onMessage: (m) => seen.push(m.type),
      end: (e) => {
        ends.push(e);
        return 'result';
      },
    });
    const ch = channels[0]!;
    expect(ch.sent).toEqual([request]);
    expect(jobs.has('a')).toBe(true);
    ch.emit({ type: 'probe-progress', runId: 7, done: 1, total: 2, message: '' } as ComputeToHost);
    ch.emit({ type: 'probe-done', runId: 7, reason: 'completed' });
    ch.exit('exited with code 0');
    await expect(p).resolves.toBe('result');
    expect(seen).toEqual(['probe-progress']);
    expect(ends).toEqual([{ how: 'completed' }]);
    expect(jobs.has('a')).toBe(false);
  });

  it('rejects with what end throws, for an error message or an early exit', async () => {
    const { jobs, channels } = setup();
    const fail = (e: JobEnd): never => {
      throw new Error(e.how === 'error' ? e.message : e.how === 'exited' ? e.reason : e.how);
    };
    const p1 = jobs.start({ key: 'a', runId: 1, request, onMessage: () => undefined, end: fail });
    const p2 = jobs.start({ key: 'b', runId: 1, request, onMessage: () => undefined, end: fail });
    channels[0]!.emit({ type: 'error', runId: 1, message: 'out of memory' });
    channels[1]!.exit('compute process killed by SIGSEGV');
    await expect(p1).rejects.toThrow('out of memory');
    await expect(p2).rejects.toThrow('killed by SIGSEGV');
  });

  it('kills the process when handling a message throws, and ends the job as broken', async () => {
    const { jobs, channels } = setup();
    const p = jobs.start({
      key: 'a',
      runId: 1,
      request,
      onMessage: () => {
        throw new Error('disk full');
      },
      end: (e) => e,
    });
    channels[0]!.emit({ type: 'grid-row' } as ComputeToHost);
    await expect(p).resolves.toEqual({ how: 'broken', message: 'disk full' });
    expect(channels[0]!.kills).toBe(1);
  });

  it('cancel asks every job of the run to stop and kills a process still alive after the grace period', async () => {
    vi.useFakeTimers();
    const { jobs, channels } = setup(500);
    const p = jobs.start({ key: 'a', runId: 3, request, onMessage: () => undefined, end: (e) => e.how });
    jobs.start({ key: 'b', runId: 4, request, onMessage: () => undefined, end: (e) => e.how });
    expect(jobs.cancel(3)).toBe(true);
    expect(jobs.cancel(99)).toBe(false);
    expect(channels[0]!.sent.at(-1)).toEqual({ type: 'cancel' });
    expect(channels[1]!.sent).toEqual([request]);
    vi.advanceTimersByTime(499);
    expect(channels[0]!.kills).toBe(0);
    vi.advanceTimersByTime(1);
    expect(channels[0]!.kills).toBe(1);
    await expect(p).resolves.toBe('exited');
    expect(channels[1]!.kills).toBe(0);
  });

  it('close kills every process', () => {
    const { jobs, channels } = setup();
    jobs.start({ key: 'a', runId: 1, request, onMessage: () => undefined, end: (e) => e.how }).catch(() => undefined);
    jobs.start({ key: 'b', runId: 2, request, onMessage: () => undefined, end: (e) => e.how }).catch(() => undefined);
    jobs.close();
    expect(channels.map((c) => c.kills)).toEqual([1, 1]);
    expect(jobs.has('a') || jobs.has('b')).toBe(false);
  });
});
