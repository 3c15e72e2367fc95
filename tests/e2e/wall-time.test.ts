// Curves by wall-clock time on the run page, in headless Chromium (issue 18, deliver 4): the back end stamps every
// metrics batch; "x: wall time" redraws every chart against seconds since the run started (zoom and export follow);
// a run stored without stamps offers step only; the compare page draws runs by wall time too. Leaves tests/e2e/artifacts/run-wall-time.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { WALL_TIME_METRIC } from '../../src/shared/runs/wall-time';
import { ARTIFACTS, openE2E, poll, type E2E, waitCompleted } from './helpers';

const config = (name: string) =>
  RunConfigSchema.parse({
    name,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    optimizer: { lr: 1e-2 },
    training: { steps: 300, evalEvery: 10 },
  });

let e2e: E2E;
let page: Page;
let id: number;
let other: number;

beforeAll(async () => {
  e2e = await openE2E({ name: 'wall-time', viewport: { width: 1300, height: 900 }, maxConcurrent: 1 });
  page = e2e.page;
  id = (await e2e.backend.handlers['runs.create']({ config: config('timed') })).id;
  other = (await e2e.backend.handlers['runs.create']({ config: { ...config('timed too'), seed: 1 } })).id;
  await waitCompleted(e2e, [id, other]);
}, 600_000);

afterAll(() => e2e?.close());

const xOf = (figure: string) => page.locator(`[data-figure="${figure}"]`).getAttribute('data-x');

describe('x by wall time', () => {
  it('stamps each evaluation, draws every chart against seconds, and offers step only to a run without stamps', async () => {
    // one stamp per batch at its step (every evaluation: 0, 10, … 300), in time order, within the run's duration
    const [stamps] = await e2e.backend.handlers['runs.metrics']({ id, names: [WALL_TIME_METRIC], maxPoints: 10_000 });
    expect(stamps!.steps.filter((s) => s % 10 === 0)).toEqual(Array.from({ length: 31 }, (_, i) => i * 10));
    expect(stamps!.values.every((v, i) => i === 0 || v >= stamps!.values[i - 1]!)).toBe(true);
    const run = e2e.backend.store.runs.get(id)!;
    const took = (Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)) / 1000;
    expect(stamps!.values.at(-1)! - stamps!.values[0]!).toBeLessThanOrEqual(took + 0.5);
    // an unnamed metrics call leaves the stamps out (they are when, not what, the run measured)
    expect((await e2e.backend.handlers['runs.metrics']({ id, maxPoints: 100 })).map((s) => s.name)).not.toContain(WALL_TIME_METRIC);

    await page.goto(e2e.server.url);
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${id}`);
    await page.locator('[data-figure="loss"] canvas').first().waitFor();
    expect(await xOf('loss')).toBe('step');
    await page.getByLabel('x axis').selectOption('time');
    for (const f of ['loss', 'accuracy', 'weight-norm']) await poll(() => xOf(f)).toBe('time');

    // the wheel zooms seconds, said as a time
    const plot = (await page.locator('[data-figure="loss"] .plot').boundingBox())!;
    await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await poll(() => page.getByTestId('zoom').innerText()).toMatch(/^time [\d.]+s–[\d.]+s/);
    await page.getByRole('button', { name: 'reset zoom' }).click();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-wall-time.png') });

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export Accuracy as SVG' }).click()]);
    const text = readFileSync(await svg.path(), 'utf8');
    expect(text).toContain('wall time');
    expect(text).toMatch(/>\d+(\.\d+)?s</); // tick labels in seconds

    // a run stored without stamps (as before they were recorded): the setting stays, its charts are by step
    const store = e2e.backend.store;
    const old = store.runs.insert({
      name: 'unstamped',
      config: config('unstamped'),
      createdAt: run.createdAt,
      owner: { host: 'e2e', pid: 1 },
    });
    store.metrics.insert(old, [
      ['train_loss', 0, 2],
      ['train_loss', 10, 1],
      ['val_loss', 0, 2.2],
      ['val_loss', 10, 1.5],
    ]);
    store.runs.setStatus(old, 'completed', { startedAt: run.createdAt, finishedAt: run.createdAt, step: 10 });
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${old}`);
    await page.locator(`[data-run-id="${old}"] [data-figure="loss"] canvas`).first().waitFor();
    expect(await xOf('loss')).toBe('step');
    expect(await page.locator('select[aria-label="x axis"] option[value="time"]').isDisabled()).toBe(true);
    await page.goto(`${e2e.server.url.split('?')[0]}#/runs/${id}`);
    await poll(() => xOf('loss')).toBe('time'); // remembered

    // the compare page: two stamped runs by wall time (remembered too); with the unstamped one, by step only
    const xSelect = page.locator('select[aria-label="x axis"]');
    await page.goto(`${e2e.server.url.split('?')[0]}#/compare/${id},${other}`);
    await page.locator('[data-figure="compare"] canvas').first().waitFor();
    await poll(() => xSelect.getAttribute('data-x')).toBe('time');
    const [cmp] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export the validation accuracy (%) as SVG' }).click(),
    ]);
    expect(readFileSync(await cmp.path(), 'utf8')).toContain('wall time');
    await page.getByText('group seeds').click(); // groups average at equal steps: by step
    await poll(() => xSelect.getAttribute('data-x')).toBe('step');
    await page.goto(`${e2e.server.url.split('?')[0]}#/compare/${id},${old}`);
    await page.locator('[data-figure="compare"] canvas').first().waitFor();
    expect(await xSelect.getAttribute('data-x')).toBe('step');
    expect(await xSelect.locator('option[value="time"]').isDisabled()).toBe(true);
    expect(e2e.pageErrors).toEqual([]);
  }, 180_000);
});
