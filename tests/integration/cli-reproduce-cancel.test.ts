// Ctrl-C during `grokscope reproduce` (issue 19) cancels the reproduction as the page's Cancel does: the sweep it
// trains (000-fig2 quick) and its unfinished runs end cancelled, every run stays in the database, no outcome is
// stored, and the command exits 1 (an interrupted command, as `grokscope run` and `sweep`) saying so, without a trace.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sleep, tempDir } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-reproduce-cancel');
afterAll(() => tmp.cleanup());

describe('grokscope reproduce, Ctrl-C', () => {
  it('cancels the sweep it trains, stores no outcome and exits 1', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env['GROKSCOPE_DB'];
    const child = spawn(process.execPath, [BIN, 'reproduce', '000-fig2', '--quick', '--db', tmp.file('r.db')], { cwd: tmp.dir, env });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    const t0 = Date.now();
    while (!/[1-9] running/.test(stderr)) {
      if (Date.now() - t0 > 60_000) throw new Error(`no run trained within a minute: ${stderr}`);
      await sleep(50);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('000-fig2: SIGINT: cancelling the run or sweep it trains');
    expect(stderr).toContain('000-fig2: cancelled; nothing was stored as its outcome, the runs it finished are kept in');
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

    const db = new Database(tmp.file('r.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM sweeps').all()).toEqual([{ status: 'cancelled' }]);
      const runs = db.prepare('SELECT status FROM runs WHERE deleted_at IS NULL').all() as { status: string }[];
      expect(runs).toHaveLength(9);
      expect(runs.filter((r) => ['queued', 'running', 'paused'].includes(r.status))).toEqual([]);
      expect(runs.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(8);
      expect(db.prepare("SELECT COUNT(*) AS n FROM analyses WHERE kind = 'reproduction'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 120_000);
});
