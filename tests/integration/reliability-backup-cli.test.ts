// grokscope export-run / import-run as users run them: a run trained by `grokscope run` goes to one file and into
// another database, where `grokscope show` prints the same run; bad requests exit 2 with a message.
import { afterAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './backend-helpers';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'grokscope.js');
const tmp = tempDir('backup-cli');
afterAll(() => tmp.cleanup());

const cli = (...args: string[]) => {
  const env = { ...process.env };
  delete env['GROKSCOPE_DB'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

it('export-run writes one file that import-run brings into another database, where show prints the same run', () => {
  const config = {
    seed: 2,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    training: { steps: 100, evalEvery: 10, checkpointEvery: 50 },
  };
  writeFileSync(tmp.file('c.json'), JSON.stringify(config));
  expect(cli('run', 'c.json', '--db', 'a.db').code).toBe(0);
  const ex = cli('export-run', '1', '--out', 'run1.grokscope', '--db', 'a.db', '--json');
  expect(ex.code).toBe(0);
  expect(JSON.parse(ex.stdout)).toMatchObject({ runId: 1, rows: { runs: 1, checkpoints: 2 } });

  expect(cli('import-run', 'run1.grokscope', '--db', 'b.db').code).toBe(0);
  const im = cli('import-run', 'run1.grokscope', '--db', 'b.db', '--json'); // a second copy: new id
  expect(im.code).toBe(0);
  expect(JSON.parse(im.stdout)).toMatchObject({ runIds: [2] });
  const a = JSON.parse(cli('show', '1', '--db', 'a.db', '--json').stdout) as Record<string, unknown>;
  const b = JSON.parse(cli('show', '2', '--db', 'b.db', '--json').stdout) as Record<string, unknown>;
  for (const k of ['config', 'status', 'step', 'final', 'phases', 'checkpoints', 'backend']) expect(b[k]).toEqual(a[k]);

  const missing = cli('export-run', '9', '--out', 'x.grokscope', '--db', 'a.db');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('grokscope export-run: no run with id 9');
  const notDb = cli('import-run', 'c.json', '--db', 'b.db');
  expect(notDb.code).toBe(2);
  expect(notDb.stderr).toMatch(/c\.json is not a Grokscope database: it is not an SQLite file/);
}, 120_000);
