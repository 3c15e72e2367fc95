// Issue 17, must show: the UI (headless Chromium) against `grokscope serve --redis` fills a sweep's heatmap live while
// `grokscope worker` processes (each with a home and data folder of its own) train its cells, and shows the workers:
// name, host, backend, the cell each trains, the cells each has done, and each run's worker in the run table. A 3×3
// sweep of 120-update MLP cells, dropped on the page as a file. Leaves tests/e2e/artifacts/distributed-sweep.png.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../integration/redis-helpers';
import { startServe, type ServeProcess } from '../integration/serve-process';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, REPO, buildRendererIfNeeded, dropOn, ensureChromium, gridSweepYaml, poll } from './helpers';

const BIN = path.join(REPO, 'bin', 'grokscope.js');
const WORKERS = ['e2e-a', 'e2e-b'];

const SWEEP = gridSweepYaml('e2e across machines');

let dir: string;
let redis: TestRedis;
let serve: ServeProcess;
const workers: { name: string; child: ChildProcess; stderr: () => string; exit: Promise<unknown> }[] = [];
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function startWorker(name: string): (typeof workers)[number] {
  const home = path.join(dir, `worker-${name}`);
  for (const d of ['home', 'data']) mkdirSync(path.join(home, d), { recursive: true });
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--concurrency', '1', '--name', name], {
    cwd: home,
    env: { ...process.env, HOME: path.join(home, 'home'), XDG_DATA_HOME: path.join(home, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (err += c));
  const exit = new Promise((r) => child.once('close', r));
  return { name, child, stderr: () => err, exit };
}

beforeAll(async () => {
  ensureChromium();
  buildRendererIfNeeded();
  dir = mkdtempSync(path.join(tmpdir(), 'grokscope-e2e-distributed-'));
  redis = await startRedis();
  const coordinator = path.join(dir, 'coordinator');
  mkdirSync(coordinator);
  serve = startServe(path.join(coordinator, 'runs.db'), coordinator, process.env, ['--redis', redis.url]);
  for (const name of WORKERS) workers.push(startWorker(name));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1300, height: 1400 }, colorScheme: 'light' });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGTERM');
  await Promise.all([...workers.map((w) => w.exit), serve?.exited]);
  await redis?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a sweep across machines in the browser', () => {
  it('fills the heatmap live from the workers and shows each worker, its cell and its cells done', async () => {
    const url = (await serve.url).href;
    await page.goto(url);
    await poll(() => page.getByText('No runs yet').count(), 60_000).toBe(1);
    expect(await dropOn(page, [{ name: 'grid.yaml', text: SWEEP }])).toBe(true);
    await page.waitForURL(/#\/sweeps\/\d+$/, { timeout: 15_000 });

    // the workers panel lists both workers (pushed live as each announces itself), with this machine's host name
    const panel = page.getByTestId('sweep-workers');
    await poll(() => panel.locator('tr[data-worker]').count(), 60_000).toBe(2);
    expect(await panel.locator('tr[data-worker] td:first-child').allInnerTexts()).toEqual(WORKERS);
    expect(await panel.locator('tr[data-worker] td:nth-child(2)').allInnerTexts()).toEqual([hostname(), hostname()]);
    expect(await panel.innerText()).toContain(redis.url.replace(/\/$/, ''));

    // live: the first map's filled cells and the done count move while the cells train, without reloading; a
    // worker is seen training a cell of this sweep
    const map = page.locator('[data-figure="heatmap-0"]');
    const filled = new Set<string>();
    let sawTraining = false;
    await poll(async () => {
      filled.add((await map.getAttribute('data-filled')) ?? '');
      if (!sawTraining) sawTraining = (await panel.locator('[data-testid="worker-current"] a').count()) > 0;
      return page.getByTestId('sweep-done').innerText();
    }, 120_000).toBe('9/9');
    await poll(() => map.getAttribute('data-filled')).toBe('9');
    const partial = [...filled].map(Number).filter((n) => n > 0 && n < 9);
    expect(partial.length, `filled counts seen: ${[...filled].join(', ')}`).toBeGreaterThanOrEqual(1);
    expect(sawTraining).toBe(true);

    // each worker has done cells of this sweep, together all 9; once idle, the panel says so
    const done = async () => (await panel.locator('[data-testid="worker-done"]').allInnerTexts()).map(Number);
    await poll(async () => (await done()).reduce((a, b) => a + b, 0)).toBe(9);
    expect(
      (await done()).every((n) => n >= 1),
      `cells done per worker: ${(await done()).join(', ')}`,
    ).toBe(true);
    await poll(() => panel.locator('[data-testid="worker-current"]').allInnerTexts(), 30_000).toEqual(['idle', 'idle']);
    expect(await panel.locator('tr[data-worker] td:nth-child(3)').allInnerTexts()).toEqual(['wasm', 'wasm']);

    // the run table names each run's worker
    const runWorkers = await page.getByTestId('run-worker').allInnerTexts();
    expect(runWorkers).toHaveLength(9);
    expect(new Set(runWorkers)).toEqual(new Set(WORKERS));

    // a cell's tooltip names its worker
    const box = (await map.locator('.plot').boundingBox())!;
    await poll(async () => {
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.45);
      await page.mouse.move(box.x + box.width * 0.45 + 2, box.y + box.height * 0.45 + 2);
      return map.innerText();
    }).toMatch(new RegExp(`run #\\d+: completed · worker (${WORKERS.join('|')}) on `));

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'distributed-sweep.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    for (const w of workers) expect(w.child.exitCode, w.stderr()).toBeNull();
  }, 240_000);
});
