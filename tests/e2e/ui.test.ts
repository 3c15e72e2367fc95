// End to end in headless Chromium: a real back end (SQLite in a temp folder, compute in child processes) behind the
// browser-mode server; the built UI opened with its token; a config file dropped on the window; the curves filling
// while training streams; PNG and SVG exports through the buttons; delete with undo. Leaves a screenshot of the run
// page in tests/e2e/artifacts/run-page.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import { buildCurveOption } from '../../src/shared/figures/curves';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, STATIC_DIR, buildRendererIfNeeded, ensureChromium, pngSize } from './helpers';

// Small and fast, but long enough that several progress batches stream before it ends.
const STEPS = 400;
const EVAL_EVERY = 10;
const GOOD_CONFIG = {
  name: 'e2e add mod 23',
  seed: 1,
  backend: 'cpu',
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 32, width: 128, depth: 1 },
  optimizer: { lr: 3e-3, weightDecay: 1 },
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

let dir: string;
let backend: LocalBackend;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let progressFrames = 0;

beforeAll(async () => {
  ensureChromium();
  buildRendererIfNeeded();
  dir = mkdtempSync(path.join(tmpdir(), 'grokscope-e2e-'));
  backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher() });
  server = await startServer({ backend, port: 0, staticDir: STATIC_DIR });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, colorScheme: 'light' });
  page = await context.newPage();
  // Console errors include CSP violations: the page must load and run without any.
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.startsWith('{"event":"run.progress"')) progressFrames++;
    }),
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await backend?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Drops files on the window the way a file manager does: dragenter, dragover, drop with a DataTransfer. */
async function dropFiles(files: { name: string; text: string }[]): Promise<boolean> {
  return page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
    const init = { bubbles: true, cancelable: true, dataTransfer: dt };
    document.body.dispatchEvent(new DragEvent('dragenter', init));
    document.body.dispatchEvent(new DragEvent('dragover', init));
    const drop = new DragEvent('drop', init);
    document.body.dispatchEvent(drop);
    // true: the page took the drop and the browser will not navigate to the file
    return drop.defaultPrevented;
  }, files);
}

/** expect.poll with room for a busy 2-core machine (its default gives up after 1 s). */
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

const pointsOf = (figure: string): Promise<number> =>
  page.locator(`[data-figure="${figure}"]`).getAttribute('data-points').then((v) => Number(v));

describe('Grokscope in the browser', () => {
  it('opens with the token and takes it out of the address bar', async () => {
    await page.goto(server.url);
    await poll(() => page.locator('h1', { hasText: 'Runs' }).count()).toBe(1);
    await poll(() => page.getByText('No runs yet').count()).toBe(1);
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('lists the located problems of an invalid dropped file and starts nothing', async () => {
    expect(await dropFiles([{ name: 'bad.json', text: BAD_CONFIG }])).toBe(true);
    const problem = page.locator('[data-file="bad.json"] .problem');
    await poll(() => problem.count()).toBe(1);
    const text = await problem.innerText();
    expect(text).toContain('line 5');
    expect(text).toContain('optimizer.lr');
    expect(text).toContain('must be > 0');
    expect(await backend.handlers['runs.list']({ includeDeleted: true })).toEqual([]);
    await page.getByRole('button', { name: 'dismiss bad.json' }).click();
  });

  it('starts a run from a dropped config, fills the curves live and exports PNG and SVG', async () => {
    const framesBefore = progressFrames;
    expect(await dropFiles([{ name: 'add23.json', text: JSON.stringify(GOOD_CONFIG, null, 2) }])).toBe(true);
    await page.waitForURL(/#\/runs\/\d+$/, { timeout: 15_000 });
    const id = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
    const run = page.locator(`section.run[data-run-id="${id}"]`);
    await run.waitFor({ timeout: 15_000 });
    await poll(() => page.locator('h1').innerText()).toContain('e2e add mod 23');

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
    const t2 = detail.phases.t2;
    expect(await page.locator('[data-phase="t2"]').innerText()).toBe(t2 === null ? '–' : String(t2));

    // PNG through the button: a PNG at twice the on-screen size of the plot.
    const plot = page.locator('[data-figure="loss"] .plot');
    const size = await plot.evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
    expect(size.width).toBeGreaterThan(300);
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export Loss as PNG' }).click()]);
    expect(pngDownload.suggestedFilename()).toBe(`run-${id}-loss.png`);
    const png = readFileSync(await pngDownload.path());
    expect(pngSize(png)).toEqual({ width: 2 * size.width, height: 2 * size.height });

    // SVG through the button: well-formed XML with the builder's series names and axis titles.
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export Loss as SVG' }).click()]);
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

    mkdirSync(ARTIFACTS, { recursive: true });
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

  it('ran without console errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
