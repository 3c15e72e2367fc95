// End to end in headless Chromium: a small run trained by the real back end; its landscape viewer computes a 1D
// slice of a few points in a compute process and draws it (and shows it again on reopening); the optimiser
// playground draws six trajectories, takes a start from a click on the plot and names a bad hyperparameter.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { openE2E, poll, type E2E, waitCompleted } from './helpers';

const CONFIG = RunConfigSchema.parse({
  name: 'e2e landscape',
  seed: 3,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
  model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
  optimizer: { lr: 1e-2, weightDecay: 0.1 },
  training: { steps: 40, evalEvery: 10, checkpointEvery: 20 },
});

let e2e: E2E;
let page: Page;
let runId = 0;

beforeAll(async () => {
  e2e = await openE2E({ name: 'landscape', viewport: { width: 1400, height: 1000 } });
  page = e2e.page;
  runId = (await e2e.backend.handlers['runs.create']({ config: CONFIG })).id;
  await waitCompletedRun(runId);
}, 600_000);

const waitCompletedRun = (id: number) => waitCompleted(e2e, [id]);

afterAll(() => e2e?.close());

describe('landscape viewer and optimiser playground', () => {
  it('computes a small 1D slice from the run page and draws it', async () => {
    await page.goto(e2e.server.url);
    await page.evaluate((id) => (location.hash = `#/runs/${id}`), runId);
    await page.getByRole('button', { name: 'Loss landscape' }).click();
    await page.waitForURL(new RegExp(`#/runs/${runId}/landscape$`));
    await page.getByText('Nothing computed yet').waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('checkpoint').inputValue()).toBe('40');
    const settings = page.getByRole('form', { name: 'landscape settings' });

    await page.getByLabel('alpha points').fill('1');
    await page.getByText('points: must be a whole number from 2 to 1001, got 1').waitFor();
    expect(await settings.getByRole('button', { name: 'Compute' }).isDisabled()).toBe(true);
    await page.getByLabel('alpha points').fill('5');
    await page.getByLabel('direction', { exact: true }).selectOption('target');
    await page.getByLabel('normalisation').selectOption('raw');
    // θ* − θ_t at the final checkpoint is zero: a readable refusal, nothing computed
    await settings.getByRole('button', { name: 'Compute' }).click();
    await page.getByText(/direction is zero or missing at the final checkpoint/).waitFor({ timeout: 30_000 });
    await page.getByLabel('checkpoint').selectOption('20');
    await settings.getByRole('button', { name: 'Compute' }).click();

    const fig = page.locator('[data-figure="landscape-1d"]');
    await fig
      .locator('canvas')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\npage: ${await page.locator('main').innerText()}\nerrors: ${e2e.pageErrors.join('\n')}`);
      });
    await poll(() => page.getByTestId('landscape-about').textContent(), 60_000).toContain('completed');
    expect(await page.getByTestId('landscape-about').textContent()).toMatch(/raw/);
    // the stored view has the slice's five points, centred on step 20
    const stored = await e2e.backend.handlers['analysis.landscapeStored']({ id: runId });
    expect(stored.latest?.alphas).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(stored.latest?.params.steps).toEqual([20]);
    expect(stored.latest?.rows[0]?.train.loss.every(Number.isFinite)).toBe(true);

    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      fig.getByRole('button', { name: 'export the 1d slice as SVG' }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe(`run-${runId}-landscape-1d.svg`);

    // reopened, the last stored landscape is shown at once
    await page.evaluate((id) => (location.hash = `#/runs/${id}`), runId);
    await page.evaluate((id) => (location.hash = `#/runs/${id}/landscape`), runId);
    await page.locator('[data-figure="landscape-1d"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('stored landscapes').count()).toBe(1);
  }, 120_000);

  it('shows a 2D grid as contours and, in 3D, as an echarts-gl surface (or says WebGL is missing)', async () => {
    const v = await e2e.backend.handlers['analysis.landscape']({ id: runId, kind: '2d', step: 20, points: 3 });
    expect(v.rows.every((r) => r !== null)).toBe(true);
    await page.goto(`${e2e.server.url}#/runs/${runId}/landscape`);
    await page.locator('[data-figure="landscape-2d-train"] canvas').first().waitFor({ timeout: 15_000 });
    await page.getByLabel('3D surface').check();
    const fig = page.locator('[data-figure="landscape-3d-train"]');
    await fig.waitFor({ timeout: 15_000 });
    // headless Chromium may have no WebGL: then the view says so instead of failing silently
    await poll(async () => (await fig.locator('canvas').count()) > 0 || (await fig.getByRole('alert').count()) > 0).toBe(true);
    await page.waitForTimeout(500); // echarts-gl builds its compositor on a later frame (the CSP shim's case)
    expect(e2e.pageErrors).toEqual([]);
  }, 60_000);

  it('Esc cancels slices over training after a row; computing again continues from the stored rows', async () => {
    // a run with ~55 checkpoints, so the grid has ~55 rows and the Esc lands long before the last one however fast
    // the machine (a grid of a handful of rows could finish between the first row and the keypress)
    const many = (
      await e2e.backend.handlers['runs.create']({
        config: { ...CONFIG, name: 'e2e landscape rows', training: { ...CONFIG.training, steps: 400, checkpointEvery: 8 } },
      })
    ).id;
    await waitCompletedRun(many);
    await page.goto(`${e2e.server.url}#/runs/${many}/landscape`);
    const settings = page.getByRole('form', { name: 'landscape settings' });
    await page.getByLabel('1D slices over training').check();
    await page.getByLabel('at most checkpoints').fill('200');
    await page.getByLabel('direction', { exact: true }).selectOption('random');
    await page.getByLabel('alpha points').fill('101');
    await settings.getByRole('button', { name: 'Compute' }).click();
    // Esc as soon as a row is done, read on every frame: a locator's waitFor polls at growing intervals and can miss
    // a "1/50 rows" that lasts one row on a fast machine
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLProgressElement>('progress[aria-label="landscape progress"]')?.value ?? 0) >= 1,
      null,
      {
        polling: 'raf',
        timeout: 60_000,
      },
    );
    await page.keyboard.press('Escape');
    await settings
      .getByText(/was cancelled/)
      .waitFor({ timeout: 30_000 })
      .catch(async (e: unknown) => {
        const stored = await e2e.backend.handlers['analysis.landscapeStored']({ id: many });
        throw new Error(
          `${String(e)}\nstored: ${JSON.stringify(stored.landscapes.map((l) => [l.status, l.rowsDone, l.rowsTotal]))}\npage: ${await page.locator('main').innerText()}\nerrors: ${e2e.pageErrors.join('\n')}`,
        );
      });
    const cut = (await e2e.backend.handlers['analysis.landscapeStored']({ id: many })).landscapes[0]!;
    console.log(`Esc after the first row: ${cut.rowsDone} of ${cut.rowsTotal} rows stored`);
    expect(cut.status).toBe('cancelled');
    expect(cut.rowsDone).toBeGreaterThan(0);
    expect(cut.rowsDone).toBeLessThan(cut.rowsTotal);
    await settings.getByRole('button', { name: 'Compute' }).click();
    await poll(() => page.getByTestId('landscape-about').textContent(), 120_000).toMatch(/completed.*rows continued from a stored run/);
  }, 240_000);

  it("offers a modular run's reduced landscape only its own axis and checks every cell before launching", async () => {
    await page.goto(`${e2e.server.url}#/runs/${runId}/landscape`);
    const panel = page.getByRole('region', { name: 'reduced landscape' });
    const axis = panel.getByLabel('second axis');
    await axis.waitFor();
    const offered = await axis.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['', 'task.trainFraction']);
    await axis.selectOption('task.trainFraction');
    await panel.getByLabel('axis values').fill('0.5, 1.2');
    await panel.getByText(/task\.trainFraction 1\.2\): task\.trainFraction: must be < 1, got 1\.2/).waitFor();
    expect(await panel.getByRole('button', { name: 'Compute' }).isDisabled()).toBe(true);
    await panel.getByLabel('axis values').fill('');
    await axis.selectOption('');
    await poll(() => panel.getByRole('button', { name: 'Compute' }).isDisabled()).toBe(false);
  });

  it('computes a 2 × 1 reduced landscape (Omnigrok) and draws its curves', async () => {
    await page.goto(`${e2e.server.url}#/runs/${runId}/landscape`);
    const panel = page.getByRole('region', { name: 'reduced landscape' });
    await panel.getByLabel('weight-norm factors').fill('0.5, x');
    await panel.getByText('scales: "x" is not a factor in (0, 1000]').waitFor();
    await panel.getByLabel('weight-norm factors').fill('0.5, 2');
    await panel.getByLabel('updates per cell').fill('20');
    await panel.getByRole('button', { name: 'Compute' }).click();
    await panel.locator('[data-figure="reduced-curves"] canvas').first().waitFor({ timeout: 60_000 });
    await poll(() => panel.getByText(/^completed, 20 updates per cell/).count(), 60_000).toBe(1);
    const stored = await e2e.backend.handlers['analysis.landscapeStored']({ id: runId });
    expect(stored.reduced?.params.scales).toEqual([0.5, 2]);
    expect(stored.reduced?.cells[0]?.every((c) => c !== null && c.weightNorm > 0)).toBe(true);
  }, 90_000);

  it('the playground draws the six optimisers, takes a start from a click and names a bad hyperparameter', async () => {
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.waitForURL(/#\/playground$/);
    const fig = page.locator('[data-figure="rosenbrock-trajectories"]');
    await fig.locator('canvas').first().waitFor({ timeout: 15_000 });
    for (const k of ['sgd', 'momentum', 'rmsprop', 'rprop', 'adam', 'adamax'])
      expect(await page.getByTestId(`final-error-${k}`).textContent()).toMatch(/\d/);
    // adaptive methods reach the minimum's neighbourhood, SGD does not (000 App. D)
    const err = async (k: string) => Number((await page.getByTestId(`final-error-${k}`).textContent())!.trim());
    expect(await err('adamax')).toBeLessThan(0.05);
    expect(await err('sgd')).toBeGreaterThan(1);

    const box = (await fig.locator('.plot').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await poll(() => page.getByLabel('start x1').inputValue()).not.toBe('-1.5');

    await page.getByLabel('rprop etaPlus').fill('0.9');
    await page.getByText('rprop.etaPlus: must be > 1, got 0.9').waitFor();
    expect(await page.getByTestId('final-error-rprop').textContent()).toBe('–');

    await page.getByLabel('Rastrigin').check();
    await page.locator('[data-figure="rastrigin-error"] canvas').first().waitFor();
    expect(e2e.pageErrors).toEqual([]);
  }, 60_000);
});
