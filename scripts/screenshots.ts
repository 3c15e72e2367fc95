// npx tsx scripts/screenshots.ts: the README's screenshots of the compare page, light and dark, from real runs.
// Trains three variants of examples/grok-fast.json (learning rates 0.002, 0.005, 0.01) on a temporary database,
// serves the built renderer (build it first: npx vite build -c src/renderer/vite.config.ts), opens the compare page
// in headless Chromium and writes docs/screenshots/compare-light.png and compare-dark.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
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
    const ids: number[] = [];
    for (const lr of [0.002, 0.005, 0.01]) {
      const config = { ...base, name: `a + b mod 31, lr ${lr}`, optimizer: { ...base.optimizer, lr } };
      ids.push((await backend.handlers['runs.create']({ config })).id);
    }
    for (const id of ids)
      while ((await backend.handlers['runs.get']({ id })).status !== 'completed') await new Promise((r) => setTimeout(r, 250));
    mkdirSync(OUT, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme })).newPage();
      await page.goto(server.url);
      await page.goto(`${server.url.split('?')[0]}#/compare/${ids.join(',')}`);
      await page.locator('[data-figure="compare"] canvas').first().waitFor();
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(OUT, `compare-${scheme}.png`), fullPage: true });
      console.error(`wrote ${path.join(OUT, `compare-${scheme}.png`)}`);
    }
  } finally {
    await browser.close();
    await server.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
