// Shared set-up of the browser tests: Chromium present, renderer built, a real back end and server in this process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** GROKSCOPE_CHROMIUM points at another Chromium (e.g. a CI image's); the default is the distribution's package. */
export const CHROMIUM = process.env['GROKSCOPE_CHROMIUM'] || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const STATIC_DIR = path.join(REPO, 'out', 'renderer');
export const ARTIFACTS = path.join(REPO, 'tests', 'e2e', 'artifacts');

/** Installs Chromium with apt-get (as root) when missing; a clear failure otherwise. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (CHROMIUM !== '/usr/bin/chromium') throw new Error(`GROKSCOPE_CHROMIUM is ${CHROMIUM}, which does not exist`);
  try {
    execFileSync('bash', [path.join(REPO, 'scripts', 'ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (e) {
    throw new Error(
      `the e2e tests need Chromium at ${CHROMIUM}; scripts/ensure-chromium.sh could not install it (${(e as Error).message.split('\n')[0]})`,
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`scripts/ensure-chromium.sh ran but ${CHROMIUM} is still missing`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the renderer when out/renderer is missing or older than its sources (renderer + shared). */
export function buildRendererIfNeeded(): void {
  const index = path.join(STATIC_DIR, 'index.html');
  const sources = Math.max(newestMtime(path.join(REPO, 'src', 'renderer')), newestMtime(path.join(REPO, 'src', 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [path.join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 240_000,
    },
  );
  if (!existsSync(index)) throw new Error(`vite build finished but ${index} does not exist`);
}

/** Width and height from a PNG's IHDR chunk (bytes 16..23), after checking the signature. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 24 || !buf.subarray(0, 8).equals(signature)) throw new Error('not a PNG: bad signature');
  if (buf.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('not a PNG: first chunk is not IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Drops files on the page's window the way a file manager does: dragenter, dragover, drop with a DataTransfer.
 *  Returns true when the page took the drop (the browser will not navigate to the file). */
export function dropOn(page: import('playwright-core').Page, files: { name: string; text: string }[]): Promise<boolean> {
  return page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
    const init = { bubbles: true, cancelable: true, dataTransfer: dt };
    document.body.dispatchEvent(new DragEvent('dragenter', init));
    document.body.dispatchEvent(new DragEvent('dragover', init));
    const drop = new DragEvent('drop', init);
    document.body.dispatchEvent(drop);
    return drop.defaultPrevented;
  }, files);
}

/** One browser test's world: a back end on a temp database, the server, Chromium and a page recording its errors. */
export interface E2E {
  dir: string;
  backend: LocalBackend;
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** console errors (CSP violations included) and uncaught page errors: a test expects none */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openE2E(opts: { name: string; viewport: { width: number; height: number }; maxConcurrent?: number }): Promise<E2E> {
  ensureChromium();
  buildRendererIfNeeded();
  const dir = mkdtempSync(path.join(tmpdir(), `grokscope-e2e-${opts.name}-`));
  const backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher(), maxConcurrent: opts.maxConcurrent });
  const server = await startServer({ backend, port: 0, staticDir: STATIC_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: opts.viewport, acceptDownloads: true, colorScheme: 'light' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const world: E2E = {
    dir,
    backend,
    server,
    browser,
    context,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await world.server.close(); // a test may have restarted the server
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** expect.poll with room for a busy 2-core machine (its default gives up after 1 s). */
export const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

/** Waits until every run in `ids` has completed; throws naming the first one still training after `seconds`. */
export async function waitCompleted(e2e: E2E, ids: readonly number[], seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (const id of ids)
    while ((await e2e.backend.handlers['runs.get']({ id })).status !== 'completed') {
      if (Date.now() > until) throw new Error(`run ${id} did not complete in ${seconds} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
}

/** A 3 × 3 sweep of 120-update MLP runs on a + b mod 11 (lr × weight decay), fast enough for an e2e test. */
export const gridSweepYaml = (name: string): string => `name: ${name}
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  optimizer: { lr: 0.01, weightDecay: 1 }
  training: { steps: 120, evalEvery: 20 }
axes:
  - { path: optimizer.lr, logspace: { from: 0.001, to: 0.01, count: 3 } }
  - { path: optimizer.weightDecay, values: [0.1, 1, 3] }
policy: { mode: full, window: 60 }
`;
