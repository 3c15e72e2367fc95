// What the CLI prints and writes, against hostile or mistaken input: control characters in run names and file names
// reach the terminal escaped, export never overwrites a file by accident, an oversized model is refused before it
// trains, and a batch larger than the training set is said out loud.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-safety');
afterAll(() => tmp.cleanup());
const DB = tmp.file('safety.db');

function cli(args: string[]) {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env['GROKSCOPE_DB'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Any character a terminal could act on, apart from the newlines between lines. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const EVIL_NAME = 'evil\x1b[2J\x1b[Hname\rHIDDEN\u202etxt.exe\u009b';

const write = (name: string, v: unknown) => {
  writeFileSync(tmp.file(name), typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  return name;
};

const config = (over: Record<string, unknown> = {}) => ({
  seed: 2,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
  optimizer: { lr: 0.003, weightDecay: 1 },
  training: { steps: 30, evalEvery: 10, batchSize: 512 },
  ...over,
});

let runId = 0;
beforeAll(() => {
  const r = cli(['run', write('evil.json', config({ name: EVIL_NAME })), '--db', DB, '--json']);
  expect(r.code, r.stderr).toBe(0);
  runId = (JSON.parse(r.stdout) as { runId: number }).runId;
  expect(JSON.parse(r.stdout).name).toBe(EVIL_NAME); // --json keeps the data exactly
}, 120_000);

describe('control characters in names', () => {
  it('list and show print the name escaped, never raw', () => {
    for (const args of [
      ['list', '--db', DB],
      ['show', String(runId), '--db', DB],
    ]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stdout).toContain('evil\\x1b[2J\\x1b[Hname\\x0dHIDDEN\\u202etxt.exe\\x9b');
    }
  });

  it('--json output escapes C1 and bidi characters as \\u escapes and still parses to the same name', () => {
    const r = cli(['show', String(runId), '--db', DB, '--json']);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(r.stdout).name).toBe(EVIL_NAME);
  });

  it('a file name with control characters is echoed escaped in the error', () => {
    const r = cli(['validate', 'no\x1b[31msuch\u202e.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('no\\x1b[31msuch\\u202e.json');
  });
});

describe('batchSize larger than the training set', () => {
  it('the run says every step uses the full training set (show)', () => {
    const r = cli(['show', String(runId), '--db', DB]);
    expect(r.stdout).toContain('batchSize 512 is larger than the training set (60 examples): every step uses the full training set');
  });

  it('validate warns on stderr and still accepts the file', () => {
    const r = cli(['validate', write('big-batch.json', config())]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('training.batchSize: 512 is larger than the training set (60 examples)');
  });
});

describe('export safety', () => {
  it('refuses to overwrite an existing --out file without --force, and overwrites with it', () => {
    const out = tmp.file('fig.svg');
    writeFileSync(out, 'precious');
    const r = cli(['export', String(runId), '--figure', 'loss', '--format', 'svg', '--out', out, '--db', DB]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out} already exists`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const f = cli(['export', String(runId), '--figure', 'loss', '--format', 'svg', '--out', out, '--force', '--db', DB]);
    expect(f.code, f.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<svg');
  });

  it('refuses a --format that contradicts the file extension', () => {
    const r = cli(['export', String(runId), '--figure', 'loss', '--format', 'svg', '--out', tmp.file('fig.png'), '--db', DB]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format svg.*fig\.png.*\.png/);
    expect(existsSync(tmp.file('fig.png'))).toBe(false);
  });

  it('--all refuses to overwrite figure files already in DIR without --force', () => {
    const dir = tmp.file('figs');
    const first = cli(['export', String(runId), '--all', '--out', dir, '--db', DB]);
    expect(first.code, first.stderr).toBe(0);
    const names = readdirSync(dir);
    writeFileSync(join(dir, names[0]!), 'precious');
    const again = cli(['export', String(runId), '--all', '--out', dir, '--db', DB]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist');
    expect(readFileSync(join(dir, names[0]!), 'utf8')).toBe('precious');
    expect(cli(['export', String(runId), '--all', '--out', dir, '--force', '--db', DB]).code).toBe(0);
  });
});

describe('models too big for the backend', () => {
  it('validate refuses p = 997 with the estimate in the message, before any training', () => {
    const t0 = Date.now();
    const big = config({ task: { kind: 'modular', op: 'add', p: 997 }, model: { kind: 'transformer' }, training: { steps: 10 } });
    const r = cli(['validate', write('p997.json', big)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/task\.p: a modular task with p = 997 needs about [\d.]+ GiB on the wasm backend/);
    expect(r.stderr).toContain('which can address at most 4 GiB');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('run judges --backend as if the file said it: a cpu config moved to wasm is refused before a run is stored', () => {
    const big = config({ backend: 'cpu', task: { kind: 'modular', op: 'add', p: 997 }, model: { kind: 'mlp' }, training: { steps: 10 } });
    const r = cli(['run', write('p997-cpu.json', big), '--backend', 'wasm', '--db', 'moved.db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p997-cpu\.json:\d+: task\.p: a modular task with p = 997 needs about [\d.]+ GiB on the wasm backend/);
    expect(existsSync(join(tmp.dir, 'moved.db'))).toBe(false);
  });
});
