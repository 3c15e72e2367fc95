// A run's page while it trains, in headless Chromium: checkpoints stored since the page opened are listed and the
// probes may use them, and the duration grows.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { openE2E, poll, type E2E } from './helpers';

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

  it('ran without console errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
