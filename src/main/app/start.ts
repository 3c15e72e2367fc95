// The app's life cycle: one instance, one hardened window, the back end behind IPC, compute in utility processes.
// index.ts (the Electron main entry) only calls startApp; the pieces with logic live in the small files beside it.
import { app, dialog, session, type BrowserWindow } from 'electron';
import { availableParallelism } from 'node:os';
import { createBackend } from '../services/create-backend';
import type { Backend } from '../services/backend-api';
import { appUrls } from './app-url';
import { bindIpc } from './ipc';
import { computeEntryPath, databasePath, devServerUrl, iconPath, preloadPath, rendererIndexPath } from './paths';
import { hardenContents, hardenSession } from './security';
import { createUtilityLauncher } from './utility-launcher';
import { createMainWindow } from './window';

/** `mainDir` is the folder of the main bundle (out/main): the preload, renderer and compute bundles are found from it. */
export function startApp(mainDir: string): void {
  if (!app.requestSingleInstanceLock()) {
    // another Grokscope owns the database (the single writer): hand over to it
    app.quit();
    return;
  }
  const rendererIndexFile = rendererIndexPath(mainDir);
  const devUrl = devServerUrl();
  const urls = appUrls({ rendererIndexFile, devServerUrl: devUrl });
  let window: BrowserWindow | null = null;
  let backend: Backend | null = null;
  let unbind: () => void = () => {};
  let closing = false;

  app.on('web-contents-created', (_event, contents) => hardenContents(contents, urls.isAppUrl));
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
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
      const ready = await createBackend({
        dbPath: databasePath(),
        launcher: createUtilityLauncher(computeEntryPath(mainDir)),
        // one compute process per core: sweeps fill them; single runs start without waiting for each other
        maxConcurrent: availableParallelism(),
        mode: 'electron',
      });
      backend = ready;
      window = createMainWindow({ preload: preloadPath(mainDir), icon: iconPath() });
      unbind = bindIpc({ window, backend: ready, isAppUrl: urls.isAppUrl });
      window.on('closed', () => {
        unbind();
        window = null;
      });
      if (devUrl) await window.loadURL(devUrl);
      else await window.loadFile(rendererIndexFile);
    })
    .catch((e: unknown) => {
      // e.g. the database cannot be opened or is from a newer Grokscope: say so, without a stack trace
      dialog.showErrorBox('Grokscope could not start', e instanceof Error ? e.message : String(e));
      app.exit(1);
    });
}
