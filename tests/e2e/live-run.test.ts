// A run's page while it trains, in headless Chromium: checkpoints stored since the page opened are listed and the
// probes may use them, and the duration grows. A run that `grokscope run --db` trains in another process on the same
// database appears in the open list and streams its curves without a reload.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { openE2E, poll, REPO, type E2E } from './helpers';

// Long enough to be still running when checked; a checkpoint every 40 steps arrives within a second or two on wasm.
const LONG_RUN = RunConfigSchema.parse({
  name: 'live checkpoints',
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.8 },
  model: { kind: 'mlp', embedDim: 16, width: 32, depth: 1 },
  optimizer: { lr: 1e-2 },
  training: { steps: 200_000, evalEvery: 20, checkpointEvery: 40 },
});

let e2e: E2E;
let backend: LocalBackend;
let page: Page;

beforeAll(async () => {
  e2e = await openE2E({ name: 'live', viewport: { width: 1300, height: 900 } });
  ({ backend, page } = e2e);
  await page.goto(e2e.server.url);
}, 600_000);

afterAll(() => e2e?.close());

const fact = (name: string) => page.locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) }).locator('td');

describe('a live run', () => {
  it('lists the checkpoints stored while its page is open, lets the probes use them, and counts its duration', async () => {
    const { id } = await backend.handlers['runs.create']({ config: LONG_RUN });
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${id}`);
    await poll(() => page.locator(`section.run[data-run-id="${id}"]`).count()).toBe(1);
    // Opened before the first checkpoint: nothing to list yet.
    await poll(async () => (await backend.handlers['runs.get']({ id })).checkpoints.length, 30_000).toBeGreaterThanOrEqual(2);
    expect((await backend.handlers['runs.get']({ id })).status).toBe('running');

    await poll(async () => /^\d/.test(await fact('checkpoints').innerText())).toBe(true);
    await poll(() => page.getByRole('button', { name: 'Compute Hessian eigenvalues' }).isEnabled()).toBe(true);
    expect(await page.getByText('The run has no stored checkpoints').count()).toBe(0);
    await poll(async () => /^[1-9]\d*s$|m/.test(await fact('duration').innerText())).toBe(true);

    await backend.handlers['runs.cancel']({ id });
    await poll(async () => (await backend.handlers['runs.get']({ id })).status).toBe('cancelled');
  });

  it('shows a run another process trains on the same database, live, without a reload', async () => {
    await page.goto(e2e.server.url);
    await page.locator('h1', { hasText: 'Runs' }).waitFor();
    const file = path.join(e2e.dir, 'other.json');
    writeFileSync(
      file,
      JSON.stringify({ ...LONG_RUN, name: 'from a terminal', training: { steps: 6000, evalEvery: 20, checkpointEvery: 2000 } }),
    );
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'grokscope.js'), 'run', file, '--db', path.join(e2e.dir, 'runs.db')], {
      stdio: 'ignore',
      env: { ...process.env, GROKSCOPE_WORKERS: '0' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const row = page.locator('tr[data-run-id]', { hasText: 'from a terminal' });
      await row.waitFor({ timeout: 30_000 });
      const id = Number(await row.getAttribute('data-run-id'));
      await row.click();
      await page.waitForURL(new RegExp(`#/runs/${id}$`));
      // The curves fill while the other process trains: more points than when the page opened.
      const points = () => page.locator('[data-figure="loss"]').getAttribute('data-points').then(Number);
      const first = await points();
      await poll(points, 30_000).toBeGreaterThan(first);
      await poll(() => page.locator(`section.run[data-run-id="${id}"]`).getAttribute('data-status'), 45_000).toBe('completed');
      expect(await exited).toBe(0);
      await page.goto(`${e2e.server.url.split('?')[0]}#/`);
      await poll(() => row.locator('.badge').innerText()).toBe('COMPLETED');
    } finally {
      child.kill();
    }
  }, 60_000);

  it('ran without console errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
