// The sweep page's run table and axis editor in headless Chromium (issue 18, deliver 5): every cell's run is a row with
// its settings, status and phases, linking to the run, whose page links back to the sweep; adding an lr value runs
// only the new cells (the old runs keep their rows, steps and finish times); the edit can start a new sweep instead.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openE2E, poll, waitCompleted, type E2E } from './helpers';

const SWEEP = `name: e2e table
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 16, depth: 1 }
  optimizer: { lr: 0.01, weightDecay: 1 }
  training: { steps: 40, evalEvery: 10 }
axes:
  - { path: optimizer.lr, values: [0.001, 0.01] }
  - { path: optimizer.weightDecay, values: [1] }
policy: { mode: full }
`;

let e2e: E2E;
let page: Page;

beforeAll(async () => {
  e2e = await openE2E({ name: 'sweep-runs', viewport: { width: 1300, height: 1000 }, maxConcurrent: 2 });
  page = e2e.page;
}, 600_000);

afterAll(() => e2e?.close());

const rowIds = () =>
  page.locator('[data-testid="sweep-runs"] tr[data-run-id]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-run-id'))));
const rowOf = (id: number) => page.locator(`[data-testid="sweep-runs"] tr[data-run-id="${id}"]`);

describe('the sweep page’s runs', () => {
  it('lists every cell’s run with its settings, links to it and back, and extending lr runs only the new cell', async () => {
    const h = e2e.backend.handlers;
    const { id, runIds } = await h['sweeps.createFromFile']({ name: 'table.yaml', text: SWEEP });
    await waitCompleted(e2e, runIds, 120);
    await page.goto(e2e.server.url); // the token, once
    await page.goto(`${e2e.server.url.split('?')[0]}#/sweeps/${id}`);
    await poll(rowIds).toEqual(runIds);
    const [slow, fast] = runIds as [number, number];
    // settings, status and phases of each row, as stored
    const cells = await rowOf(slow).locator('td').allInnerTexts();
    expect(cells.slice(0, 5).map((t) => t.trim())).toEqual([`#${slow}`, '1e-3', '1', '0', 'COMPLETED']);
    expect(cells[5]).toBe('40 / 40');
    const stored = e2e.backend.store.runs.get(fast)!;
    expect(await rowOf(fast).locator('td').nth(7).innerText()).toBe(stored.phases?.t4 === null ? '–' : String(stored.phases!.t4));

    // the row's link opens the run; the run's page links back to its sweep
    await rowOf(fast)
      .getByRole('link', { name: `#${fast}` })
      .click();
    await page.waitForURL(new RegExp(`#/runs/${fast}$`));
    const back = page.getByTestId('run-sweep');
    expect(await back.innerText()).toBe(`sweep #${id}`);
    await back.click();
    await page.waitForURL(new RegExp(`#/sweeps/${id}$`));
    await poll(rowIds).toEqual(runIds);

    // add lr = 0.003 between the two: one new cell, run alone; the old runs are not trained again
    const before = runIds.map((r) => e2e.backend.store.runs.get(r)!);
    await page.getByText('Edit axes').click();
    const add = page.getByLabel('add values to optimizer.lr');
    await add.fill('0.01, abc');
    await poll(() => page.getByRole('alert').innerText()).toContain('"abc" is not a number');
    expect(await page.getByRole('button', { name: 'Run the new cells' }).isDisabled()).toBe(true);
    await add.fill('0.003');
    expect(await page.getByTestId('new-cells').innerText()).toBe('1 new cell × 1 seed');
    await page.getByRole('button', { name: 'Run the new cells' }).click();
    await poll(async () => (await rowIds()).length).toBe(3);
    const all = e2e.backend.store.sweeps.runIds(id);
    expect(all).toHaveLength(3);
    const added = all.find((r) => !runIds.includes(r))!;
    // grid order: the new run sits between the two old ones
    expect(await rowIds()).toEqual([slow, added, fast]);
    expect(e2e.backend.store.runs.get(added)!.config.optimizer.lr).toBe(0.003);
    await waitCompleted(e2e, [added], 120);
    await poll(() => page.getByTestId('sweep-done').innerText()).toBe('3/3');
    for (const r of before) {
      const now = e2e.backend.store.runs.get(r.id)!;
      expect([now.status, now.step, now.startedAt, now.finishedAt]).toEqual([r.status, r.step, r.startedAt, r.finishedAt]);
    }
    expect(await page.locator('[data-figure="heatmap-0"]').count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sweep-runs.png'), fullPage: true });

    // the same edit with another weight decay, as a new sweep: every cell of it runs there
    await page.getByLabel('add values to optimizer.weightDecay').fill('0.3');
    expect(await page.getByTestId('new-cells').innerText()).toBe('3 new cells × 1 seed');
    await page.getByRole('button', { name: 'Start as a new sweep' }).click();
    await page.waitForURL((u) => /#\/sweeps\/(\d+)$/.test(u.hash) && !u.hash.endsWith(`/${id}`));
    const copy = Number(/#\/sweeps\/(\d+)$/.exec(page.url())![1]);
    await poll(async () => (await rowIds()).length).toBe(6);
    expect(e2e.backend.store.sweeps.runIds(id)).toHaveLength(3);
    await h['runs.cancel']({ id: e2e.backend.store.sweeps.runIds(copy)[0]! }).catch(() => undefined);
    expect(e2e.pageErrors).toEqual([]);
  }, 300_000);
});
