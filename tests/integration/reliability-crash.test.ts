// Crash safety of the app itself: the back end (the single writer of the database) is SIGKILLed at random moments of a
// run, three times, with the app's default flush interval. After each crash the database passes integrity_check, its
// compute process has gone too, the next back end shows the run as interrupted at the step it reached, and at most
// the last second of metrics is missing. Resumed each time, the run ends with the uninterrupted run's metrics.
import { afterAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { seededRandom } from '../../src/shared/analysis/rng';
import { tsxLoaderUrl } from '../../src/main/host/child-launcher';
import { alive, nextEvent, realBackend, sleep, statusIs, tempDir, tinyConfig } from './backend-helpers';

const tmp = tempDir('reliability-crash');
afterAll(() => tmp.cleanup());

const HOST = join(import.meta.dirname, 'reliability-host.ts');
// long enough that a quiet machine is still mid-run when the last kill (step ≤ 520, then ≤ 300 ms) lands
const STEPS = 2000;
const config = tinyConfig({ steps: STEPS, evalEvery: 10, checkpointEvery: 50 }, { seed: 4 });

interface Host {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<void>;
  /** resolves with the first line matching `re` */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function startHost(dbPath: string, what: string): Host {
  const proc = spawn(process.execPath, ['--import', tsxLoaderUrl(), HOST, dbPath, what], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  let buf = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) {
        const m = w.re.exec(l);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    lines,
    exited,
    line: (re, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const hit = lines.map((l) => re.exec(l)).find((m) => m);
        if (hit) return resolve(hit);
        const t = setTimeout(
          () => reject(new Error(`host printed no line matching ${re} in ${timeoutMs} ms; got ${lines.slice(-3).join(' | ')}`)),
          timeoutMs,
        );
        waiters.push({ re, resolve: (m) => (clearTimeout(t), resolve(m)) });
      }),
  };
}

it('the back end SIGKILLed 3 times mid-run: integrity ok, run interrupted, ≤ 1 s of metrics lost, resumed to the same end', async () => {
  // the uninterrupted run, in this process, on its own database
  const refBackend = realBackend(tmp.file('ref.db'));
  const ref = await refBackend.handlers['runs.create']({ config });
  expect((await nextEvent(refBackend, 'run.status', statusIs(ref.id, 'completed', 'failed'))).status).toBe('completed');
  const refSeries = (await refBackend.handlers['runs.metrics']({ id: ref.id, maxPoints: 1_000_000 })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const refRun = await refBackend.handlers['runs.get']({ id: ref.id });
  await refBackend.close();

  const dbPath = tmp.file('crash.db');
  const rng = seededRandom(7);
  let what = JSON.stringify(config);
  let runId = 0;
  const lostMs: number[] = [];
  for (const target of [150 + Math.round(rng.next() * 100), 300 + Math.round(rng.next() * 100), 450 + Math.round(rng.next() * 70)]) {
    const host = startHost(dbPath, what);
    runId = Number((await host.line(/^run (\d+)$/))[1]);
    const computePid = Number((await host.line(/^compute (\d+)$/))[1]);
    // wait for the target step, then a random part of a flush interval, so the kill may land inside a write
    const reached = () => startHostLog(host.lines).some((r) => r.step >= target);
    for (let i = 0; i < 3000 && !reached(); i++) await sleep(20);
    expect(reached()).toBe(true);
    await sleep(Math.floor(rng.next() * 300));
    const killAt = Date.now();
    host.proc.kill('SIGKILL');
    await host.exited;
    for (let i = 0; i < 50 && alive(computePid); i++) await sleep(100);
    expect(alive(computePid)).toBe(false); // the compute process notices its host is gone and exits

    const check = new Database(dbPath);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();

    const received = startHostLog(host.lines);
    const b = realBackend(dbPath);
    try {
      const run = await b.handlers['runs.get']({ id: runId });
      expect(run.status).toBe('interrupted');
      expect(run.error).toBe(`interrupted: Grokscope stopped while the run was running at step ${run.step}`);
      const [valAcc] = await b.handlers['runs.metrics']({ id: runId, names: ['val_acc'], maxPoints: 1_000_000 });
      const stored = new Set(valAcc!.steps);
      expect(run.step).toBe(valAcc!.steps.at(-1));
      // every evaluation that reached the back end more than 1 s before the kill is stored
      const firstLost = received.find((r) => !stored.has(r.step));
      const lost = firstLost ? killAt - firstLost.ms : 0;
      lostMs.push(lost);
      expect(lost).toBeLessThanOrEqual(1000);
      expect(run.checkpoints.at(-1)!.step).toBeLessThanOrEqual(run.step);
    } finally {
      await b.close();
    }
    what = String(runId);
  }

  // the last resume runs to the end in this process
  const b = realBackend(dbPath);
  try {
    const done = nextEvent(b, 'run.status', statusIs(runId, 'completed', 'failed', 'diverged'));
    await b.handlers['runs.resume']({ id: runId });
    expect((await done).status).toBe('completed');
    const run = await b.handlers['runs.get']({ id: runId });
    expect(run).toMatchObject({ status: 'completed', step: STEPS, error: null });
    expect(run.final).toEqual(refRun.final);
    const series = (await b.handlers['runs.metrics']({ id: runId, maxPoints: 1_000_000 })).sort((a, b2) => a.name.localeCompare(b2.name));
    expect(series).toEqual(refSeries);
  } finally {
    await b.close();
  }
  console.log(`metrics lost at each of the 3 crashes (ms of evaluations received but not stored): ${lostMs.join(', ')}`);
}, 240_000);

/** The evaluations the host received, with their arrival times. */
function startHostLog(lines: string[]): { step: number; ms: number }[] {
  return lines.flatMap((l) => {
    const m = /^progress (\d+) (\d+)$/.exec(l);
    return m ? [{ step: Number(m[1]), ms: Number(m[2]) }] : [];
  });
}
