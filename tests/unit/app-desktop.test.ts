// The desktop shell beyond the window: config files from the OS (argv, second-instance, open-file, File → Open) and
// from drops (read, told run from sweep, validated, started), the desktop IPC's sender and argument checks, the native
// menu and its shortcuts, theme, remembered window bounds, and notifications — all against the electron double.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));
const createBackend = vi.hoisted(() => vi.fn());
vi.mock('../../src/main/services/create-backend', () => ({ createBackend }));
const exportAllRunFigures = vi.hoisted(() => vi.fn());
vi.mock('../../src/main/services/figure-export-all', () => ({ exportAllRunFigures }));

import {
  app,
  dialog,
  FakeBrowserWindow,
  FakeEvent,
  FakeFrame,
  FakeNotification,
  ipcMain,
  Menu,
  nativeTheme,
  resetElectronDouble,
  screen,
} from './app-electron-double';
import { configKind, configPathsFromArgv, openConfigFile, readConfigFile, startDroppedFiles } from '../../src/main/app/config-files';
import { bindDesktopIpc, MAX_DROPPED_FILES } from '../../src/main/app/desktop-ipc';
import { menuTemplate, SHORTCUTS } from '../../src/main/app/menu';
import { bindNotifications } from '../../src/main/app/notifications';
import { DEFAULT_WINDOW, readSettings, restoreWindowState, trackWindowState, writeSettings } from '../../src/main/app/window-state';
import { startApp } from '../../src/main/app/start';
import { appUrls } from '../../src/main/app/app-url';
import { ApiError, type ApiHandlers } from '../../src/shared/api/contract';
import { IPC_DESKTOP } from '../../src/shared/api/desktop';
import { formatProblem } from '../../src/shared/config/errors';
import { parseConfigText, parseSweepText } from '../../src/shared/config/parse';
import type { EventBus, EventListener } from '../../src/main/services/backend-api';

const RUN = `task: { kind: modular, op: add, p: 23, trainFraction: 0.5 }
model: { kind: mlp }
optimizer: { lr: 0.001, weightDecay: 1 }
training: { steps: 200 }
`;
// optimizer.lr on line 4
const BAD_RUN = `{
  "task": { "kind": "modular", "op": "add", "p": 23 },
  "model": { "kind": "mlp" },
  "optimizer": { "lr": -1 },
  "training": { "steps": 100 }
}
`;
const SWEEP = `name: wd
base: { task: { kind: modular, op: add, p: 23 }, model: { kind: mlp }, training: { steps: 100 } }
axes:
  - { path: optimizer.weightDecay, values: [0.1, 1] }
seeds: 1
`;

let dir: string;
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const settle = () => new Promise((r) => setTimeout(r, 10));

/** Handlers like the real back end's for the two file methods: parse, throw located problems, or "start". */
function fileHandlers() {
  const started: { method: string; name: string }[] = [];
  let next = 1;
  const handlers = {
    'runs.createFromFile': async ({ name, text }: { name: string; text: string }) => {
      const r = parseConfigText(text, name);
      if (!r.ok) throw new ApiError('invalid_input', r.problems.map((p) => formatProblem(p, name)).join('\n'), r.problems);
      started.push({ method: 'runs.createFromFile', name });
      return { id: next++ };
    },
    'sweeps.createFromFile': async ({ name, text }: { name: string; text: string }) => {
      const r = parseSweepText(text, name);
      if (!r.ok) throw new ApiError('invalid_input', 'bad sweep', r.problems);
      started.push({ method: 'sweeps.createFromFile', name });
      return { id: 40, runIds: r.cells.map((_, i) => 100 + i) };
    },
    'runs.list': async () => [
      { id: 1, name: 'first', status: 'completed' },
      { id: 2, name: 'R&D', status: 'running' },
    ],
  } as unknown as ApiHandlers;
  return { handlers, started };
}

