// `grokscope resume` and `grokscope cancel` as users run them, and Ctrl-C during `grokscope run`: a run killed
// (CLI and compute process, SIGKILL) or interrupted (SIGINT) and then resumed stores, bit for bit, the metrics of the
// same config trained without a stop; a run another live `grokscope run` trains can be cancelled from another
// terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sleep, tempDir } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-resume');
afterAll(() => tmp.cleanup());

const STEPS = 8_000;
// Minibatches, momentum and update noise: the sampler's and the noise's states must survive the stop too.
const CONFIG = {
  seed: 3,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
  optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0.01, updateNoise: 0.05 },
  training: { steps: STEPS, evalEvery: 10, checkpointEvery: 50, batchSize: 16 },
};
writeFileSync(tmp.file('run.json'), JSON.stringify(CONFIG));
writeFileSync(tmp.file('long.json'), JSON.stringify({ ...CONFIG, training: { ...CONFIG.training, steps: 5_000_000 } }));

const env = () => {
  const e: Record<string, string | undefined> = { ...process.env, GROKSCOPE_WORKERS: '0' };
  delete e['GROKSCOPE_DB'];
  return e;
};
const STACK = /\n\s+at .+:\d+:\d+/;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env: env(), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `grokscope …` in the background, with its output collected and its exit awaitable. */
function start(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { cwd: tmp.dir, env: env() });
  const io = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (io.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (io.stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, io, exited };
}

function query<T>(db: string, sql: string): T | undefined {
  let d: Database.Database | undefined;
  try {
    d = new Database(tmp.file(db), { readonly: true, fileMustExist: true });
    return d.prepare(sql).get() as T | undefined;
  } catch {
    return undefined; // not created or migrated yet
  } finally {
    d?.close();
  }
}

/** Polls until `pred` holds (the CLI writes the database from another process). */
async function until(what: string, pred: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const lastCheckpoint = (db: string) => query<{ s: number | null }>(db, 'SELECT MAX(step) AS s FROM checkpoints WHERE run_id = 1')?.s ?? 0;
const run1 = (db: string) =>
  query<{ status: string; step: number; error: string | null }>(db, 'SELECT status, step, error FROM runs WHERE id = 1');

/** Every stored metric row, in order. */
function metrics(db: string): [string, number, number | null][] {
  const d = new Database(tmp.file(db), { readonly: true });
  try {
    return d.prepare('SELECT name, step, value FROM metrics WHERE run_id = 1 ORDER BY name, step').raw().all() as [
      string,
      number,
      number | null,
    ][];
  } finally {
    d.close();
  }
}

/** The rows that differ from the reference, compared with Object.is (so -0 and 0 differ, NaN stored as NULL matches). */
function differences(db: string): string[] {
  const [a, b] = [metrics('ref.db'), metrics(db)];
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${b.length} rows, the uninterrupted run has ${a.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    // wall_time is a clock reading (when each batch arrived): the same steps, never the same values
    if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1] || (a[i]![0] !== 'wall_time' && !Object.is(a[i]![2], b[i]![2])))
      out.push(`${b[i]!.join(' ')} vs ${a[i]!.join(' ')}`);
  return out.slice(0, 5);
}

/** The compute process of a CLI process: its child, found through /proc (a forked process in its own group). */
function childOf(pid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

type Final = { trainLoss: number; trainAcc: number; valLoss: number; valAcc: number };
let reference: { final: Final; steps: number };

beforeAll(() => {
  const r = cli(['run', 'run.json', '--db', 'ref.db', '--json']);
  expect(r.code, r.stderr).toBe(0);
  reference = JSON.parse(r.stdout) as typeof reference;
}, 120_000);

const expectSameFinal = (final: Final) => {
  for (const k of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const) expect(final[k], k).toBe(reference.final[k]);
};

describe.skipIf(process.platform !== 'linux')('grokscope resume after a kill', () => {
  it('continues a run whose CLI and compute process were SIGKILLed, ending with the uninterrupted metrics bit for bit', async () => {
    const { child, exited } = start(['run', 'run.json', '--db', 'kill.db']);
    await until('a checkpoint', () => lastCheckpoint('kill.db') >= 500);
    const compute = childOf(child.pid!);
    expect(compute).toBeDefined();
    child.kill('SIGKILL');
    process.kill(compute!, 'SIGKILL');
    expect(await exited).toBe(null);
    const killed = run1('kill.db')!;
    expect(killed.status).toBe('running'); // as the dead process left it
    expect(killed.step).toBeLessThan(STEPS);
    const from = lastCheckpoint('kill.db');

    const r = cli(['resume', '1', '--db', 'kill.db', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`run 1: training on wasm from step ${from}`);
    const summary = JSON.parse(r.stdout) as { status: string; steps: number; final: Final };
    expect(summary).toMatchObject({ status: 'completed', steps: STEPS });
    expectSameFinal(summary.final);
    expect(differences('kill.db')).toEqual([]);
  }, 180_000);
});

describe('Ctrl-C, then grokscope cancel and grokscope resume', () => {
  it('SIGINT leaves the run interrupted at its current step; cancel keeps it resumable; the printed command finishes it', async () => {
    const { child, io, exited } = start(['run', 'run.json', '--db', 'int.db']);
    await until('training', () => (run1('int.db')?.step ?? 0) >= 300);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    const stopped = run1('int.db')!;
    expect(stopped).toMatchObject({ status: 'interrupted', error: `interrupted by SIGINT at step ${stopped.step}` });
    expect(stopped.step).toBeLessThan(STEPS);
    expect(lastCheckpoint('int.db')).toBe(stopped.step); // checkpointed where it stopped: the resume loses nothing
    const resumeCmd = `grokscope resume 1 --db ${tmp.file('int.db')}`;
    expect(io.stderr).toContain(`run 1 can be continued from step ${stopped.step}: ${resumeCmd}`);

    const c = cli(['cancel', '1', '--db', 'int.db']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain(`run 1 cancelled at step ${stopped.step}/${STEPS} (it was interrupted)`);
    expect(c.stderr).toContain(`run 1 can still be resumed from step ${stopped.step}: ${resumeCmd}`);
    expect(run1('int.db')!.status).toBe('cancelled');

    const r = cli([...resumeCmd.split(' ').slice(1), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectSameFinal((JSON.parse(r.stdout) as { final: Final }).final);
    expect(differences('int.db')).toEqual([]);

    const again = cli(['resume', '1', '--db', 'int.db']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`grokscope resume: run 1 in ${tmp.file('int.db')} is completed; there is nothing to resume\n`);
  }, 180_000);

  it('cancels a run that another live grokscope run trains; that process exits 1 saying so', async () => {
    const other = start(['run', 'long.json', '--db', 'live.db']);
    await until('training', () => (run1('live.db')?.step ?? 0) >= 100);
    const c = cli(['cancel', '1', '--db', 'live.db', '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ runId: 1, status: 'cancelled', was: 'running' });
    expect(c.stderr).toMatch(/^run 1 can still be resumed from step \d+: grokscope resume 1 --db /m);
    expect(await other.exited).toBe(1);
    expect(other.io.stderr).toMatch(/\nrun 1: cancelled\n/);
    expect(other.io.stdout).toMatch(/^run 1 cancelled: \d+\/5000000 steps/);
    expect(run1('live.db')!.status).toBe('cancelled');
  }, 120_000);

  it('refuses unknown runs with exit 2, naming the database', () => {
    for (const cmd of ['resume', 'cancel']) {
      const r = cli([cmd, '99', '--db', 'ref.db']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`grokscope ${cmd}: no run with id 99 in ${tmp.file('ref.db')}\n`);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});
