// The renderer's desktop path in headless Chromium. Electron cannot be downloaded here, so the page gets a stand-in
// for the preload's `window.grokscope` whose functions run the real main-process code in this test process
// (Playwright's exposeFunction): the API dispatcher on the back end, startDroppedFiles for dropped paths,
// OpenedConfigs/openConfigFile for files opened from the OS, exportAllRunFigures for File → Export All Figures.
// The stand-in's getPathForFile knows only the files this test wrote to disk, like webUtils knows only real drops.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/shared/api/dispatch';
import type { DesktopCommand } from '../../src/shared/api/desktop';
import { startDroppedFiles } from '../../src/main/app/config-files';
import { OpenedConfigs } from '../../src/main/app/opened-configs';
import { exportAllRunFigures } from '../../src/main/services/figure-export-all';
import { dropOn, openE2E, poll, type E2E } from './helpers';

const RUN = (name: string, p: number) =>
  JSON.stringify({
    name,
    seed: 2,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
    optimizer: { lr: 0.01, weightDecay: 1 },
    training: { steps: 60, evalEvery: 10 },
  });
// optimizer.lr on line 3
const BROKEN = `task: { kind: modular, op: add, p: 11 }
optimizer:
  lr: -0.5
model: { kind: mlp }
training: { steps: 100 }
`;
const SWEEP = `name: desktop sweep
base: { backend: wasm, task: { kind: modular, op: add, p: 7, trainFraction: 0.6 }, model: { kind: mlp, embedDim: 4, width: 8 }, training: { steps: 20, evalEvery: 10 } }
axes:
  - { path: optimizer.weightDecay, values: [0.1, 1] }
policy: { mode: full }
`;

let e2e: E2E;
let page: Page;
let disk: string;
let exportDir: string;
let opened: OpenedConfigs;
/** what the renderer told "main" about its theme */
const themes: string[] = [];

const command = (c: DesktopCommand) => page.evaluate((cmd) => (window as unknown as { __gsCommand(c: unknown): void }).__gsCommand(cmd), c);
const onDisk = (name: string, text: string): string => {
  const p = path.join(disk, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  e2e = await openE2E({ name: 'desktop', viewport: { width: 1300, height: 900 } });
  page = e2e.page;
  disk = mkdtempSync(path.join(tmpdir(), 'grokscope-disk-'));
  exportDir = mkdtempSync(path.join(tmpdir(), 'grokscope-export-'));
  const handlers = e2e.backend.handlers;
  opened = new OpenedConfigs(() => void command({ kind: 'config-opened' }).catch(() => {}));
  await page.exposeFunction('__gsCall', (method: unknown, input: unknown) => dispatch(handlers, method, input));
  await page.exposeFunction('__gsDrop', (paths: string[]) => startDroppedFiles(paths, handlers));
  await page.exposeFunction('__gsTake', () => opened.take());
  await page.exposeFunction('__gsTheme', (theme: string) => void themes.push(theme));
  await page.exposeFunction('__gsExport', (runId: number, view: { smoothing?: number; logX?: boolean }) =>
    exportAllRunFigures(handlers, runId, exportDir, view),
  );
  await page.addInitScript((dir: string) => {
    type L = (payload: unknown) => void;
    const w = window as unknown as Record<string, any>;
    const listeners = new Map<string, Set<L>>();
    const commandListeners = new Set<L>();
    w.__gsEmit = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload));
    w.__gsCommand = (c: unknown) => commandListeners.forEach((l) => l(c));
    w.grokscope = {
      call: (method: string, input: unknown) => w.__gsCall(method, input),
      on(event: string, listener: L) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return () => listeners.get(event)!.delete(listener);
      },
      desktop: {
        // like webUtils.getPathForFile: a path only for the files "on disk" (written by the test), '' otherwise
        dropFiles: (files: File[]) => w.__gsDrop(Array.from(files, (f) => (f.name.startsWith('disk-') ? `${dir}/${f.name}` : ''))),
        takeOpenedConfigs: () => w.__gsTake(),
        setTheme: (theme: string) => w.__gsTheme(theme),
        exportRunFigures: (runId: number, view: unknown) => w.__gsExport(runId, view),
        onCommand(listener: L) {
          commandListeners.add(listener);
          return () => commandListeners.delete(listener);
        },
      },
    };
  }, disk);
  e2e.backend.events.subscribe((name, payload) => {
    page
      .evaluate(([n, p]) => (window as unknown as { __gsEmit(n: unknown, p: unknown): void }).__gsEmit(n, p), [name, payload] as const)
      .catch(() => {});
  });
  await page.goto(e2e.server.url);
  await page.getByText('No runs yet').waitFor({ timeout: 30_000 });
}, 600_000);

