// `grokscope sweep` as users run it: a 3×3 grid with 2 workers runs to the end and prints its grid; a sweep whose
// CLI is killed mid-way resumes when the same command runs again, keeping every finished run untouched; predict mode
// stops every cell exactly at its window with a prediction.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-sweep');
afterAll(() => tmp.cleanup());

const sweepYaml = (mode: string, steps: number) => `name: grid
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  optimizer: { lr: 0.01, weightDecay: 1 }
  training: { steps: ${steps}, evalEvery: 20 }
axes:
  - { path: optimizer.lr, logspace: { from: 0.001, to: 0.01, count: 3 } }
  - { path: optimizer.weightDecay, values: [0.1, 1, 3] }
policy: { mode: ${mode}, window: 60 }
`;

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 240_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

type Row = { id: number; status: string; step: number; finished_at: string | null; total_steps: number };
const runsOf = (db: string): Row[] => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT id, status, step, finished_at, total_steps FROM runs ORDER BY id').all() as Row[];
  } finally {
    d.close();
  }
};

describe('grokscope sweep', () => {
  it('validate accepts a sweep file and names a bad axis path with its line; sweep refuses it with exit 2', () => {
    writeFileSync(tmp.file('ok.yaml'), sweepYaml('predict', 100));
    const ok = cli(['validate', 'ok.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok.yaml: valid sweep config: 9 runs over optimizer.lr × optimizer.weightDecay · predict mode · window 60');
    writeFileSync(tmp.file('bad.yaml'), sweepYaml('predict', 100).replace('path: optimizer.lr,', 'path: optimizer.lrr,'));
    for (const cmd of [
      ['validate', 'bad.yaml'],
      ['sweep', 'bad.yaml', '--db', 'bad.db'],
    ]) {
      const r = cli(cmd);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('bad.yaml:9: axes[0].path: "optimizer.lrr" is not a setting of the base config');
    }
  });

  it('runs a 3×3 grid with 2 workers to the end and prints the grid', () => {
    writeFileSync(tmp.file('full.yaml'), sweepYaml('full', 100));
    const r = cli(['sweep', 'full.yaml', '--workers', '2', '--db', 'full.db']);
    expect(r.stderr).toContain('sweep 1: 9 runs (full mode, 2 workers)');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^optimizer\.lr \\ optimizer\.weightDecay\s+0\.1\s+1\s+3/);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    const runs = runsOf(tmp.file('full.db'));
    expect(runs).toHaveLength(9);
    expect(runs.every((x) => x.status === 'completed' && x.step === 100)).toBe(true);
  }, 240_000);

  it('resumes a killed sweep without re-running its finished runs', async () => {
    writeFileSync(tmp.file('kill.yaml'), sweepYaml('full', 300));
    const db = tmp.file('kill.db');
    const child = spawn(process.execPath, [BIN, 'sweep', 'kill.yaml', '--workers', '2', '--db', db], {
      cwd: tmp.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // wait until some runs have finished, then kill the CLI outright (no chance to clean up)
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (/sweep 1: [3-8]\/9 runs done/.test(stderr)) {
          clearInterval(t);
          resolve();
        }
        if (child.exitCode !== null) reject(new Error(`the sweep ended before it could be killed: ${stderr}`));
      }, 100);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = runsOf(db);
    const finished = before.filter((x) => x.status === 'completed');
    expect(finished.length).toBeGreaterThanOrEqual(3);
    expect(finished.length).toBeLessThan(9);

    const again = cli(['sweep', 'kill.yaml', '--workers', '2', '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`resuming sweep 1: ${finished.length} runs kept`));
    const after = runsOf(db);
    expect(after).toHaveLength(9); // no new runs
    for (const f of finished) expect(after.find((x) => x.id === f.id)).toEqual(f); // untouched: same finish time
    expect(after.every((x) => x.status === 'completed' && x.step === 300)).toBe(true);
  }, 300_000);

  it('predict mode stops every cell after its window, each with a prediction', () => {
    writeFileSync(tmp.file('predict.yaml'), sweepYaml('predict', 400));
    const r = cli(['sweep', 'predict.yaml', '--workers', '2', '--db', 'predict.db', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout);
    expect(view.mode).toBe('predict');
    const runs = view.cells.flatMap((c: { runs: { status: string; step: number; predicted: number | null }[] }) => c.runs);
    expect(runs).toHaveLength(9);
    for (const x of runs) {
      expect(x.status).toBe('cancelled');
      // each run holds at its window by itself: not one update more, however long the prediction took
      expect(x.step).toBe(60);
      expect(x.predicted).not.toBeNull();
    }
  }, 240_000);

  it('window auto asks at the shipped windows in turn: a confident cell stops at the first, a never-confident one holds at each and trains to its budget', () => {
    // the shipped model with its band set: 0 is always confident, 0.5 never (GROKSCOPE_PREDICTOR names a model file)
    const shipped = JSON.parse(readFileSync(join(ROOT, 'resources', 'predictor', 'model.json'), 'utf8'));
    const withBand = (band: number, file: string) => {
      writeFileSync(tmp.file(file), JSON.stringify({ ...shipped, models: shipped.models.map((m: object) => ({ ...m, band })) }));
      return { ...process.env, GROKSCOPE_PREDICTOR: tmp.file(file) };
    };
    const auto = (name: string) => {
      writeFileSync(
        tmp.file(name),
        sweepYaml('predict', 600).replace('window: 60', 'window: auto').replace('count: 3', 'count: 2').replace('[0.1, 1, 3]', '[1]'),
      );
      return name;
    };
    const sure = cli(['sweep', auto('sure.yaml'), '--workers', '2', '--db', 'sure.db', '--json'], withBand(0, 'sure.json'));
    expect(sure.code, sure.stderr).toBe(0);
    const stopped = JSON.parse(sure.stdout).cells.flatMap((c: { runs: { status: string; step: number }[] }) => c.runs);
    expect(stopped.map((x: { status: string; step: number }) => [x.status, x.step])).toEqual([
      ['cancelled', 200],
      ['cancelled', 200],
    ]);
    const unsure = cli(['sweep', auto('unsure.yaml'), '--workers', '2', '--db', 'unsure.db'], withBand(0.5, 'unsure.json'));
    expect(unsure.code, unsure.stderr).toBe(0);
    const d = new Database(tmp.file('unsure.db'), { readonly: true });
    try {
      const runs = d.prepare('SELECT id, status, step FROM runs ORDER BY id').all() as { id: number; status: string; step: number }[];
      // no confident answer at 200 or 400 (the windows below the budget of 600): trained on to the budget, not guessed
      expect(runs.map((x) => [x.status, x.step])).toEqual([
        ['completed', 600],
        ['completed', 600],
      ]);
      // asked at each window in turn, the last at 400
      const atStep = d
        .prepare(
          "SELECT max(json_extract(result_json, '$.atStep')) AS w FROM analyses WHERE kind = 'prediction' GROUP BY run_id ORDER BY run_id",
        )
        .all() as { w: number }[];
      expect(atStep.map((x) => x.w)).toEqual([400, 400]);
    } finally {
      d.close();
    }
  }, 240_000);
});
