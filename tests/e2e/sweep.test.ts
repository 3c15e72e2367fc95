// A sweep end to end in headless Chromium: a 3×3 sweep config dropped on the window starts 9 runs on 2 workers; the
// sweep page's heatmaps fill live until every run is done; the heatmap exports as SVG; clicking a cell opens its
// run. Leaves a screenshot in tests/e2e/artifacts/sweep-page.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { ARTIFACTS, dropOn, gridSweepYaml, openE2E, poll, type E2E } from './helpers';

const SWEEP = gridSweepYaml('e2e grid');

// A predict sweep holds every cell at its window: 2 cells, 40-update window, of a 2000-step budget.
const PREDICT = SWEEP.replace('name: e2e grid', 'name: e2e predict')
  .replace('steps: 120, evalEvery: 20', 'steps: 2000, evalEvery: 10')
  .replace(/axes:[^]*$/, 'axes:\n  - { path: optimizer.lr, values: [0.003, 0.01] }\npolicy: { mode: predict, window: 40 }\n');

let e2e: E2E;
let backend: LocalBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  e2e = await openE2E({ name: 'sweep', viewport: { width: 1300, height: 900 }, maxConcurrent: 2 });
  ({ backend, page, pageErrors } = e2e);
}, 600_000);

afterAll(() => e2e?.close());

describe('a sweep in the browser', () => {
  it('starts from a dropped sweep file, fills its heatmaps live, exports them and opens a cell', async () => {
    await page.goto(e2e.server.url);
    await poll(() => page.getByText('No runs yet').count()).toBe(1);
    expect(await dropOn(page, [{ name: 'grid.yaml', text: SWEEP }])).toBe(true);
    await page.waitForURL(/#\/sweeps\/\d+$/, { timeout: 15_000 });
    const done = page.getByTestId('sweep-done');
    await done.waitFor();
    // live: the count moves while the runs train, without reloading
    const seen = new Set<string>();
    await poll(async () => {
      seen.add(await done.innerText());
      return seen.has('9/9');
    }, 180_000).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(pageErrors).toEqual([]);
    const sweepId = Number(/#\/sweeps\/(\d+)$/.exec(page.url())![1]);
    const view = await backend.handlers['sweeps.get']({ id: sweepId });
    expect(view.cells).toHaveLength(9);
    expect(view.cells.every((c) => c.runs.length === 1 && c.runs[0]!.status === 'completed')).toBe(true);

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export heatmap 1 as SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe(`sweep-${sweepId}-valAcc.svg`);
    const text = readFileSync(await svg.path(), 'utf8');
    expect(text).toContain('optimizer.weightDecay');
    expect(text).toContain('final validation accuracy (%)');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sweep-page.png'), fullPage: true });

    // a click in the middle of the first heatmap opens that cell's run
    const box = (await page.locator('[data-figure="heatmap-0"] .plot').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.45);
    await page.waitForURL(/#\/runs\/\d+$/, { timeout: 10_000 });
    const runId = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
    expect(view.cells.flatMap((c) => c.runs.map((r) => r.id))).toContain(runId);
  }, 300_000);

  it('a predict sweep maps the predicted probability first, states each colour range and shows held cells as held', async () => {
    await page.goto(e2e.server.url);
    expect(await dropOn(page, [{ name: 'predict.yaml', text: PREDICT }])).toBe(true);
    await page.waitForURL(/#\/sweeps\/\d+$/, { timeout: 15_000 });
    await poll(() => page.getByTestId('sweep-done').innerText(), 60_000).toBe('2/2');
    const sweepId = Number(/#\/sweeps\/(\d+)$/.exec(page.url())![1]);
    const view = await backend.handlers['sweeps.get']({ id: sweepId });
    expect(view.cells.every((c) => c.runs[0]!.held && c.runs[0]!.predicted !== null)).toBe(true);

    expect(await page.getByLabel('metric of heatmap 1').inputValue()).toBe('predicted');
    expect(await page.getByTestId('map-note-0').innerText()).toMatch(/^Colours span probability 0 to 1\./);
    expect(await page.getByTestId('map-note-1').innerText()).toMatch(/^Colours span (the filled cells' range|-?[\d.]+ to)/);
    await page.getByLabel('metric of heatmap 2').selectOption('t4');
    await poll(() => page.getByTestId('map-note-1').innerText()).toBe('Colours span 0 to 2000 steps, the training budget.');

    // A held cell's run reads as held, not as a red cancelled error.
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${view.cells[0]!.runs[0]!.id}`);
    await page.getByTestId('run-held').waitFor();
    expect(await page.getByTestId('run-held').innerText()).toMatch(/^held: stopped by sweep \d+ after its 40-update window: predicted/);
    expect(await page.locator('.run-error').count()).toBe(0);
    expect(await page.locator('.badge').innerText()).toBe('HELD');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('names a bad axis value once in the editor, not once per column', async () => {
    await page.goto(`${e2e.server.url.split('?')[0]}#/sweeps/new`);
    await page.getByLabel('rows: spacing').selectOption('values');
    await page.getByLabel('rows: values').fill('0.001, -1');
    await page.getByLabel('columns: spacing').selectOption('values');
    await page.getByLabel('columns: values').fill('0.1, 1, 3');
    await poll(() => page.getByRole('alert').locator('li').allInnerTexts()).toEqual([
      'axes[0]: at lr=-1: optimizer.lr: must be > 0, got -1',
    ]);
  });

  it('builds a sweep in the heatmap editor: axes on rows and columns, + and −, located problems, then starts it', async () => {
    await page.goto(`${e2e.server.url.split('?')[0]}#/sweeps/new`);
    const base = {
      backend: 'wasm',
      task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
      model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
      optimizer: { lr: 0.01, weightDecay: 1 },
      training: { steps: 40, evalEvery: 20 },
    };
    await page.getByLabel('base run config (JSON)').fill(JSON.stringify(base, null, 2));
    await page.getByLabel('rows: spacing').selectOption('values');
    await page.getByLabel('rows: values').fill('0.001, 0.01');
    await page.getByLabel('columns: spacing').selectOption('values');
    await page.getByLabel('columns: values').fill('0.1, 1');
    const cells = page.locator('table.grid tbody td');
    await poll(() => cells.count()).toBe(4);
    await page.getByRole('button', { name: 'one more in columns' }).click();
    await poll(() => cells.count()).toBe(6);
    expect(await page.getByLabel('columns: values').inputValue()).toBe('0.1, 1, 2');
    // the path list offers the base config's numeric settings
    expect(await page.locator('#sweep-paths-rows option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toContain(
      'optimizer.weightDecay',
    );
    await page.getByLabel('rows: config path').fill('optimizer.lrr');
    await poll(() => page.getByRole('alert').innerText()).toContain('axes[0].path: "optimizer.lrr" is not a setting of the base config');
    expect(await page.getByRole('button', { name: 'Start sweep' }).isDisabled()).toBe(true);
    await page.getByLabel('rows: config path').fill('optimizer.lr');
    await page.getByLabel('policy').selectOption('full');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sweep-editor.png') });
    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.waitForURL(/#\/sweeps\/\d+$/, { timeout: 15_000 });
    await poll(() => page.getByTestId('sweep-done').innerText(), 120_000).toBe('6/6');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