function fakeEvents() {
  const listeners = new Set<EventListener>();
  const events: EventBus = {
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
  return events;
}

beforeEach(() => {
  resetElectronDouble();
  createBackend.mockReset();
  exportAllRunFigures.mockReset();
  dir = mkdtempSync(join(tmpdir(), 'grokscope-desktop-'));
  vi.spyOn(app, 'getPath').mockImplementation((name: string) => join(dir, name));
  delete process.env.GROKSCOPE_DB;
  delete process.env.ELECTRON_RENDERER_URL;
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('config files from the desktop', () => {
  it('reads only absolute paths of .json / .yaml / .yml regular files of at most 64 KiB', async () => {
    const ok = file('a.grok.yaml', RUN);
    await expect(readConfigFile(ok)).resolves.toEqual({ name: 'a.grok.yaml', path: ok, text: RUN });
    await expect(readConfigFile('a.grok.yaml')).rejects.toThrow(/not an absolute file path/);
    await expect(readConfigFile('')).rejects.toThrow(/not a file on disk/);
    await expect(readConfigFile(file('notes.txt', 'x'))).rejects.toThrow(/notes\.txt: not a config file/);
    await expect(readConfigFile(join(dir, 'gone.json'))).rejects.toThrow(/gone\.json: no such file/);
    mkdirSync(join(dir, 'folder.json'));
    await expect(readConfigFile(join(dir, 'folder.json'))).rejects.toThrow(/not a regular file/);
    await expect(readConfigFile(file('huge.json', ' '.repeat(64 * 1024 + 1)))).rejects.toThrow(
      /65537 bytes; a config file may have at most 65536 \(64 KiB\)/,
    );
  });

  it('tells run from sweep configs by their shape', () => {
    expect(configKind('a.yaml', RUN)).toBe('run');
    expect(configKind('s.yaml', SWEEP)).toBe('sweep');
    expect(configKind('b.json', '{ nope')).toBeNull();
  });

  it('opens a valid run config with its config, a sweep as a sweep, and an invalid one with located problems', async () => {
    const run = await openConfigFile(file('run.grok.yaml', RUN));
    expect(run).toMatchObject({ name: 'run.grok.yaml', kind: 'run', problems: [] });
    expect(run.config?.task).toMatchObject({ kind: 'modular', p: 23 });
    const sweep = await openConfigFile(file('s.grok.yml', SWEEP));
    expect(sweep).toMatchObject({ kind: 'sweep', problems: [], config: null, text: SWEEP });
    const bad = await openConfigFile(file('bad.grok.json', BAD_RUN));
    expect(bad.kind).toBe('run');
    expect(bad.config).toBeNull();
    expect(bad.problems).toEqual([expect.objectContaining({ path: 'optimizer.lr', line: 4 })]);
    const missing = await openConfigFile(join(dir, 'gone.grok.json'));
    expect(missing).toMatchObject({
      name: 'gone.grok.json',
      kind: null,
      problems: [{ path: '', message: expect.stringMatching(/no such file/) }],
    });
  });

  it('finds config files on a command line, resolved against its working directory', () => {
    expect(
      configPathsFromArgv(['/opt/Grokscope/grokscope', '--no-sandbox', 'exp/a.grok.json', '/abs/b.grok.yml', 'c.txt'], '/home/me'),
    ).toEqual([join('/home/me', 'exp/a.grok.json'), '/abs/b.grok.yml']);
    // development: "electron ." — the app folder is not a config
    expect(configPathsFromArgv(['/x/electron', '.'], '/repo')).toEqual([]);
  });

  it('starts each dropped file on its own: a run, a sweep, and a located error for the broken one', async () => {
    const { handlers, started } = fileHandlers();
    const results = await startDroppedFiles(
      [
        file('run.json', JSON.stringify({ task: { kind: 'modular', op: 'add', p: 23 }, model: { kind: 'mlp' }, training: { steps: 50 } })),
        file('bad.json', BAD_RUN),
        file('s.yaml', SWEEP),
        '',
        7,
      ],
      handlers,
    );
    expect(results[0]).toEqual({ name: 'run.json', kind: 'run', outcome: { ok: true, runId: 1, sweepId: null, sweepRuns: 0 } });
    expect(results[1]!.kind).toBe('run');
    expect(results[1]!.outcome.ok).toBe(false);
    if (!results[1]!.outcome.ok) {
      expect(results[1]!.outcome.error.code).toBe('invalid_input');
      expect(results[1]!.outcome.error.problems).toEqual([expect.objectContaining({ path: 'optimizer.lr', line: 4 })]);
    }
    expect(results[2]).toEqual({ name: 's.yaml', kind: 'sweep', outcome: { ok: true, runId: null, sweepId: 40, sweepRuns: 2 } });
    expect(results[3]).toMatchObject({
      name: 'unnamed file',
      kind: null,
      outcome: { ok: false, error: { message: expect.stringMatching(/not a file on disk/) } },
    });
    expect(results[4]!.outcome.ok).toBe(false);
    expect(started).toEqual([
      { method: 'runs.createFromFile', name: 'run.json' },
      { method: 'sweeps.createFromFile', name: 's.yaml' },
    ]);
  });
});

describe('desktop IPC', () => {
  const rendererIndexFile = '/opt/grokscope/out/renderer/index.html';
  const urls = appUrls({ rendererIndexFile, devServerUrl: null });
  function setup() {
    const window = new FakeBrowserWindow({});
    window.webContents.mainFrame.url = pathToFileURL(rendererIndexFile).href;
    const calls: unknown[][] = [];
    const unbind = bindDesktopIpc({
      window: window as never,
      isAppUrl: urls.isAppUrl,
      handlers: {
        drop: async (paths) => (calls.push(['drop', paths]), []),
        takeOpened: () => (calls.push(['take']), []),
        exportFigures: async (runId, view) => (calls.push(['export', runId, view]), null),
        setTheme: (theme) => void calls.push(['theme', theme]),
      },
    });
    const invoke = (channel: string, frame: FakeFrame | null, ...args: unknown[]) =>
      Promise.resolve().then(() => ipcMain.handlers.get(channel)!({ sender: window.webContents, senderFrame: frame }, ...args));
    return { window, calls, unbind, invoke };
  }

  it('answers our window and refuses any other frame on every desktop channel', async () => {
    const { window, calls, invoke } = setup();
    const main = window.webContents.mainFrame;
    await invoke(IPC_DESKTOP.drop, main, ['/a.json']);
    await invoke(IPC_DESKTOP.takeOpened, main);
    await invoke(IPC_DESKTOP.exportFigures, main, 3, { smoothing: 0.5, logX: true });
    await invoke(IPC_DESKTOP.theme, main, 'dark');
    expect(calls).toEqual([['drop', ['/a.json']], ['take'], ['export', 3, { smoothing: 0.5, logX: true }], ['theme', 'dark']]);
    const foreign = new FakeFrame('https://evil.example/');
    for (const channel of Object.values(IPC_DESKTOP).filter((c) => c !== IPC_DESKTOP.command)) {
      await expect(invoke(channel, foreign, ['/etc/passwd.json'])).rejects.toThrow(/refused/);
      await expect(invoke(channel, null, ['/etc/passwd.json'])).rejects.toThrow(/refused/);
    }
    expect(calls).toHaveLength(4);
  });

  it('refuses malformed arguments', async () => {
    const { window, calls, invoke } = setup();
    const main = window.webContents.mainFrame;
    await expect(invoke(IPC_DESKTOP.drop, main, '/a.json')).rejects.toThrow(/list of at most/);
    await expect(invoke(IPC_DESKTOP.drop, main, [1])).rejects.toThrow(/list of at most/);
    await expect(invoke(IPC_DESKTOP.drop, main, Array(MAX_DROPPED_FILES + 1).fill('/a.json'))).rejects.toThrow(/at most 64/);
    await expect(invoke(IPC_DESKTOP.exportFigures, main, -1)).rejects.toThrow(/run id/);
    await expect(invoke(IPC_DESKTOP.theme, main, 'purple')).rejects.toThrow(/system, light or dark/);
    await invoke(IPC_DESKTOP.exportFigures, main, 2, { smoothing: 5, logX: 'yes' });
    expect(calls).toEqual([['export', 2, { smoothing: undefined, logX: false }]]);
  });

  it('unbinds every channel', () => {
    const { unbind } = setup();
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('menu', () => {
  const actions = () => ({ openConfig: vi.fn(), navigate: vi.fn(), exportFigures: vi.fn(), setTheme: vi.fn() });
  const find = (items: any[], label: string): any => {
    for (const i of items) {
      if (i.label === label) return i;
      const inner = Array.isArray(i.submenu) ? find(i.submenu, label) : null;
      if (inner) return inner;
    }
    return null;
  };

  it('has File (open config, recent runs, export figures) and View (theme, zoom) with shortcuts', () => {
    const a = actions();
    const t = menuTemplate({
      actions: a,
      recentRuns: [{ id: 9, name: 'R&D', status: 'running' }],
      theme: 'dark',
      isMac: false,
      devTools: false,
    });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['&File', 'editMenu', '&View', 'windowMenu']);
    const open = find(t, 'Open Config…');
    expect(open.accelerator).toBe(SHORTCUTS.openConfig);
    open.click();
    expect(a.openConfig).toHaveBeenCalledTimes(1);
    find(t, '#9 R&&D (running)').click();
    expect(a.navigate).toHaveBeenLastCalledWith('/runs/9');
    const exp = find(t, 'Export All Figures of This Run…');
    expect(exp.accelerator).toBe('CmdOrCtrl+Shift+E');
    exp.click();
    expect(a.exportFigures).toHaveBeenCalled();
    expect(find(t, 'New Run').accelerator).toBe('CmdOrCtrl+N');
    find(t, 'Sweeps').click();
    expect(a.navigate).toHaveBeenLastCalledWith('/sweeps');
    const themes = find(t, 'Theme').submenu;
    expect(themes.map((x: any) => [x.label, x.type, x.checked])).toEqual([
      ['Follow the System', 'radio', false],
      ['Light', 'radio', false],
      ['Dark', 'radio', true],
    ]);
    themes[1].click();
    expect(a.setTheme).toHaveBeenCalledWith('light');
    const view = find(t, '&View')
      .submenu.map((x: any) => x.role)
      .filter(Boolean);
    expect(view).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(find(t, '&File').submenu.at(-1).role).toBe('quit');
  });

  it('says when there are no runs; macOS gets the app menu; development gets the developer tools', () => {
    const t = menuTemplate({ actions: actions(), recentRuns: [], theme: 'system', isMac: true, devTools: true });
    expect(t[0]).toEqual({ role: 'appMenu' });
    expect(find(t, 'Recent Runs').submenu).toEqual([{ label: 'No runs yet', enabled: false }]);
    expect(find(t, '&File').submenu.some((x: any) => x.role === 'quit')).toBe(false);
    expect(find(t, '&View').submenu.some((x: any) => x.role === 'toggleDevTools')).toBe(true);
  });
});

describe('window bounds', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('restores what was saved when it is on a screen, and the defaults for anything broken', () => {
    expect(restoreWindowState({ window: { x: 100, y: 50, width: 1000, height: 700, maximized: true } }, screens)).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: true,
    });
    for (const bad of [null, {}, { window: 'x' }, { window: { width: '1000', height: 700 } }, { window: { width: 1e9, height: 700 } }])
      expect(restoreWindowState(bad, screens)).toEqual(DEFAULT_WINDOW);
  });

  it('drops a position that is off every screen, and clamps the size to the screen and the minimum', () => {
    expect(restoreWindowState({ window: { x: 5000, y: 100, width: 1000, height: 700 } }, screens)).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(restoreWindowState({ window: { x: 1850, y: 100, width: 1000, height: 700 } }, screens)).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(restoreWindowState({ window: { x: 0, y: 0, width: 4000, height: 100 } }, screens)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 560,
      maximized: false,
    });
    // a second screen to the left keeps negative coordinates
    expect(
      restoreWindowState({ window: { x: -1500, y: 10, width: 1000, height: 700 } }, [
        ...screens,
        { x: -1920, y: 0, width: 1920, height: 1080 },
      ]),
    ).toMatchObject({ x: -1500, y: 10 });
  });

  it('saves the normal bounds on close and after moves settle, merging into the settings file', async () => {
    const settings = join(dir, 'userData', 'settings.json');
    writeSettings(settings, { theme: 'dark' });
    const win = new FakeBrowserWindow({});
    win.bounds = { x: 10, y: 20, width: 900, height: 600 };
    trackWindowState(win as never, settings, 5);
    win.emit('move');
    await settle();
    expect(readSettings(settings)).toEqual({ theme: 'dark', window: { x: 10, y: 20, width: 900, height: 600, maximized: false } });
    win.bounds = { x: 30, y: 40, width: 1000, height: 700 };
    win.maximized = true;
    win.emit('close');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({
      theme: 'dark',
      window: { x: 30, y: 40, width: 1000, height: 700, maximized: true },
    });
    writeFileSync(settings, '{ broken');
    expect(readSettings(settings)).toEqual({});
  });
});

describe('notifications', () => {
  function setup(focused = false, supported = true) {
    const events = fakeEvents();
    const shown: { title: string; body: string; runId: number }[] = [];
    bindNotifications(events, { isSupported: () => supported, isFocused: () => focused, show: (n) => shown.push(n) });
    return { events, shown };
  }
  const progress = (runId: number, value: number, step: number) => ({
    runId,
    step,
    totalSteps: 1000,
    points: [
      { name: 'train_acc', step, value: 1 },
      { name: 'val_acc', step, value },
    ],
  });

  it('tells once when a run groks (validation accuracy ≥ 99%) and when it finishes', () => {
    const { events, shown } = setup();
    events.emit('run.progress', progress(3, 0.5, 100));
    events.emit('run.progress', progress(3, 0.995, 540));
    events.emit('run.progress', progress(3, 1, 600));
    events.emit('run.status', {
      runId: 3,
      status: 'completed',
      error: null,
      phases: { t1: 1, t2: 50, t3: 1, t4: 600, t2_99: 40, t4_99: 540 },
    });
    events.emit('run.status', {
      runId: 4,
      status: 'completed',
      error: null,
      phases: { t1: 1, t2: 50, t3: 1, t4: null, t2_99: 40, t4_99: null },
    });
    events.emit('run.status', { runId: 5, status: 'failed', error: 'out of memory', phases: null });
    events.emit('run.status', { runId: 6, status: 'running', error: null, phases: null });
    expect(shown).toEqual([
      { runId: 3, title: 'Run #3 grokked', body: 'validation accuracy reached 99.5% at step 540' },
      { runId: 3, title: 'Run #3 finished', body: 'grokked: memorised at step 40, generalised at step 540' },
      { runId: 4, title: 'Run #4 finished', body: 'memorised at step 40; validation accuracy never reached 99%' },
      { runId: 5, title: 'Run #5 failed', body: 'out of memory' },
    ]);
  });

  it('stays quiet while the window is in front or where notifications are not supported', () => {
    for (const [focused, supported] of [
      [true, true],
      [false, false],
    ] as const) {
      const { events, shown } = setup(focused, supported);
      events.emit('run.status', { runId: 1, status: 'completed', error: null, phases: null });
      expect(shown).toEqual([]);
    }
  });
});

describe('the app with the OS', () => {
  function fakeBackend() {
    const { handlers, started } = fileHandlers();
    const events = fakeEvents();
    return { backend: { handlers, events, dbPath: '', close: async () => {} }, started, events };
  }
  const mainDir = '/opt/grokscope/resources/app.asar/out/main';
  const take = (win: FakeBrowserWindow) =>
    ipcMain.handlers.get(IPC_DESKTOP.takeOpened)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }) as unknown[];
  /** takes opened configs until `n` have arrived (files are read asynchronously) */
  const takeAll = async (win: FakeBrowserWindow, n: number) => {
    const got: unknown[] = [];
    await vi.waitFor(() => {
      got.push(...take(win));
      expect(got).toHaveLength(n);
    });
    return got;
  };
  const commands = (win: FakeBrowserWindow) => win.webContents.sent.filter((s) => s[0] === IPC_DESKTOP.command).map((s) => s[1]);

  it('opens the config of its own command line and of macOS open-file (also before ready), never starting them', async () => {
    const fake = fakeBackend();
    createBackend.mockReturnValue(fake.backend);
    const first = file('first.grok.yaml', RUN);
    startApp(mainDir, ['/opt/Grokscope/grokscope', first]);
    const ev = new FakeEvent();
    app.emit('open-file', ev, file('mac.grok.json', BAD_RUN));
    expect(ev.defaultPrevented).toBe(true);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    const opened = (await takeAll(win!, 2)) as { name: string; kind: string; problems: unknown[] }[];
    expect(opened.map((o) => [o.name, o.kind, o.problems.length])).toEqual([
      ['first.grok.yaml', 'run', 0],
      ['mac.grok.json', 'run', 1],
    ]);
    expect(take(win!)).toEqual([]);
    expect(fake.started).toEqual([]);
  });

  it("takes a second launch's file: queued, the renderer told, the window brought forward", async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    startApp(mainDir, ['/opt/Grokscope/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    file('s.grok.yml', SWEEP);
    app.emit('second-instance', new FakeEvent(), ['/opt/Grokscope/grokscope', 's.grok.yml'], dir);
    const opened = (await takeAll(win!, 1)) as { name: string; kind: string }[];
    expect(opened.map((o) => [o.name, o.kind])).toEqual([['s.grok.yml', 'sweep']]);
    expect(commands(win!)).toEqual([{ kind: 'config-opened' }]);
    expect(win!.focused).toBe(true);
  });

  it('File → Open Config shows a dialog for config files and queues what was picked', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    startApp(mainDir, ['/x/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    dialog.openAnswer = { canceled: false, filePaths: [file('a.grok.yaml', RUN), file('b.grok.yaml', RUN)] };
    const fileMenu = Menu.template!.find((m) => m.label === '&File');
    fileMenu.submenu.find((i: any) => i.label === 'Open Config…').click();
    await settle();
    expect(dialog.openCalls[0]).toMatchObject({
      properties: ['openFile', 'multiSelections'],
      filters: [{ extensions: ['json', 'yaml', 'yml'] }],
    });
    expect(((await takeAll(win!, 2)) as { name: string }[]).map((o) => o.name)).toEqual(['a.grok.yaml', 'b.grok.yaml']);
  });

  it('lists recent runs in the menu, and View → Theme sets the native theme, remembers it and tells the renderer', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    startApp(mainDir, ['/x/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    const recent = Menu.template!.find((m) => m.label === '&File').submenu.find((i: any) => i.label === 'Recent Runs').submenu;
    expect(recent.map((r: any) => r.label)).toEqual(['#2 R&&D (running)', '#1 first (completed)']);
    const themes = Menu.template!.find((m) => m.label === '&View').submenu.find((i: any) => i.label === 'Theme').submenu;
    themes.find((t: any) => t.label === 'Dark').click();
    expect(nativeTheme.themeSource).toBe('dark');
    expect(readSettings(join(dir, 'userData', 'settings.json')).theme).toBe('dark');
    expect(commands(win!)).toEqual([{ kind: 'theme', value: 'dark' }]);
    // the menu is rebuilt with Dark checked
    const checked = () =>
      Menu.template!.find((m) => m.label === '&View')
        .submenu.find((i: any) => i.label === 'Theme')
        .submenu.find((t: any) => t.checked).label;
    expect(checked()).toBe('Dark');
    // the renderer's own theme button: native theme, settings and the menu follow it
    await ipcMain.handlers.get(IPC_DESKTOP.theme)!({ sender: win!.webContents, senderFrame: win!.webContents.mainFrame }, 'system');
    expect(nativeTheme.themeSource).toBe('system');
    expect(readSettings(join(dir, 'userData', 'settings.json')).theme).toBe('system');
    expect(checked()).toBe('Follow the System');
  });

  it('opens the window where it was left, with the remembered theme, and maximised if it was', async () => {
    writeSettings(join(dir, 'userData', 'settings.json'), {
      theme: 'light',
      window: { x: 200, y: 100, width: 1100, height: 720, maximized: true },
    });
    screen.displays = [{ workArea: { x: 0, y: 0, width: 2560, height: 1440 } }];
    createBackend.mockReturnValue(fakeBackend().backend);
    startApp(mainDir, ['/x/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    expect(win!.options).toMatchObject({ x: 200, y: 100, width: 1100, height: 720 });
    expect(win!.maximized).toBe(true);
    expect(nativeTheme.themeSource).toBe('light');
  });

  it('exports all figures of a run to the folder picked in a dialog, and nothing when cancelled', async () => {
    const fake = fakeBackend();
    createBackend.mockReturnValue(fake.backend);
    startApp(mainDir, ['/x/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    const call = (...args: unknown[]) =>
      ipcMain.handlers.get(IPC_DESKTOP.exportFigures)!({ sender: win!.webContents, senderFrame: win!.webContents.mainFrame }, ...args);
    await expect(call(5, {})).resolves.toBeNull();
    expect(exportAllRunFigures).not.toHaveBeenCalled();
    dialog.openAnswer = { canceled: false, filePaths: ['/home/me/figs'] };
    exportAllRunFigures.mockResolvedValue({ dir: '/home/me/figs', files: ['a.svg'], skipped: [] });
    await expect(call(5, { smoothing: 0.6 })).resolves.toEqual({ dir: '/home/me/figs', files: ['a.svg'], skipped: [] });
    expect(exportAllRunFigures).toHaveBeenCalledWith(fake.backend.handlers, 5, '/home/me/figs', { smoothing: 0.6, logX: false });
    expect(dialog.openCalls.at(-1)).toMatchObject({ properties: ['openDirectory', 'createDirectory'] });
  });

  it('notifies through Electron when a run finishes while the window is in the background; a click opens the run', async () => {
    const fake = fakeBackend();
    createBackend.mockReturnValue(fake.backend);
    startApp(mainDir, ['/x/grokscope']);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    fake.events.emit('run.status', { runId: 8, status: 'completed', error: null, phases: null });
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['Run #8 finished']);
    FakeNotification.shown[0]!.notification.emit('click');
    expect(commands(win!)).toContainEqual({ kind: 'navigate', path: '/runs/8' });
  });
});