afterAll(async () => {
  await e2e?.close();
});

describe('the renderer in the desktop app', () => {
  it('sends dropped files as paths: main reads the files on disk, starts the good one and locates the broken one', async () => {
    onDisk('disk-good.grok.json', RUN('dropped in the app', 11));
    onDisk('disk-broken.grok.yaml', BROKEN);
    // the page's File contents are not what is read: main reads the file on disk
    expect(
      await dropOn(page, [
        { name: 'disk-good.grok.json', text: 'not what main reads' },
        { name: 'disk-broken.grok.yaml', text: 'not what main reads' },
        { name: 'from-a-web-page.json', text: RUN('never started', 11) },
      ]),
    ).toBe(true);
    const good = page.locator('[data-file="disk-good.grok.json"]');
    await poll(() => good.innerText(), 20_000).toMatch(/started run #\d+/);
    const runId = Number(/#(\d+)/.exec(await good.innerText())![1]);
    const broken = page.locator('[data-file="disk-broken.grok.yaml"]');
    await poll(() => broken.innerText()).toContain('not a valid run config');
    expect(await broken.locator('.problem').first().innerText()).toMatch(/line 3[\s\S]*optimizer\.lr/);
    await poll(() => page.locator('[data-file="from-a-web-page.json"]').innerText()).toContain('not a file on disk');
    const runs = await e2e.backend.handlers['runs.list']({ includeDeleted: true });
    expect(runs.map((r) => [r.id, r.name])).toEqual([[runId, 'dropped in the app']]);
    await poll(() => page.url()).toMatch(new RegExp(`#/runs/${runId}$`));
  }, 60_000);

  it('opens a config from the OS in the New run form, ready to run; a sweep waits for its Start button', async () => {
    await opened.open([onDisk('opened.grok.json', RUN('opened from the OS', 31))]);
    await poll(() => page.url()).toMatch(/#\/new$/);
    await poll(() => page.getByLabel('p (modulus)').inputValue()).toBe('31');
    await poll(() => page.locator('[data-file="opened.grok.json"]').innerText()).toContain('ready to run in the New run form');

    await opened.open([onDisk('grid.grok.yaml', SWEEP), onDisk('bad.grok.yaml', BROKEN)]);
    const sweep = page.locator('[data-file="grid.grok.yaml"]');
    await poll(() => sweep.innerText()).toContain('sweep config');
    await poll(() => page.locator('[data-file="bad.grok.yaml"]').innerText()).toMatch(/not a valid run config[\s\S]*line 3/);
    expect((await e2e.backend.handlers['sweeps.list']({})).length).toBe(0);
    await sweep.getByRole('button', { name: 'Start sweep' }).click();
    await poll(() => sweep.innerText()).toMatch(/started sweep #\d+ \(2 runs\)/);
    await poll(() => page.url()).toMatch(/#\/sweeps\/\d+$/);
  }, 60_000);

  it("carries out the menu's commands: navigate, theme, export all figures of the run on screen", async () => {
    await command({ kind: 'theme', value: 'dark' });
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await command({ kind: 'theme', value: 'light' });
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    // the header button (light → dark) is reported to main, so the native theme and the menu follow
    await page.getByRole('button', { name: /^theme:/ }).click();
    await poll(() => themes.at(-1)).toBe('dark');
    expect(themes[0]).toBe('system');

    await command({ kind: 'navigate', path: '/sweeps' });
    await poll(() => page.locator('h1', { hasText: 'Sweeps' }).count()).toBe(1);
    await command({ kind: 'export-figures' });
    await poll(() => page.getByText('Open a run first').count()).toBe(1);

    const [run] = (await e2e.backend.handlers['runs.list']({ includeDeleted: false })).filter((r) => r.name === 'dropped in the app');
    await poll(async () => (await e2e.backend.handlers['runs.get']({ id: run!.id })).status, 60_000).toBe('completed');
    await command({ kind: 'navigate', path: `/runs/${run!.id}` });
    await poll(() => page.locator('h1', { hasText: 'dropped in the app' }).count()).toBe(1);
    await command({ kind: 'export-figures' });
    await poll(() => page.getByText(/Exported \d+ figures of run/).count(), 60_000).toBe(1);
    const files = readdirSync(exportDir);
    expect(files).toEqual(expect.arrayContaining([`run-${run!.id}-loss.svg`, `run-${run!.id}-loss.png`, `run-${run!.id}-accuracy.svg`]));
    expect(e2e.pageErrors).toEqual([]);
  }, 180_000);
});
