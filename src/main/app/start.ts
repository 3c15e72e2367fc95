// The app's life cycle: one instance, one hardened window, the back end behind IPC, compute in utility processes,
// config files from the OS (double-click, second launch, open-file, File → Open) and from drops, the native menu,
// notifications, and the window's bounds remembered.
// index.ts (the Electron main entry) only calls startApp; the pieces with logic live in the small files beside it.
import { app, dialog, Menu, nativeTheme, Notification, screen, session, type BrowserWindow } from 'electron';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../services/create-backend';
import type { Backend } from '../services/backend-api';
import { appUrls } from './app-url';
import { configPathsFromArgv, startDroppedFiles } from './config-files';
import { bindDesktopIpc, sendCommand } from './desktop-ipc';
import { bindIpc } from './ipc';
import { menuTemplate, RECENT_RUNS, type RecentRun, type ThemeChoice } from './menu';
import { bindNotifications } from './notifications';
import { OpenedConfigs } from './opened-configs';
import { redisSetting, remoteSweepsOf } from './remote-sweeps';
import { computeEntryPath, databasePath, devServerUrl, iconPath, preloadPath, rendererIndexPath } from './paths';
import { hardenContents, hardenSession } from './security';
import { createUtilityLauncher } from './utility-launcher';
import { readSettings, restoreWindowState, trackWindowState, writeSettings } from './window-state';
import { createMainWindow } from './window';

const isTheme = (v: unknown): v is ThemeChoice => v === 'system' || v === 'light' || v === 'dark';

/**
 * `mainDir` is the folder of the main bundle (out/main): the preload, renderer and compute bundles are found from it.
 * `argv` is this launch's command line: a double-clicked config file arrives in it.
 */
