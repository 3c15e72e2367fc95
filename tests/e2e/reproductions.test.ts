// The Reproductions page in headless Chromium (issue 19): every registered reproduction listed with the paper's claim
// and its criterion; the cheapest quick one (000-pca, about 20 s on a loaded 2-core machine) started from the
// keyboard, its progress shown live, then its verdict, its measured numbers and its figure (exported as SVG); after
// a reload the stored result is still there. Leaves a screenshot in tests/e2e/artifacts/reproductions-page.png.
// Then a quick sweep reproduction (000-fig2) is cancelled from the keyboard once its sweep trains (a few seconds):
// the button is disabled while the cancel is in flight, the entry says cancelled, no result appears, and the sweep is
// stored cancelled. A full one asks first (starting it again means hours): Escape keeps it, Cancel it cancels it.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPRODUCTIONS } from '../../src/main/reproductions/registry';
import { ARTIFACTS, openE2E, poll, type E2E } from './helpers';

let e2e: E2E;
let page: Page;

beforeAll(async () => {
  e2e = await openE2E({ name: 'reproductions', viewport: { width: 1300, height: 900 } });
  page = e2e.page;
}, 300_000);

afterAll(() => e2e?.close());

describe('reproductions page', () => {
  it('lists every reproduction, runs 000-pca quick from the keyboard and shows its verdict and figure, kept after a reload', async () => {
    await page.goto(e2e.server.url);
    await page.getByRole('link', { name: 'Reproductions' }).click();
    await page.waitForURL(/#\/reproductions$/);
    const articles = page.locator('article[data-repro]');
    await poll(() => articles.count()).toBe(REPRODUCTIONS.length);
    const pca = page.locator('article[data-repro="000-pca"]');
    expect(await pca.locator('.claim').innerText()).toContain('98%');
    expect(await pca.innerText()).toContain('Not run yet');

    // a full run asks first (the paper's setting takes hours); keeping it starts nothing
    await page.getByRole('button', { name: /^run 000-pca full/ }).click();
    const ask = page.getByRole('dialog', { name: "Run 000-pca at the paper's size?" });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Keep it' }).click();
    await poll(() => ask.isVisible()).toBe(false);
    expect(await pca.innerText()).not.toContain('Running');

    // keyboard: focus the button and press Enter
    const run = page.getByRole('button', { name: 'run 000-pca quick' });
    await run.focus();
    await page.keyboard.press('Enter');
    await poll(() => pca.getByRole('status').innerText(), 20_000).toContain('Running quick');
    expect(await run.isDisabled()).toBe(true);

    const outcome = pca.locator('.outcome[data-verdict]');
    await outcome.waitFor({ timeout: 120_000 });
    expect(await outcome.getAttribute('data-verdict')).toBe('pass');
    expect(await outcome.locator('.verdict').innerText()).toBe('PASS');
    const share = pca.getByRole('row', { name: /PC1 \+ PC2 share/ });
    const value = Number(await share.locator('td').first().innerText());
    expect(value).toBeGreaterThanOrEqual(0.9);
    expect(await share.innerText()).toContain('> 0.98');
    await pca.locator('[data-figure="reproduction"] canvas').first().waitFor();
    expect(await run.isDisabled()).toBe(false);

    // the figure exports as SVG, titled, with the paper's line
    const [svg] = await Promise.all([page.waitForEvent('download'), pca.getByRole('button', { name: /as SVG$/ }).click()]);
    expect(svg.suggestedFilename()).toBe('reproduce-000-pca-quick.svg');
    const text = readFileSync(await svg.path(), 'utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('PC1');
    expect(text).toContain('98%');

    mkdirSync(ARTIFACTS, { recursive: true });
    await pca.screenshot({ path: path.join(ARTIFACTS, 'reproductions-page.png') });

    // stored: a reload shows the same verdict and figure
    await page.reload();
    await pca.locator('.outcome[data-verdict="pass"]').waitFor({ timeout: 15_000 });
    await pca.locator('[data-figure="reproduction"] canvas').first().waitFor();
    expect(await pca.innerText()).not.toContain('Not run yet');
    expect(e2e.pageErrors).toEqual([]);
  }, 200_000);

  it('cancels a running quick reproduction from the keyboard: the entry says cancelled, nothing is stored', async () => {
    await page.goto(`${e2e.server.url}#/reproductions`);
    const fig2 = page.locator('article[data-repro="000-fig2"]');
    const run = fig2.getByRole('button', { name: 'run 000-fig2 quick' });
    await run.focus();
    await page.keyboard.press('Enter');
    // its sweep trains (a compute process to stop), so the cancel takes a moment
    await poll(() => fig2.getByRole('status').innerText(), 30_000).toMatch(/[1-9] running/);
    const cancel = fig2.getByRole('button', { name: 'cancel 000-fig2 (quick)' });
    // the cancel may end before a locator could look: the page records the button's text if it was ever disabled
    await cancel.evaluate((b: HTMLButtonElement) => {
      new MutationObserver(() => {
        if (b.disabled) document.body.dataset['cancelWasDisabled'] = b.textContent ?? '';
      }).observe(b, { attributes: true, attributeFilter: ['disabled'] });
    });
    await cancel.focus();
    await page.keyboard.press('Enter');

    await poll(() => fig2.getByRole('status').innerText(), 30_000).toContain('was cancelled');
    expect(await cancel.count()).toBe(0);
    expect(await page.evaluate(() => document.body.dataset['cancelWasDisabled'])).toBe('Cancelling…');
    // focus is not lost with the Cancel button: it is on Run quick, enabled again
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('run 000-fig2 quick');
    expect(await run.isDisabled()).toBe(false);
    expect(await fig2.locator('.outcome').count()).toBe(0);
    expect(await fig2.getByRole('alert').count()).toBe(0);
    const sweeps = await e2e.backend.handlers['sweeps.list']({});
    expect(sweeps.map((x) => x.status)).toEqual(['cancelled']);
    expect(e2e.pageErrors).toEqual([]);
  }, 90_000);

  it('asks before cancelling a full reproduction (hours to start over): Escape keeps it running, Cancel it cancels its run', async () => {
    const pca = page.locator('article[data-repro="000-pca"]');
    await pca.getByRole('button', { name: /^run 000-pca full/ }).click();
    await page.getByRole('dialog', { name: "Run 000-pca at the paper's size?" }).getByRole('button', { name: 'Run full' }).click();
    const cancel = pca.getByRole('button', { name: 'cancel 000-pca (full)' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    const ask = page.getByRole('dialog', { name: 'Cancel the full 000-pca?' });
    await ask.waitFor();
    await page.keyboard.press('Escape');
    await poll(() => ask.isVisible()).toBe(false);
    expect(await pca.getByRole('status').innerText()).toContain('Running full');

    await cancel.focus();
    await page.keyboard.press('Enter');
    await ask.getByRole('button', { name: 'Cancel it' }).focus();
    await page.keyboard.press('Enter');
    await poll(() => pca.getByRole('status').innerText(), 30_000).toContain('The full run was cancelled');
    // the quick result stored earlier is still the one shown; the full run is kept, cancelled
    expect(await pca.locator('.outcome').getAttribute('data-verdict')).toBe('pass');
    const [newest] = await e2e.backend.handlers['runs.list']({ includeDeleted: false });
    expect(newest).toMatchObject({ name: '000-pca', status: 'cancelled' });
    expect(e2e.pageErrors).toEqual([]);
  }, 60_000);
});
