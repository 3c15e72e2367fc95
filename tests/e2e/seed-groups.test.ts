// Seed groups in headless Chromium: three runs that differ only in their seed and one with another learning rate,
// compared with "group seeds" on: the three draw as one mean with a min–max band (then ±1 std), the other alone, and
// the phases table gives each group's t1..t4 as mean ± std; grouped by a chosen setting (the seed) instead, the
// groups follow its values. Leaves tests/e2e/artifacts/seed-group.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phaseStats } from '../../src/shared/analysis/seed-groups';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { ARTIFACTS, openE2E, poll, type E2E, waitCompleted } from './helpers';

const config = (name: string, lr: number, seed: number) =>
  RunConfigSchema.parse({
    name,
    seed,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    optimizer: { lr, weightDecay: 1 },
    training: { steps: 60, evalEvery: 10 },
  });

let e2e: E2E;
let page: Page;
const ids: number[] = [];

beforeAll(async () => {
  e2e = await openE2E({ name: 'seed-groups', viewport: { width: 1300, height: 900 }, maxConcurrent: 2 });
  page = e2e.page;
  for (const [name, lr, seed] of [
    ['seed 0', 1e-2, 0],
    ['seed 1', 1e-2, 1],
    ['seed 2', 1e-2, 2],
    ['slow', 1e-3, 0],
  ] as const)
    ids.push((await e2e.backend.handlers['runs.create']({ config: config(name, lr, seed) })).id);
  await waitCompleted(e2e, ids);
}, 600_000);

afterAll(() => e2e?.close());

describe('seed groups', () => {
  it('draws three seeds as a mean with a band and gives their phases as mean ± std', async () => {
    await page.goto(e2e.server.url);
    await page.goto(`${e2e.server.url.split('?')[0]}#/compare/${ids.join(',')}`);
    await page.locator('[data-figure="compare"] canvas').first().waitFor();
    await page.getByLabel('group seeds').check();
    await poll(() => page.locator('[data-figure="compare"] .fig-count').innerText()).toBe('4 runs in 2 seed groups');

    const seeds = ids.slice(0, 3);
    const label = `${seeds.map((id) => `#${id}`).join(', ')} · lr=0.01 (3 seeds)`;
    const table = page.getByRole('table', { name: 'phases of the groups' });
    const row = table.locator(`tr[data-group="${seeds.join(',')}"]`);
    expect(await row.locator('th').innerText()).toContain(label);
    expect(await table.locator(`tr[data-group="${ids[3]}"] th`).innerText()).toContain(`#${ids[3]} · lr=0.001 (1 seed)`);
    const stored = await Promise.all(seeds.map(async (id) => (await e2e.backend.handlers['runs.get']({ id })).phases));
    const stats = phaseStats(stored);
    for (const k of ['t1', 't2', 't3', 't4'] as const) {
      const s = stats[k];
      const text = s.mean === null ? 'not reached (0/3)' : `${Math.round(s.mean)} ± ${Math.round(s.std!)}`;
      expect(await row.locator(`td[data-phase="${k}"]`).innerText()).toContain(text);
    }

    // The exported figure: the group's legend entry, and a filled band (the shade under the mean) per group.
    const exportSvg = async () => {
      const [svg] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'export the validation accuracy (%) as SVG' }).click(),
      ]);
      return readFileSync(await svg.path(), 'utf8');
    };
    const minmax = await exportSvg();
    expect(minmax).toContain(label);
    expect(minmax.match(/fill-opacity="0.2"/g)?.length).toBe(2);
    await page.getByLabel('seed band').selectOption('std');
    await poll(exportSvg).not.toBe(minmax);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'seed-group.png'), fullPage: true });

    // Grouped by a chosen setting instead: the seed, so seed 0 of both learning rates is one group.
    await page.getByLabel('group by').selectOption('seed');
    await poll(() => page.locator('[data-figure="compare"] .fig-count').innerText()).toBe('4 runs in 3 groups');
    expect(await table.locator(`tr[data-group="${ids[0]},${ids[3]}"] th`).innerText()).toContain(
      `seed=0 · #${ids[0]}, #${ids[3]} (2 runs)`,
    );
    expect(e2e.pageErrors).toEqual([]);
  });
});
