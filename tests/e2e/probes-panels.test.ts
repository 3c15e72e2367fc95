// End to end in headless Chromium: the run page's model probes (Hessian eigenvalues, intrinsic dimension) on runs
// trained by the real back end. Each probe is started from its panel, shows progress and its figure and numbers; a
// Hessian probe is cancelled mid-way; a probe of a run deleted meanwhile says so. Waits are on page text, never on
// fixed sleeps (a cancel after a sleep raced a fast machine finishing first).
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { openE2E, type E2E, waitCompleted } from './helpers';

const base = {
  seed: 3,
  backend: 'wasm',
  optimizer: { lr: 1e-2, weightDecay: 0.1 },
} as const;
// two checkpoints (steps 20, 40) of a tiny MLP: both probes finish in a few seconds
const SMALL = RunConfigSchema.parse({
  ...base,
  name: 'e2e probes small',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
  model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
  training: { steps: 40, evalEvery: 10, checkpointEvery: 20 },
});
// twelve checkpoints of a ~13k-parameter MLP: its Hessian probe takes ~30 s on a 2-core machine, so a Cancel clicked
// on the first progress line lands long before the end however fast the machine
const LARGE = RunConfigSchema.parse({
  ...base,
  name: 'e2e probes large',
  task: { kind: 'modular', op: 'add', p: 31, trainFraction: 0.6 },
  model: { kind: 'mlp', embedDim: 16, width: 128, depth: 1 },
  training: { steps: 120, evalEvery: 10, checkpointEvery: 10 },
});

let e2e: E2E;
let page: Page;
let small = 0;
let large = 0;

const waitCompletedRun = (id: number) => waitCompleted(e2e, [id], 90);

beforeAll(async () => {
  e2e = await openE2E({ name: 'probes', viewport: { width: 1400, height: 1000 }, maxConcurrent: 2 });
  page = e2e.page;
  small = (await e2e.backend.handlers['runs.create']({ config: SMALL })).id;
  large = (await e2e.backend.handlers['runs.create']({ config: LARGE })).id;
  await Promise.all([waitCompletedRun(small), waitCompletedRun(large)]);
}, 600_000);

afterAll(() => e2e?.close());

/** Records every text the panel's progress line shows, from now on (a short probe's lines can pass between polls). */
async function recordProgress(probe: string): Promise<() => Promise<string[]>> {
  await page.evaluate((name) => {
    const panel = document.querySelector(`[data-probe="${name}"]`)!;
    const seen: string[] = [];
    (window as unknown as Record<string, string[]>)[`progress-${name}`] = seen;
    new MutationObserver(() => {
      const t = panel.querySelector('[aria-live]')?.textContent;
      if (t && seen.at(-1) !== t) seen.push(t);
    }).observe(panel, { subtree: true, childList: true, characterData: true });
  }, probe);
  return () => page.evaluate((name) => (window as unknown as Record<string, string[]>)[`progress-${name}`]!, probe);
}

/** Waits for text in a panel; on a timeout, says what the panel and the page's console showed. */
async function waitText(panel: Locator, text: RegExp, timeout: number): Promise<void> {
  await panel
    .getByText(text)
    .first()
    .waitFor({ timeout })
    .catch(async (e: unknown) => {
      throw new Error(`${String(e)}\npanel: ${await panel.innerText()}\nerrors: ${e2e.pageErrors.join('\n')}`);
    });
}

async function openRun(id: number): Promise<{ hessian: Locator; id: Locator }> {
  await page.goto(`${e2e.server.url}#/runs/${id}`);
  const hessian = page.locator('[data-probe="hessian"]');
  const idPanel = page.locator('[data-probe="id"]');
  await waitText(hessian, /^Computed on request/, 15_000);
  return { hessian, id: idPanel };
}

