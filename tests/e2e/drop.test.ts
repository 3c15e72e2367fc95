// Two config files dropped on the window at once in headless Chromium (browser mode: the page reads each file and
// sends its text through the API): the valid run config starts one run and opens its page, the broken one shows its
// located problem next to its name, and the page never navigates to a dropped file. Then the same figure exported
// from the UI (the Loss panel's SVG button) and from the CLI (`grokscope export RUN --all`, the headless ECharts SSR +
// resvg path) is parsed from both files: same series names and axis titles; the CLI's PNG is at 2× pixel ratio.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCurveOption } from '../../src/shared/figures/curves';
import { DEFAULT_FIGURE_SIZE, DEFAULT_PNG_SCALE } from '../../src/main/services/figure-export';
import { openE2E, dropOn, poll, pngSize, REPO, type E2E } from './helpers';

const GOOD = {
  name: 'e2e drop a+b mod 11',
  seed: 1,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
  model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
  optimizer: { lr: 0.01, weightDecay: 1 },
  training: { steps: 150, evalEvery: 10 },
};
// optimizer.lr on line 3 is negative
const BROKEN = `task: { kind: modular, op: add, p: 11 }
optimizer:
  lr: -0.5
model: { kind: mlp }
training: { steps: 100 }
`;

let e2e: E2E;
let page: Page;
let runId: number;

beforeAll(async () => {
  e2e = await openE2E({ name: 'drop', viewport: { width: 1300, height: 900 } });
  page = e2e.page;
}, 600_000);
afterAll(async () => {
  await e2e?.close();
});

interface ParsedSvg {
  error: string | null;
  width: string | null;
  height: string | null;
  texts: string[];
}
const parseSvg = (svg: string): Promise<ParsedSvg> =>
  page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const err = doc.querySelector('parsererror');
    return {
      error: err ? err.textContent : null,
      width: doc.documentElement.getAttribute('width'),
      height: doc.documentElement.getAttribute('height'),
      texts: Array.from(doc.querySelectorAll('text')).map((t) => (t.textContent ?? '').trim()),
    };
  }, svg);
/** texts that are not tick labels (numbers): legend entries, axis titles, phase markers */
const words = (texts: string[]): string[] =>
  [...new Set(texts.filter((t) => t !== '' && !/^[-+−]?[\d.,]+(e[-+]?\d+)?[kMG%]?$/i.test(t)))].sort();

describe('dropping files on the window', () => {
  it("starts the valid run config, shows the broken file's located problem, and never navigates", async () => {
    await page.goto(e2e.server.url);
    await poll(() => page.getByText('No runs yet').count()).toBe(1);
    const before = page.url();
    const taken = await dropOn(page, [
      { name: 'good.grok.json', text: JSON.stringify(GOOD, null, 2) },
      { name: 'broken.grok.yaml', text: BROKEN },
    ]);
    expect(taken).toBe(true);

    const good = page.locator('[data-file="good.grok.json"]');
    await poll(() => good.innerText(), 20_000).toMatch(/started run #\d+/);
    runId = Number(/started run #(\d+)/.exec(await good.innerText())![1]);
    const broken = page.locator('[data-file="broken.grok.yaml"]');
    await poll(() => broken.innerText()).toContain('not a valid run config');
    const problem = await broken.locator('.problem').first().innerText();
    expect(problem).toContain('line 3');
    expect(problem).toContain('optimizer.lr');

    // exactly one run exists, and the page went to it (a hash route of our page, never the file)
    const runs = await e2e.backend.handlers['runs.list']({ includeDeleted: true });
    expect(runs.map((r) => r.id)).toEqual([runId]);
    await poll(() => page.url()).toBe(`${before.replace(/#.*$/, '')}#/runs/${runId}`);
    expect(page.url().startsWith('file:')).toBe(false);
    expect(e2e.pageErrors).toEqual([]);
  }, 60_000);

  it('exports the same figure from the UI and from the CLI: same series and axis titles', async () => {
    await poll(async () => (await e2e.backend.handlers['runs.get']({ id: runId })).status, 120_000).toBe('completed');
    await page.reload();
    const button = page.getByRole('button', { name: 'export Loss as SVG' });
    await poll(() => button.isEnabled(), 20_000).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const uiSvg = readFileSync(await download.path(), 'utf8');

    // the CLI, as a user runs it, on the same database (read while the server holds it; SQLite allows that)
    const outDir = mkdtempSync(path.join(tmpdir(), 'grokscope-figs-'));
    await promisify(execFile)(
      process.execPath,
      [
        path.join(REPO, 'bin', 'grokscope.js'),
        'export',
        String(runId),
        '--all',
        '--out',
        outDir,
        '--db',
        e2e.backend.dbPath,
        '--smoothing',
        '0.6',
      ],
      { cwd: REPO, timeout: 120_000 },
    );
    const files = readdirSync(outDir).sort();
    expect(files).toEqual(
      expect.arrayContaining([`run-${runId}-loss.svg`, `run-${runId}-loss.png`, `run-${runId}-accuracy.svg`, `run-${runId}-accuracy.png`]),
    );
    expect(pngSize(readFileSync(path.join(outDir, `run-${runId}-loss.png`)))).toEqual({
      width: DEFAULT_PNG_SCALE * DEFAULT_FIGURE_SIZE.width,
      height: DEFAULT_PNG_SCALE * DEFAULT_FIGURE_SIZE.height,
    });
    const cliSvg = readFileSync(path.join(outDir, `run-${runId}-loss.svg`), 'utf8');

    const ui = await parseSvg(uiSvg);
    const cli = await parseSvg(cliSvg);
    for (const p of [ui, cli]) {
      expect(p.error).toBeNull();
      expect([Number(p.width), Number(p.height)]).toEqual([DEFAULT_FIGURE_SIZE.width, DEFAULT_FIGURE_SIZE.height]);
    }
    const expected = buildCurveOption('loss', [], {}) as { legend: { data: string[] }; xAxis: { name: string }; yAxis: { name: string } };
    for (const name of [...expected.legend.data, expected.xAxis.name, expected.yAxis.name]) {
      expect(ui.texts, name).toContain(name);
      expect(cli.texts, name).toContain(name);
    }
    expect(words(cli.texts)).toEqual(words(ui.texts));
  }, 300_000);
});
