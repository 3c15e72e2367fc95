// End to end in headless Chromium: a real back end (SQLite in a temp folder, compute in child processes) behind the
// browser-mode server; the built UI opened with its token; a config file dropped on the window; the curves filling
// while training streams; PNG and SVG exports through the buttons; delete with undo. Leaves a screenshot of the run
// page in tests/e2e/artifacts/run-page.png.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { buildCurveOption, runFigureTitle } from '../../src/shared/figures/curves';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { EXPORT_SIZE, PNG_PIXEL_RATIO } from '../../src/renderer/src/lib/export-size';
import { DEFAULT_FIGURE_SIZE, DEFAULT_PNG_SCALE, renderSvg } from '../../src/main/services/figure-export';
import { ARTIFACTS, STATIC_DIR, dropOn, openE2E, pngSize, poll, type E2E } from './helpers';

// Small and fast (800 steps, a few seconds on wasm), long enough for many progress batches, and it groks: with
// r = 0.8 and lr 1e-2 this MLP memorises by step ~40 and reaches 100% validation accuracy near step 540 (seed 1),
// so t2 and t4 are both marked on the curves.
const STEPS = 800;
const EVAL_EVERY = 10;
const GOOD_CONFIG = {
  name: 'e2e a+b mod 23',
  seed: 1,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.8 },
  model: { kind: 'mlp', embedDim: 32, width: 128, depth: 1 },
  optimizer: { lr: 1e-2, weightDecay: 1 },
  training: { steps: STEPS, evalEvery: EVAL_EVERY },
};
// optimizer.lr is on line 5.
const BAD_CONFIG = `{
  "task": { "kind": "modular", "op": "add", "p": 23 },
  "model": { "kind": "mlp" },
  "optimizer": {
    "lr": -0.5
  },
  "training": { "steps": 100 }
}
`;

let e2e: E2E;
let backend: LocalBackend;
let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let progressFrames = 0;

beforeAll(async () => {
  e2e = await openE2E({ name: 'ui', viewport: { width: 1440, height: 1000 } });
  ({ backend, server, browser, page, pageErrors } = e2e);
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.startsWith('{"event":"run.progress"')) progressFrames++;
    }),
  );
}, 600_000);

afterAll(() => e2e?.close());

const dropFiles = (files: { name: string; text: string }[]): Promise<boolean> => dropOn(page, files);

const pointsOf = (figure: string): Promise<number> =>
  page
    .locator(`[data-figure="${figure}"]`)
    .getAttribute('data-points')
    .then((v) => Number(v));

