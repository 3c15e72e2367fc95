// The `grokscope` command as users run it: `node bin/grokscope.js …` in a real subprocess.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { tempDir } from './backend-helpers';
import { startServe } from './serve-process';
import { APPLICATION_ID } from '../../src/main/store/migrations';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli');
afterAll(() => tmp.cleanup());
const DB = tmp.file('cli.db');

/** Environment without the caller's database settings, so defaults are the test's to choose. */
const cleanEnv = (extra: Record<string, string> = {}) => {
  const env = { ...process.env, ...extra };
  delete env['GROKSCOPE_DB'];
  delete env['XDG_DATA_HOME'];
  return { ...env, ...extra };
};

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /\n\s+at .+:\d+:\d+/;

const write = (name: string, text: string) => {
  writeFileSync(tmp.file(name), text);
  return name; // relative to the CLI's cwd, as a user would type it
};

const VALID = {
  seed: 2,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
  optimizer: { lr: 0.003, weightDecay: 1 },
  training: { steps: 200, evalEvery: 10 },
};

describe('grokscope validate', () => {
  it('exits 0 for a valid JSON or YAML file', () => {
    const r = cli(['validate', write('ok.json', JSON.stringify(VALID, null, 2))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok.json: valid run config: a+b mod 11, r=0.5 · mlp 1x32 e8 relu · 200 steps');
    const y = cli([
      'validate',
      write('ok.yaml', 'task: {kind: modular, op: mul, p: 13}\nmodel: {kind: transformer, layers: 1}\ntraining: {steps: 50}\n'),
    ]);
    expect(y.code).toBe(0);
  });

  it('exits 2 for broken JSON, naming the file and the line', () => {
    const r = cli(['validate', write('broken.json', '{\n  "task": {"kind": "modular",\n  "model": }\n}')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json:3: \(document\): not valid JSON/);
    expect(r.stderr).not.toMatch(STACK);
  });

  const cases: [string, (c: typeof VALID) => unknown, RegExp][] = [
    [
      'wrong types',
      (c) => ({ ...c, training: { ...c.training, steps: 'many' } }),
      /wrong types\.json:\d+: training\.steps: must be number, got "many"/,
    ],
    ['unknown keys', (c) => ({ ...c, model: { ...c.model, widht: 64 } }), /unknown keys\.json:\d+: model\.widht: unknown key/],
    [
      'p not prime for div',
      (c) => ({ ...c, task: { ...c.task, op: 'div', p: 12 } }),
      /p not prime for div\.json:\d+: task\.p: must be prime for op "div", got 12/,
    ],
    [
      'r outside (0,1)',
      (c) => ({ ...c, task: { ...c.task, trainFraction: 1.2 } }),
      /r outside \(0,1\)\.json:\d+: task\.trainFraction: must be < 1, got 1\.2/,
    ],
    ['r zero', (c) => ({ ...c, task: { ...c.task, trainFraction: 0 } }), /r zero\.json:\d+: task\.trainFraction: must be > 0, got 0/],
  ];
  for (const [name, mutate, expected] of cases)
    it(`exits 2 for ${name}, with file, line, path and problem`, () => {
      const r = cli(['validate', write(`${name}.json`, JSON.stringify(mutate(VALID), null, 2))]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(STACK);
    });

  it('reports the line of the problem in a multi-line file', () => {
    const text = JSON.stringify({ ...VALID, optimizer: { lr: -1, weightDecay: 1 } }, null, 2);
    const line = text.split('\n').findIndex((l) => l.includes('"lr"')) + 1;
    const r = cli(['validate', write('lr.json', text)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lr.json:${line}: optimizer.lr: must be > 0, got -1`);
  });

  it('exits 2 for a missing file, unknown flags, missing or extra arguments and unknown commands', () => {
    for (const args of [
      ['validate', 'nope.json'],
      ['validate', 'ok.json', '--fast'],
      ['validate'],
      ['validate', 'a', 'b'],
      ['frobnicate'],
      [],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(STACK);
    }
    expect(cli(['validate', 'nope.json']).stderr).toContain('nope.json: no such file');
    expect(cli(['validate', 'ok.json', '--fast']).stderr).toContain('unknown option "--fast"');
  });

  it('prints help with exit 0', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['validate FILE', 'run FILE', 'list', 'show RUN', 'export RUN', 'serve']) expect(r.stdout).toContain(c);
    expect(cli(['run', '--help']).stdout).toContain('--steps N');
  });
});

describe('grokscope run / list / show / export', () => {
  let runId = 0;

  it('run --json trains and prints one parsable summary on stdout, progress on stderr', () => {
    const r = cli(['run', write('run.json', JSON.stringify(VALID)), '--db', DB, '--steps', '300', '--json']);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ status: 'completed', backend: 'wasm', steps: 300, totalSteps: 300, error: null, db: DB });
    expect(s.runId).toBeGreaterThan(0);
    for (const k of ['t1', 't2', 't3', 't4', 't2_99', 't4_99']) expect(s).toHaveProperty(k);
    expect(s.t2).toEqual(expect.any(Number));
    expect(s.final.trainAcc).toBe(1);
    expect(s.wallTimeS).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/run \d+: training on wasm/);
    expect(r.stderr).toMatch(/step 300\/300/); // plain progress lines (stderr is not a TTY here)
    runId = s.runId;
  });

  it('run exits 2 for invalid overrides and 1 for a database from a newer Grokscope', () => {
    const bad = cli(['run', 'run.json', '--db', DB, '--steps', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--steps must be an integer from 1 to 10000000, got "0"');
    expect(cli(['run', 'run.json', '--db', DB, '--backend', 'gpu']).stderr).toContain(
      '--backend must be one of auto, webgpu, wasm, cpu, tensorflow',
    );
    const newer = tmp.file('newer.db');
    const raw = new Database(newer);
    // a newer Grokscope's file carries our application id; without it the file is another program's
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.pragma('user_version = 999');
    raw.close();
    const r = cli(['run', 'run.json', '--db', newer]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/schema version 999, newer than this Grokscope understands/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('list and show print the stored run, as text or JSON', () => {
    const list = cli(['list', '--db', DB, '--json']);
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.stdout);
    expect(runs).toEqual([expect.objectContaining({ id: runId, status: 'completed', step: 300 })]);
    expect(cli(['list', '--db', DB]).stdout).toMatch(new RegExp(`^${runId}\\s+completed\\s+300/300`, 'm'));

    const show = cli(['show', String(runId), '--db', DB, '--json']);
    expect(show.code).toBe(0);
    const detail = JSON.parse(show.stdout);
    expect(detail).toMatchObject({ id: runId, status: 'completed', backend: 'wasm', config: { training: { steps: 300 } } });
    expect(detail.checkpoints.at(-1).step).toBe(300);
    expect(cli(['show', String(runId), '--db', DB]).stdout).toContain(`run ${runId}:`);

    const missing = cli(['show', '9999', '--db', DB]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no run with id 9999 in ${DB}`);
    expect(cli(['show', 'abc', '--db', DB]).code).toBe(2);
  });

  it('export writes SVG, PNG and CSV figures of the stored run', () => {
    const svg = cli(['export', String(runId), '--figure', 'loss', '--format', 'svg', '--out', 'fig/loss.svg', '--db', DB]);
    expect(svg.stderr).not.toMatch(STACK);
    expect(svg.code).toBe(0);
    const svgText = readFileSync(tmp.file('fig/loss.svg'), 'utf8');
    expect(svgText).toMatch(/^<svg[\s>]/);
    expect(svgText).toContain('train');

    expect(cli(['export', String(runId), '--figure', 'accuracy', '--format', 'png', '--out', 'fig/acc.png', '--db', DB]).code).toBe(0);
    expect(readFileSync(tmp.file('fig/acc.png')).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    expect(cli(['export', String(runId), '--figure', 'accuracy', '--format', 'csv', '--out', 'fig/acc.csv', '--db', DB]).code).toBe(0);
    const csv = readFileSync(tmp.file('fig/acc.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,train_acc,val_acc');
    expect(csv).toHaveLength(1 + 31); // every evaluation, full resolution

    const badFigure = cli(['export', String(runId), '--figure', 'losses', '--format', 'svg', '--out', 'x.svg', '--db', DB]);
    expect(badFigure.code).toBe(2);
    expect(badFigure.stderr).toContain('--figure must be one of loss, accuracy, weight-norm, grad-norm');
    expect(cli(['export', String(runId), '--figure', 'loss', '--db', DB]).stderr).toContain('needs --format svg|png|csv, --out FILE');
    expect(cli(['export', '777', '--figure', 'loss', '--format', 'svg', '--out', 'x.svg', '--db', DB]).code).toBe(2);
  });
});

describe('the default database', () => {
  it('is $GROKSCOPE_DB, else $XDG_DATA_HOME/grokscope/grokscope.db, else ~/.local/share/grokscope/grokscope.db', () => {
    // `list` only reads: it names the database it looked for and creates none
    const viaEnv = tmp.file('env/explicit.db');
    mkdirSync(tmp.file('env'), { recursive: true });
    for (const [env, path] of [
      [{ GROKSCOPE_DB: viaEnv }, viaEnv],
      [{ XDG_DATA_HOME: tmp.file('xdg') }, tmp.file('xdg/grokscope/grokscope.db')],
      [{ HOME: tmp.file('home') }, tmp.file('home/.local/share/grokscope/grokscope.db')],
    ] as const) {
      const r = cli(['list', '--json'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no database at ${path}`);
      expect(existsSync(path)).toBe(false);
    }
  });
});

describe('signals', () => {
  it('Ctrl-C during run stops the run cleanly, interrupted and resumable, and exits 1', async () => {
    const db = tmp.file('sigint.db');
    const file = write('long.json', JSON.stringify({ ...VALID, training: { steps: 1_000_000, evalEvery: 10 } }));
    // detached: its own process group, so a signal to the group is what a terminal's Ctrl-C does
    const child = spawn(process.execPath, [BIN, 'run', file, '--db', db, '--json'], { cwd: tmp.dir, env: cleanEnv(), detached: true });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no progress within 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/run \d+: training on wasm/.test(stderr)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1000)); // let it train a little
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/SIGINT: stopping run \d+ at its current step/);
    const summary = JSON.parse(stdout);
    expect(summary.status).toBe('interrupted');
    expect(summary.steps).toBeGreaterThan(0);
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT status FROM runs').get()).toEqual({ status: 'interrupted' });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('serve prints its URL with a token, answers, and stops cleanly on SIGTERM', async () => {
    const serve = startServe(tmp.file('serve.db'), tmp.dir, cleanEnv());
    const url = (await serve.url).href;
    const res = await fetch(url);
    expect([200, 503]).toContain(res.status); // 503 (a page saying so) when the renderer is not built
    // the API answers over the WebSocket with the printed token, from the database given with --db
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ id: 1, method: 'app.info', params: {} }));
    const reply = JSON.parse(String(await new Promise((resolve) => ws.once('message', resolve))));
    expect(reply).toMatchObject({ id: 1, ok: true, result: { mode: 'browser', dbPath: tmp.file('serve.db') } });
    ws.close();
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toContain('SIGTERM: stopping');
  });
});
