// Comparing runs in headless Chromium: three runs chosen in the list (a click and a shift-click for the range), one
// chart with a colour and a legend entry per run naming its differing settings, and the table of those settings.
// Leaves a screenshot in tests/e2e/artifacts/compare-page.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { ARTIFACTS, openE2E, poll, type E2E, waitCompleted } from './helpers';

const config = (name: string, lr: number, weightDecay: number) =>
  RunConfigSchema.parse({
    name,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    optimizer: { lr, weightDecay },
    training: { steps: 60, evalEvery: 10 },
  });

let e2e: E2E;
let page: Page;
const ids: number[] = [];

beforeAll(async () => {
  e2e = await openE2E({ name: 'compare', viewport: { width: 1300, height: 900 }, maxConcurrent: 2 });
  page = e2e.page;
  for (const [name, lr, wd] of [
    ['slow', 1e-3, 1],
    ['fast', 1e-2, 1],
    ['fast, no decay', 1e-2, 0],
  ] as const)
    ids.push((await e2e.backend.handlers['runs.create']({ config: config(name, lr, wd) })).id);
  await waitCompleted(e2e, ids);
}, 600_000);

afterAll(() => e2e?.close());

describe('compare runs', () => {
  it('chooses three runs with a click and a shift-click and overlays their curves with their differing settings', async () => {
    await page.goto(e2e.server.url);
    const box = (id: number) => page.getByLabel(`choose run ${id} to compare`);
    await box(ids[0]!).click();
    await box(ids[2]!).click({ modifiers: ['Shift'] });
    expect(await box(ids[1]!).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Compare 3' }).click();
    await page.waitForURL(new RegExp(`#/compare/${ids.join(',')}$`));
    await page.locator('[data-figure="compare"] canvas').first().waitFor();

    const table = page.getByRole('table', { name: 'settings that differ' });
    await poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator('tr[data-path="optimizer.lr"] td').allInnerTexts()).toEqual(['0.001', '0.01', '0.01']);
    expect(await table.locator('tr[data-path="optimizer.weightDecay"] td').allInnerTexts()).toEqual(['1', '1', '0']);

    // The exported figure has one legend entry per run with what differs.
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export the validation accuracy (%) as SVG' }).click(),
    ]);
    const text = readFileSync(await svg.path(), 'utf8');
    for (const label of [
      `#${ids[0]} slow · lr=0.001, weightDecay=1`,
      `#${ids[1]} fast · lr=0.01, weightDecay=1`,
      `#${ids[2]} fast, no decay · lr=0.01, weightDecay=0`,
    ])
      expect(text).toContain(label);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-page.png'), fullPage: true });
    await page.getByLabel('metric to compare').selectOption('train_loss');
    await page.getByRole('button', { name: 'export the training loss as SVG' }).waitFor();
    expect(e2e.pageErrors).toEqual([]);
  });
});