export function startApp(mainDir: string, argv: readonly string[] = process.argv): void {
  if (!app.requestSingleInstanceLock()) {
    // another Grokscope owns the database (the single writer): it gets our command line through 'second-instance'
    app.quit();
    return;
  }
  const rendererIndexFile = rendererIndexPath(mainDir);
  const devUrl = devServerUrl();
  const urls = appUrls({ rendererIndexFile, devServerUrl: devUrl });
  const settingsFile = join(app.getPath('userData'), 'settings.json');
  let window: BrowserWindow | null = null;
  let backend: Backend | null = null;
  const unbinders: (() => void)[] = [];
  const unbind = (): void => {
    for (const u of unbinders.splice(0)) u();
  };
  let closing = false;

  const bringToFront = (): void => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  // Config files from the OS queue here until the renderer takes them (it may not exist yet).
  const opened = new OpenedConfigs(() => {
    sendCommand(window, { kind: 'config-opened' });
    bringToFront();
  });

  app.on('web-contents-created', (_event, contents) => hardenContents(contents, urls.isAppUrl));
  // macOS hands files over by event, also before 'ready' (a double-click that launches the app)
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void opened.open([path]);
  });
  // a second launch (e.g. double-click on a config while we run) passes its command line here, then quits
  app.on('second-instance', (_event, secondArgv, workingDirectory) => {
    void opened.open(configPathsFromArgv(secondArgv, workingDirectory));
    bringToFront();
  });
  void opened.open(configPathsFromArgv(argv, process.cwd()));

  app.on('window-all-closed', () => app.quit());
  // Closing the back end stops compute processes (their runs become 'interrupted') and closes the database; quitting
  // waits for it so the last metrics batch is written.
  app.on('before-quit', (event) => {
    if (!backend) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    unbind();
    const done = backend;
    done
      .close()
      .catch((e: unknown) => console.error(`Grokscope: closing the back end failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        backend = null;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(session.defaultSession);
      const settings = readSettings(settingsFile);
      // sweeps across machines when a Redis URL is set; a setting that cannot be used is said once the window is up
      const redis = redisSetting(settings, process.env, settingsFile);
      const remote = redis ? await remoteSweepsOf(redis, (line) => console.error(`Grokscope coordinator: ${line}`)) : null;
      const ready = await createBackend({
        dbPath: databasePath(),
        launcher: createUtilityLauncher(computeEntryPath(mainDir)),
        // one compute process per core: sweeps fill them; single runs start without waiting for each other
        maxConcurrent: availableParallelism(),
        mode: 'electron',
        // sweeps the last session left unfinished continue where they stopped
        continueSweeps: true,
        ...(remote && 'sweepExecutor' in remote ? { sweepExecutor: remote.sweepExecutor } : {}),
      });
      backend = ready;
      let theme: ThemeChoice = isTheme(settings.theme) ? settings.theme : 'system';
      nativeTheme.themeSource = theme;
      const state = restoreWindowState(
        settings,
        screen.getAllDisplays().map((d) => d.workArea),
      );
      const win = createMainWindow({ preload: preloadPath(mainDir), icon: iconPath(), bounds: state });
      window = win;
      if (state.maximized) win.maximize();
      if (remote && 'problem' in remote)
        void dialog.showMessageBox(win, { type: 'warning', message: 'Sweeps will run on this machine', detail: remote.problem });
      unbinders.push(trackWindowState(win, settingsFile));

      const openConfigDialog = async (): Promise<void> => {
        const r = await dialog.showOpenDialog(win, {
          title: 'Open a Grokscope config',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Grokscope configs', extensions: ['json', 'yaml', 'yml'] }],
        });
        if (!r.canceled) await opened.open(r.filePaths);
      };
      let recentRuns: RecentRun[] = [];
      /** from the menu or from the renderer's own theme button: native parts, the menu's radio and settings follow */
      const applyTheme = (value: ThemeChoice): void => {
        if (value === theme && nativeTheme.themeSource === value) return;
        theme = value;
        nativeTheme.themeSource = value;
        try {
          writeSettings(settingsFile, { theme: value });
        } catch (e) {
          console.error(`Grokscope: could not remember the theme: ${(e as Error).message}`);
        }
        installMenu();
      };
      const installMenu = (): void =>
        Menu.setApplicationMenu(
          Menu.buildFromTemplate(
            menuTemplate({
              actions: {
                openConfig: () => void openConfigDialog(),
                navigate: (path) => sendCommand(window, { kind: 'navigate', path }),
                exportFigures: () => sendCommand(window, { kind: 'export-figures' }),
                setTheme: (value) => {
                  applyTheme(value);
                  sendCommand(window, { kind: 'theme', value });
                },
              },
              recentRuns,
              theme,
              isMac: process.platform === 'darwin',
              devTools: !app.isPackaged,
            }),
          ),
        );
      const refreshRecent = (): void => {
        ready.handlers['runs.list']({ includeDeleted: false }).then(
          (runs) => {
            recentRuns = [...runs]
              .sort((a, b) => b.id - a.id)
              .slice(0, RECENT_RUNS)
              .map((r) => ({ id: r.id, name: r.name, status: r.status }));
            installMenu();
          },
          () => {},
        );
      };
      installMenu();
      refreshRecent();
      unbinders.push(
        ready.events.subscribe((event) => {
          if (event === 'runs.changed' || event === 'run.status') refreshRecent();
        }),
      );

      unbinders.push(bindIpc({ window: win, backend: ready, isAppUrl: urls.isAppUrl }));
      unbinders.push(
        bindDesktopIpc({
          window: win,
          isAppUrl: urls.isAppUrl,
          handlers: {
            drop: (paths) => startDroppedFiles(paths, ready.handlers),
            takeOpened: () => opened.take(),
            setTheme: (value) => applyTheme(value),
            exportFigures: async (runId, view) => {
              const r = await dialog.showOpenDialog(win, {
                title: `Export all figures of run ${runId}`,
                buttonLabel: 'Export here',
                properties: ['openDirectory', 'createDirectory'],
              });
              if (r.canceled || r.filePaths.length === 0) return null;
              // loaded on first use: ECharts and resvg are heavy and only this action needs them in the app
              const { exportAllRunFigures } = await import('../services/figure-export-all');
              return exportAllRunFigures(ready.handlers, runId, r.filePaths[0]!, view);
            },
          },
        }),
      );
      unbinders.push(
        bindNotifications(ready.events, {
          isSupported: () => Notification.isSupported(),
          isFocused: () => !!window && !window.isDestroyed() && window.isFocused(),
          show: ({ title, body, runId }) => {
            const n = new Notification({ title, body });
            n.on('click', () => {
              bringToFront();
              sendCommand(window, { kind: 'navigate', path: `/runs/${runId}` });
            });
            n.show();
          },
        }),
      );
      win.on('closed', () => {
        unbind();
        window = null;
      });
      if (devUrl) await win.loadURL(devUrl);
      else await win.loadFile(rendererIndexFile);
    })
    .catch((e: unknown) => {
      // e.g. the database cannot be opened or is from a newer Grokscope: say so, without a stack trace
      dialog.showErrorBox('Grokscope could not start', e instanceof Error ? e.message : String(e));
      app.exit(1);
    });
}