describe('Grokscope in the browser', () => {
  it('opens with the token and takes it out of the address bar', async () => {
    await page.goto(server.url);
    await poll(() => page.locator('h1', { hasText: 'Runs' }).count()).toBe(1);
    await poll(() => page.getByText('No runs yet').count()).toBe(1);
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('without a token says where to find one, and never connects', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    let sockets = 0;
    p.on('websocket', () => sockets++);
    await p.goto(`http://127.0.0.1:${server.port}/`);
    await poll(() => p.getByText('No access token.').count()).toBe(1);
    expect(await p.getByText('grokscope serve').count()).toBe(1);
    expect(sockets).toBe(0);
    await other.close();
  });

  it('lists the located problems of each invalid dropped file and starts nothing', async () => {
    // Two files in one drop: each is read and checked on its own.
    const badYaml = 'task:\n  kind: modular\n  op: div\n  p: 24\nmodel: {kind: mlp}\ntraining: {steps: 10}\n';
    expect(
      await dropFiles([
        { name: 'bad.json', text: BAD_CONFIG },
        { name: 'bad.yaml', text: badYaml },
      ]),
    ).toBe(true);
    const problem = page.locator('[data-file="bad.json"] .problem');
    await poll(() => problem.count()).toBe(1);
    const text = await problem.innerText();
    expect(text).toContain('line 5');
    expect(text).toContain('optimizer.lr');
    expect(text).toContain('must be > 0');
    const yamlProblem = page.locator('[data-file="bad.yaml"] .problem');
    await poll(() => yamlProblem.count()).toBe(1);
    expect(await yamlProblem.innerText()).toMatch(/line 4 · task\.p\s+must be prime for op "div", got 24/);
    expect(await backend.handlers['runs.list']({ includeDeleted: true })).toEqual([]);
    await page.getByRole('button', { name: 'dismiss bad.json' }).click();
    await page.getByRole('button', { name: 'dismiss bad.yaml' }).click();
  });

  /** Waits until the element's text matches. */
  async function expect_(loc: import('playwright-core').Locator, re: RegExp): Promise<void> {
    await poll(async () => re.test(await loc.innerText())).toBe(true);
  }

  it('starts a run from a dropped config, fills the curves live and exports PNG and SVG', async () => {
    const framesBefore = progressFrames;
    expect(await dropFiles([{ name: 'add23.json', text: JSON.stringify(GOOD_CONFIG, null, 2) }])).toBe(true);
    await page.waitForURL(/#\/runs\/\d+$/, { timeout: 15_000 });
    const id = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
    const dropItem = page.locator('[data-file="add23.json"]');
    expect(await dropItem.innerText()).toContain(`started run #${id}`);
    const run = page.locator(`section.run[data-run-id="${id}"]`);
    await run.waitFor({ timeout: 15_000 });
    await poll(() => page.locator('h1').innerText()).toContain('e2e a+b mod 23');

    // Watch the loss figure while the run trains: its point count must grow in several steps.
    const seen: number[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      seen.push(await pointsOf('loss'));
      const status = await run.getAttribute('data-status');
      if (status === 'completed' || status === 'failed') break;
      if (Date.now() > deadline) throw new Error(`the run did not finish in 60 s (status ${status}, points ${seen.at(-1)})`);
      await page.waitForTimeout(100);
    }
    const detail = await backend.handlers['runs.get']({ id });
    expect(detail.status, detail.error ?? '').toBe('completed');
    expect(detail.step).toBe(STEPS);

    // Every stored point is drawn, exactly once: the fetch and the live stream neither lose nor repeat points.
    const stored = await backend.handlers['runs.metrics']({ id, maxPoints: 100_000 });
    const storedCount = (name: string): number => stored.find((s) => s.name === name)?.steps.length ?? 0;
    const expectedLoss = storedCount('train_loss') + storedCount('val_loss');
    expect(expectedLoss).toBeGreaterThanOrEqual(2 * (STEPS / EVAL_EVERY));
    await poll(() => pointsOf('loss')).toBe(expectedLoss);
    await poll(() => pointsOf('accuracy')).toBe(storedCount('train_acc') + storedCount('val_acc'));
    await poll(() => pointsOf('weight-norm')).toBe(storedCount('weight_norm'));

    // Live, not only fetched at the end: progress events reached the page, and the chart showed partial curves.
    expect(progressFrames - framesBefore).toBeGreaterThanOrEqual(3);
    const partial = seen.filter((n) => n > 0 && n < expectedLoss);
    expect(partial.length, `point counts seen: ${seen.join(',')}`).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);

    // The phase table shows the back end's phase steps.
    for (const key of ['t1', 't2', 't3', 't4'] as const) {
      const v = detail.phases[key];
      expect(await page.locator(`[data-phase="${key}"]`).innerText(), key).toBe(v === null ? '–' : String(v));
    }

    // PNG through the button: the export size (the CLI's, 800×500) at pixel ratio 2.
    const size = EXPORT_SIZE;
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export Loss as PNG' }).click(),
    ]);
    expect(pngDownload.suggestedFilename()).toBe(`run-${id}-loss.png`);
    const png = readFileSync(await pngDownload.path());
    expect(pngSize(png)).toEqual({ width: PNG_PIXEL_RATIO * size.width, height: PNG_PIXEL_RATIO * size.height });
    expect(EXPORT_SIZE).toEqual(DEFAULT_FIGURE_SIZE);
    expect(PNG_PIXEL_RATIO).toBe(DEFAULT_PNG_SCALE);

    // SVG through the button: well-formed XML with the builder's series names and axis titles.
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export Loss as SVG' }).click(),
    ]);
    expect(svgDownload.suggestedFilename()).toBe(`run-${id}-loss.svg`);
    const svg = readFileSync(await svgDownload.path(), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const err = doc.querySelector('parsererror');
      return {
        error: err ? err.textContent : null,
        root: doc.documentElement.localName,
        width: doc.documentElement.getAttribute('width'),
        height: doc.documentElement.getAttribute('height'),
        texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? ''),
        paths: doc.querySelectorAll('path').length,
      };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(Number(parsed.width)).toBe(size.width);
    expect(Number(parsed.height)).toBe(size.height);
    const expected = buildCurveOption('loss', [], {}) as {
      legend: { data: string[] };
      xAxis: { name: string };
      yAxis: { name: string };
    };
    for (const name of expected.legend.data) expect(parsed.texts).toContain(name);
    expect(parsed.texts).toContain(expected.xAxis.name);
    expect(parsed.texts).toContain(expected.yAxis.name);
    expect(parsed.paths).toBeGreaterThan(2);
    // The same figure from the CLI's renderer, on the stored series: the same texts (title with the run's id and name,
    // legend, axis titles, ticks, markers).
    const smoothing = Number(await page.getByRole('slider', { name: 'smoothing' }).inputValue());
    const title = runFigureTitle(id, detail.name, 'loss');
    expect(parsed.texts).toContain(title);
    const cliSvg = renderSvg(buildCurveOption('loss', stored, { phases: detail.phases, smoothing, title }), DEFAULT_FIGURE_SIZE);
    const cliTexts = [...cliSvg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect([...parsed.texts].sort()).toEqual(cliTexts.sort());

    // The early analysis (000 §3): the prediction at step 400 and the spectral signature, which exports as SVG.
    const prediction = page.getByTestId('prediction');
    // at 400 the shipped model answers: yes, no, or no confident prediction, with the level, budget and its record
    await expect_(prediction, /predicted to grok: (yes|no|no confident prediction), p = [01]\.\d\d, at step 400/);
    await expect_(page.getByTestId('within-budget'), /(P\(validation accuracy ≥ 99% within [\d,]+ updates\)|observed, not predicted)/);
    await expect_(prediction, /outcome: (grokked|did not grok)/);
    await page.getByTestId('spectral-numbers').waitFor({ timeout: 15_000 });
    const [spectralSvg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export the spectral signature as SVG' }).click(),
    ]);
    expect(spectralSvg.suggestedFilename()).toBe(`run-${id}-spectral.svg`);
    const spectralText = readFileSync(await spectralSvg.path(), 'utf8');
    expect(spectralText).toContain('frequency (cycles per update)');

    mkdirSync(ARTIFACTS, { recursive: true });
    // Close the drop panel (if it has not gone by itself) so the screenshot shows the page itself.
    if ((await dropItem.count()) > 0) await page.getByRole('button', { name: 'dismiss add23.json' }).click();
    await pngDownload.saveAs(path.join(ARTIFACTS, 'export-loss.png'));
    await svgDownload.saveAs(path.join(ARTIFACTS, 'export-loss.svg'));
    // from the top: a full-page shot of a scrolled page draws the sticky header mid-page
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-page.png'), fullPage: true });
  }, 120_000);

  it('deletes a run after confirmation and brings it back with Undo', async () => {
    const id = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/#\/$/);
    await poll(async () => (await backend.handlers['runs.get']({ id })).deleted).toBe(true);
    await poll(() => page.locator(`tr[data-run-id="${id}"]`).count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.waitForURL(new RegExp(`#/runs/${id}$`));
    expect((await backend.handlers['runs.get']({ id })).deleted).toBe(false);
    await page.goto(`http://127.0.0.1:${server.port}/#/`);
    await poll(() => page.locator(`tr[data-run-id="${id}"]`).count()).toBe(1);
  });

  it('starts a run from the form, which checks fields as they are typed; pause, resume and cancel it', async () => {
    await page.getByRole('link', { name: 'New run' }).click();
    await page.waitForURL(/#\/new$/);
    await page.getByLabel('MLP', { exact: true }).check();
    await page.fill('#f-task-p', '23');
    await page.fill('#f-task-trainFraction', '0.8');
    await page.fill('#f-model-embedDim', '32');
    await page.fill('#f-model-width', '64');
    await page.fill('#f-model-depth', '1');
    await page.fill('#f-training-steps', '200000');
    await page.fill('#f-training-checkpointEvery', '50');
    await page.fill('#f-name', 'form run');
    await page.selectOption('#f-backend', 'wasm');
    // A bad value is reported under its field and blocks the start.
    await page.fill('#f-optimizer-lr', '-1');
    await poll(() => page.locator('[data-path="optimizer.lr"]').innerText()).toContain('must be > 0, got -1');
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await page.fill('#f-optimizer-lr', '0.01');
    await poll(() => page.locator('[data-path="optimizer.lr"] .error-text').count()).toBe(0);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/runs\/\d+$/);
    const id = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
    const run = page.locator(`section.run[data-run-id="${id}"]`);

    const config = (await backend.handlers['runs.get']({ id })).config;
    expect(config).toMatchObject({
      name: 'form run',
      backend: 'wasm',
      task: { op: 'add', p: 23, trainFraction: 0.8 },
      model: { kind: 'mlp', embedDim: 32, width: 64, depth: 1 },
      optimizer: { lr: 0.01, weightDecay: 1 },
      training: { steps: 200_000, batchSize: 'full', checkpointEvery: 50 },
    });

    await poll(() => run.getAttribute('data-status'), 30_000).toBe('running');
    await poll(async () => (await backend.handlers['runs.get']({ id })).step, 30_000).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await poll(() => run.getAttribute('data-status')).toBe('paused');
    const pausedAt = (await backend.handlers['runs.get']({ id })).step;
    await page.waitForTimeout(1_000);
    expect((await backend.handlers['runs.get']({ id })).step).toBe(pausedAt);

    await page.getByRole('button', { name: 'Resume' }).click();
    await poll(() => run.getAttribute('data-status')).toBe('running');
    await poll(async () => (await backend.handlers['runs.get']({ id })).step).toBeGreaterThan(pausedAt);

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the run' }).click();
    await poll(() => run.getAttribute('data-status')).toBe('cancelled');
    expect((await backend.handlers['runs.get']({ id })).status).toBe('cancelled');
    // Stored checkpoints make a cancelled run resumable, and the page offers it.
    await poll(() => page.getByRole('button', { name: 'Resume' }).count()).toBe(1);

    // The run's config opens in the form for the next run.
    await page.getByRole('button', { name: 'New run from this config' }).click();
    await page.waitForURL(/#\/new$/);
    expect(await page.inputValue('#f-name')).toBe('form run (copy)');
    expect(await page.inputValue('#f-model-width')).toBe('64');
    expect(await page.inputValue('#f-training-checkpointEvery')).toBe('50');
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    expect(await page.inputValue('#f-task-p')).toBe('31');
    expect(await page.inputValue('#f-model-width')).toBe('128');
  }, 90_000);

  it('ran without console errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });

  it('shows a banner while the server is away and recovers when it is back', async () => {
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.waitForURL(/#\/$/);
    const { port, token } = server;
    await server.close();
    const banner = page.getByText('Not connected to the Grokscope server.');
    await poll(() => banner.count()).toBe(1);
    // Something happens while the page is disconnected; after the reconnect the list must show it.
    const { id } = await backend.handlers['runs.create']({
      config: RunConfigSchema.parse({ ...GOOD_CONFIG, name: 'made while away', training: { steps: 20 } }),
    });
    server = e2e.server = await startServer({ backend, port, token, staticDir: STATIC_DIR });
    // Skip the backoff wait if the banner is between attempts; otherwise the scheduled attempt gets there.
    await page
      .getByRole('button', { name: 'Retry now' })
      .click({ timeout: 2_000 })
      .catch(() => {});
    await poll(() => banner.count(), 30_000).toBe(0);
    await poll(() => page.getByText('Reconnecting…').count()).toBe(0);
    await poll(() => page.locator(`tr[data-run-id="${id}"]`).count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-list.png') });
    // Rows are reachable by keyboard: focus one and press Enter to open it.
    await page.locator(`tr[data-run-id="${id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/runs/${id}$`));
  });
});
