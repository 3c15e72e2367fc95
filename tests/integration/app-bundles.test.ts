// The BUILT bundles, not the sources: electron-vite builds main + compute + preload into a temp folder; the main
// bundle then runs under a plain-Node stand-in for 'electron' (the Electron binary cannot be downloaded here), answers
// IPC with a real database and trains a short run in the built compute bundle; the preload loads as CommonJS
// needing nothing but 'electron'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (p: string) => join(root, 'tests/integration/app-bundles', p);
let dir: string;
let out: string;

const runJson = (args: string[], env: Record<string, string> = {}) =>
  JSON.parse(
    execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 })
      .trim()
      .split('\n')
      .at(-1)!,
  );

beforeAll(() => {
  // inside the repository (git-ignored), so the bundles' external packages resolve from its node_modules
  mkdirSync(join(root, '.grokscope-test'), { recursive: true });
  dir = mkdtempSync(join(root, '.grokscope-test', 'bundles-'));
  out = join(dir, 'out');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '-c', here('electron-vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, GROKSCOPE_BUNDLE_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    },
  );
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('built app bundles', () => {
  it('emits out/main/index.js, out/main/compute.js and out/preload/index.cjs', () => {
    for (const f of ['main/index.js', 'main/compute.js', 'preload/index.cjs']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('the main bundle answers IPC, trains in the compute bundle, forwards events and closes on quit', () => {
    const env = { GROKSCOPE_STAND_IN_HOME: join(dir, 'home'), GROKSCOPE_DB: '' };
    const report = runJson(['--import', here('register-electron.mjs'), here('drive-main.mjs'), join(out, 'main/index.js')], env);
    expect(report.preload).toBe(join(out, 'preload/index.cjs'));
    expect(report.page).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(report.info).toMatchObject({ mode: 'electron', dbPath: join(dir, 'home/userData/grokscope.db') });
    expect(report.created).toEqual({ ok: true, result: { id: 1 } });
    expect(report.run).toEqual({ status: 'completed', step: 30, backend: 'wasm', error: null });
    // the first app.info asks a compute process for the GPU adapters (Dawn's addon loads there, from the bundle), then
    // the run trains in another
    const compute = { modulePath: join(out, 'main/compute.js'), serviceName: 'Grokscope compute' };
    expect(report.forks).toEqual([compute, compute]);
    const webgpu = (report.info as { backends: { name: string; note: string }[] }).backends.find((b) => b.name === 'webgpu');
    expect(webgpu?.note).toMatch(/^(no adapter: |only a software adapter|.*: auto trains on it)/);
    expect(webgpu?.note).not.toMatch(/failed to load|looking for a GPU failed/);
    expect(report.events).toEqual(expect.arrayContaining(['runs.changed', 'run.status', 'run.progress']));
    expect(report.quitted).toBe(true);
    expect(report.errors).toEqual([]);
  });

  it('the preload bundle is CommonJS needing only electron, and exposes exactly call, on and the typed desktop functions', () => {
    const report = runJson([here('drive-preload.cjs'), join(out, 'preload/index.cjs')]);
    expect(report.required).toEqual(['electron']);
    expect(report.keys).toEqual(['grokscope']);
    expect(report.bridgeKeys.sort()).toEqual(['call', 'desktop', 'on']);
    expect(report.desktopKeys.sort()).toEqual(['dropFiles', 'exportRunFigures', 'onCommand', 'setTheme', 'takeOpenedConfigs']);
    expect(report.call).toEqual({ ok: true, result: 'from main' });
    expect(report.invoked).toEqual([
      ['grokscope:drop-paths', ['']],
      ['grokscope:call', 'runs.list', {}],
    ]);
    expect(report.unknownCall).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(report.eventArgs).toEqual([[{ reason: 'created' }]]);
    expect(report.listenersAfterOff).toBe(0);
    expect(report.unknownEvent).toMatch(/unknown event "app\.quit"/);
  });
});
