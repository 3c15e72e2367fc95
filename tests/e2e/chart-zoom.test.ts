// The run page's charts in headless Chromium: the wheel zooms one chart's steps and every other chart shows the same
// steps; a box dragged on another zooms them all again; "reset zoom" shows all steps. Exports are titled with the
// run's id and name, and log y is a switch per chart. A run without points yet shows no empty charts. Leaves
// tests/e2e/artifacts/run-zoom.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { ARTIFACTS, openE2E, poll, type E2E, waitCompleted } from './helpers';

const config = (name: string, steps: number) =>
  RunConfigSchema.parse({
    name,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    optimizer: { lr: 1e-2 },
    training: { steps, evalEvery: 10 },
  });

let e2e: E2E;
let page: Page;
let id: number;

beforeAll(async () => {
  e2e = await openE2E({ name: 'chart-zoom', viewport: { width: 1300, height: 900 }, maxConcurrent: 1 });
  page = e2e.page;
  id = (await e2e.backend.handlers['runs.create']({ config: config('zoom me', 400) })).id;
  await waitCompleted(e2e, [id]);
}, 600_000);

afterAll(() => e2e?.close());

const range = (figure: string) => page.locator(`[data-figure="${figure}"]`).getAttribute('data-x-range');
const plot = async (figure: string) => (await page.locator(`[data-figure="${figure}"] .plot`).boundingBox())!;

describe('run page charts', () => {
  it('zooms the steps of every chart with the wheel or a box, and resets them', async () => {
    await page.goto(e2e.server.url);
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${id}`);
    await page.locator('[data-figure="loss"] canvas').first().waitFor();
    await poll(() => page.locator('[data-figure][data-points]').count()).toBe(7);
    expect(await range('loss')).toBe('all');

    // The wheel over the middle of the loss plot zooms in around it; the accuracy chart follows to the same steps.
    const loss = await plot('loss');
    await page.mouse.move(loss.x + loss.width / 2, loss.y + loss.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await poll(() => range('loss')).not.toBe('all');
    const zoomed = (await range('loss'))!;
    const [from, to] = zoomed.split('–').map(Number) as [number, number];
    expect(from).toBeGreaterThan(0);
    expect(to).toBeLessThan(400);
    for (const figure of ['accuracy', 'weight-norm', 'grad-norm']) await poll(() => range(figure)).toBe(zoomed);
    expect(await page.getByTestId('zoom').innerText()).toContain(`steps ${zoomed}`);

    // A box dragged over the left half of the accuracy plot's steps: narrower still, and the loss chart follows.
    await page.getByRole('button', { name: 'reset zoom' }).click();
    await poll(() => range('loss')).toBe('all');
    await poll(() => range('accuracy')).toBe('all');
    const acc = await plot('accuracy');
    const y = acc.y + acc.height / 2;
    await page.mouse.move(acc.x + 100, y);
    await page.mouse.down();
    for (let k = 1; k <= 5; k++) await page.mouse.move(acc.x + 100 + (k * (acc.width / 2 - 100)) / 5, y + k * 10);
    await page.mouse.up();
    await poll(() => range('accuracy')).not.toBe('all');
    const boxed = (await range('accuracy'))!;
    const [bFrom, bTo] = boxed.split('–').map(Number) as [number, number];
    expect(bFrom).toBeGreaterThan(0);
    expect(bTo).toBeLessThan(300);
    await poll(() => range('loss')).toBe(boxed);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-zoom.png') });
    await page.getByRole('button', { name: 'reset zoom' }).click();
    await poll(() => range('loss')).toBe('all');

    // Log y per chart, and exports titled with the run's id and name.
    await page.getByLabel('log y for Accuracy').check();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export Accuracy as SVG' }).click()]);
    const text = readFileSync(await svg.path(), 'utf8');
    expect(text).toContain(`Run #${id} zoom me: accuracy`);
    expect(text).toContain('>100<');
    expect(text).toContain('>10<');
    expect(e2e.pageErrors).toEqual([]);
  });

  it('hides the charts of a run that has no points yet', async () => {
    const long = (await e2e.backend.handlers['runs.create']({ config: config('long', 200_000) })).id;
    const queued = (await e2e.backend.handlers['runs.create']({ config: config('waiting', 100) })).id;
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${queued}`);
    await page.getByText("No points yet: the curves appear with the run's first evaluation.").waitFor();
    expect(await page.locator('[data-figure="loss"]').count()).toBe(0);
    await e2e.backend.handlers['runs.cancel']({ id: queued });
    await e2e.backend.handlers['runs.cancel']({ id: long });
    expect(e2e.pageErrors).toEqual([]);
  });
});