describe('Hessian and intrinsic-dimension panels', () => {
  it('computes both probes from the run page with progress, their figures and numbers, and shows them again on reopening', async () => {
    const panels = await openRun(small);

    const hessianProgress = await recordProgress('hessian');
    await panels.hessian.getByRole('button', { name: 'Compute Hessian eigenvalues' }).click();
    await waitText(panels.hessian, /^last checkpoint \(step 40\)/, 60_000);
    await panels.hessian.locator('[data-figure="hessian"] canvas').first().waitFor();
    const stored = await e2e.backend.handlers['analysis.stored']({ id: small });
    const last = stored.hessian!.points.at(-1)!;
    // the numbers under the figure are the stored result's, as the panel formats them
    expect(await panels.hessian.locator('.numbers').innerText()).toContain(
      `λmax ${last.lambdaMax.toPrecision(4)}, λmin ${last.lambdaMin.toPrecision(4)}`,
    );
    expect(stored.hessian!.points.map((p) => p.step)).toEqual([20, 40]);
    expect(await panels.hessian.getByText(`2 checkpoints, d = ${stored.hessian!.dim.toLocaleString('en-US')}`).count()).toBe(1);
    const hp = await hessianProgress();
    expect(hp[0]).toBe('starting a compute process…');
    expect(hp.some((t) => /^[12]\/2 checkpoints · step \d+: λmax /.test(t))).toBe(true);

    const idProgress = await recordProgress('id');
    await panels.id.getByRole('button', { name: 'Compute intrinsic dimension' }).click();
    await panels.id.locator('[data-figure="intrinsic-dimension"] canvas').first().waitFor({ timeout: 60_000 });
    const idView = (await e2e.backend.handlers['analysis.stored']({ id: small })).id!;
    expect(idView.points.map((p) => p.step)).toEqual([20, 40]);
    expect(idView.points[0]!.layers.every((l) => Number.isFinite(l.twoNN) && l.twoNN > 0)).toBe(true);
    await waitText(panels.id, new RegExp(`^2 checkpoints, ${idView.layers.length} layers, ≤ 1000 points per split$`), 5_000);
    expect((await idProgress()).some((t) => /^[12]\/2 checkpoints · step \d+: \d+ layers$/.test(t))).toBe(true);
    await panels.id.getByLabel('estimator').selectOption('mle');

    // reopened, the stored results are shown at once and offered for recomputation
    await page.goto(`${e2e.server.url}#/runs/${small}`);
    await page.locator('[data-figure="hessian"] canvas').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-figure="intrinsic-dimension"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Recompute Hessian eigenvalues' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Recompute intrinsic dimension' }).count()).toBe(1);
    expect(e2e.pageErrors).toEqual([]);
  }, 120_000);

  it('Cancel stops a running Hessian probe and says so; nothing is stored', async () => {
    const panels = await openRun(large);
    await panels.hessian.getByRole('button', { name: 'Compute Hessian eigenvalues' }).click();
    // the first progress line comes after five Hessian-vector products of the first of twelve checkpoints
    await waitText(panels.hessian, /^0\/12 checkpoints · step \d+: \d+ Hessian-vector products$/, 60_000);
    await panels.hessian.getByRole('button', { name: 'Cancel' }).click();
    await waitText(panels.hessian, new RegExp(`^the hessian probe of run ${large} was cancelled$`), 30_000);
    expect(await panels.hessian.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await panels.hessian.getByRole('button', { name: 'Compute Hessian eigenvalues' }).isEnabled()).toBe(true);
    expect((await e2e.backend.handlers['analysis.stored']({ id: large })).hessian).toBeNull();
  }, 90_000);

  it('a probe of a run deleted since its page opened says which run is missing', async () => {
    const panels = await openRun(large);
    await e2e.backend.handlers['runs.delete']({ id: large });
    await panels.id.getByRole('button', { name: 'Compute intrinsic dimension' }).click();
    await waitText(panels.id, new RegExp(`^Could not compute: no run with id ${large} in `), 15_000);
    expect(await panels.id.getByRole('button', { name: 'Compute intrinsic dimension' }).isEnabled()).toBe(true);
  }, 60_000);
});
