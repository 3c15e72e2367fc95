// npx tsx scripts/screenshots.ts: the README's screenshots, light and dark, from real runs. Trains variants of
// examples/grok-fast.json on a temporary database (learning rates 0.002, 0.005, 0.01 at seed 0, and seeds 1 and 2 of
// 0.005 and 0.01), serves the built renderer (build it first: npx vite build -c src/renderer/vite.config.ts), and
// writes docs/screenshots/compare-{light,dark}.png (the three learning rates), seed-group-{light,dark}.png (two
// seed groups of three with their min–max bands) and runs-table-{light,dark}.png (the runs list, some runs tagged).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createBackend } from '../src/main/services/create-backend';
import { createChildLauncher } from '../src/main/host/child-launcher';
import { startServer } from '../src/main/server';
import { RunConfigSchema } from '../src/shared/config/run-config';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env['GROKSCOPE_CHROMIUM'] || '/usr/bin/chromium';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'grokscope-screenshots-'));
  const backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher(), maxConcurrent: 2 });
  const server = await startServer({ backend, port: 0, staticDir: path.join(ROOT, 'out', 'renderer') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const base = RunConfigSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'examples', 'grok-fast.json'), 'utf8')));
    const train = async (lr: number, seed: number): Promise<number> => {
      const name = `a + b mod 31, lr ${lr}${seed > 0 ? `, seed ${seed}` : ''}`;
      const config = { ...base, name, seed, optimizer: { ...base.optimizer, lr } };
      return (await backend.handlers['runs.create']({ config })).id;
    };
    const ids: number[] = [];
    for (const lr of [0.002, 0.005, 0.01]) ids.push(await train(lr, 0));
    const seeds: number[] = [ids[1]!, await train(0.005, 1), await train(0.005, 2), ids[2]!, await train(0.01, 1), await train(0.01, 2)];
    for (const id of new Set([...ids, ...seeds]))
      while ((await backend.handlers['runs.get']({ id })).status !== 'completed') await new Promise((r) => setTimeout(r, 250));
    mkdirSync(OUT, { recursive: true });
    await backend.handlers['runs.tag']({ ids: seeds.slice(0, 3), add: ['seeds', 'lr 0.005'] });
    await backend.handlers['runs.tag']({ ids: seeds.slice(3), add: ['seeds', 'lr 0.01'] });
    await backend.handlers['runs.annotate']({ id: ids[0]!, tags: ['too slow'], notes: 'does not grok within 2500 steps' });
    const shoot = async (scheme: 'light' | 'dark', file: string, route: string, ready: string, prepare?: (page: Page) => Promise<void>) => {
      const viewport = { width: file === 'runs-table' ? 1600 : 1280, height: 900 };
      const page = await (await browser.newContext({ viewport, colorScheme: scheme })).newPage();
      await page.goto(server.url);
      await page.goto(`${server.url.split('?')[0]}${route}`);
      await page.locator(ready).first().waitFor();
      await prepare?.(page);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(OUT, `${file}-${scheme}.png`), fullPage: true });
      console.error(`wrote ${path.join(OUT, `${file}-${scheme}.png`)}`);
    };
    for (const scheme of ['light', 'dark'] as const) {
      const chart = '[data-figure="compare"] canvas';
      await shoot(scheme, 'compare', `#/compare/${ids.join(',')}`, chart);
      await shoot(scheme, 'seed-group', `#/compare/${seeds.join(',')}`, chart, (page) => page.getByLabel('group seeds').check());
      await shoot(scheme, 'runs-table', '#/', 'tr[data-run-id]', (page) => page.getByLabel('search the runs').fill('lr>=0.005'));
    }
  } finally {
    await browser.close();
    await server.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
