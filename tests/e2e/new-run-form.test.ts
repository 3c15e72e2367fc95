// The New run form in headless Chromium: a blank or unreadable number is an error under its field that blocks Start
// (never a silent default), the kind choices never overlap at common window widths, and the first-run defaults (empty
// runs page, form, Reset, new sweep) are small enough to finish within a minute on a laptop CPU; the playground
// computes a long walk in slices, showing its progress, instead of holding the page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { openE2E, poll, type E2E } from './helpers';

let e2e: E2E;
let backend: LocalBackend;
let page: Page;

beforeAll(async () => {
  e2e = await openE2E({ name: 'form', viewport: { width: 1300, height: 900 } });
  ({ backend, page } = e2e);
}, 600_000);

afterAll(() => e2e?.close());

async function openForm(): Promise<void> {
  await page.goto(e2e.server.url);
  await page.getByRole('link', { name: 'New run' }).click();
  await page.waitForURL(/#\/new$/);
  // the URL changes before the form is drawn: wait for it, or a count taken at once can see none of it
  await page.locator('[role="radiogroup"] label').first().waitFor();
}
const start = () => page.getByRole('button', { name: 'Start run' });
const lrMessage = () => page.locator('[data-path="optimizer.lr"] .error-text').allInnerTexts();

describe('the New run form', () => {
  it('says a blank or non-number learning rate is wrong and blocks Start instead of using the default', async () => {
    await openForm();
    await page.fill('#f-optimizer-lr', '0.005');
    await poll(() => start().isDisabled()).toBe(false);

    // Typed letters: Chromium keeps them out of a number box or holds them as unreadable input; either way the value is gone.
    await page.locator('#f-optimizer-lr').selectText();
    await page.keyboard.type('abc');
    await poll(lrMessage).toEqual(['is required: enter a number']);
    expect(await start().isDisabled()).toBe(true);

    // Text the browser cannot read as a number (badInput) is named as such.
    await page.locator('#f-optimizer-lr').selectText();
    await page.keyboard.type('1e');
    await poll(lrMessage).toEqual(['is not a number']);
    expect(await start().isDisabled()).toBe(true);

    // The same for a minibatch size.
    await page.getByLabel('full', { exact: true }).uncheck();
    await page.fill('#f-training-batchSize', '');
    await poll(() => page.locator('[data-path="training.batchSize"] .error-text').allInnerTexts()).toEqual(['is required: enter a number']);

    await page.fill('#f-optimizer-lr', '0.005');
    await page.fill('#f-training-batchSize', '32');
    await poll(lrMessage).toEqual([]);
    await poll(() => start().isDisabled()).toBe(false);
    expect(await backend.handlers['runs.list']({ includeDeleted: true })).toEqual([]);
  });

  it('keeps every kind choice inside its group, none over another, at 1000, 1300 and 1600 px', async () => {
    await openForm();
    expect(await page.locator('[role="radiogroup"] label').count()).toBeGreaterThan(10);
    for (const width of [1000, 1300, 1600]) {
      await page.setViewportSize({ width, height: 900 });
      const clashes = await page.evaluate(() => {
        const box = (e: Element) => e.getBoundingClientRect();
        const labels = [...document.querySelectorAll('[role="radiogroup"] label')];
        const out: string[] = [];
        for (const l of labels) {
          const b = box(l);
          const group = box(l.closest('fieldset')!);
          if (b.left < group.left || b.right > group.right) out.push(`"${l.textContent!.trim()}" leaves its group`);
        }
        labels.forEach((a, i) =>
          labels.slice(i + 1).forEach((c) => {
            const [p, q] = [box(a), box(c)];
            if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
              out.push(`"${a.textContent!.trim()}" overlaps "${c.textContent!.trim()}"`);
          }),
        );
        return out;
      });
      expect(clashes, `at ${width} px`).toEqual([]);
    }
  });

  it("starts a new user on the README's small MLP run everywhere, and the playground never holds the page", async () => {
    await page.goto(e2e.server.url);
    const empty = await page.locator('.empty pre').innerText();
    expect(JSON.parse(empty)).toMatchObject({ task: { p: 31 }, model: { kind: 'mlp', width: 128 }, training: { steps: 2500 } });
    await openForm();
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    expect(await page.getByLabel('MLP', { exact: true }).isChecked()).toBe(true);
    expect([
      await page.inputValue('#f-task-p'),
      await page.inputValue('#f-model-width'),
      await page.inputValue('#f-training-steps'),
    ]).toEqual(['31', '128', '2500']);
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByRole('button', { name: 'New sweep' }).click();
    const base = JSON.parse(await page.getByLabel('base run config (JSON)').inputValue());
    expect(base).toMatchObject({ task: { p: 31 }, model: { kind: 'mlp' }, training: { steps: 2500 } });

    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByTestId('final-error-adam').filter({ hasText: /\d/ }).waitFor();
    await page.getByLabel('steps', { exact: true }).fill('100000');
    // The page draws its progress between slices of the walk: it is not held until the walk ends.
    await page.getByTestId('playground-computing').waitFor({ timeout: 5_000 });
    await poll(() => page.getByTestId('playground-computing').count(), 30_000).toBe(0);
    expect(await page.getByTestId('final-error-adam').innerText()).toMatch(/\d/);
  });
});
