// The one app window. The renderer gets no Node, runs sandboxed and isolated from the preload, and talks to us only
// through the contract the preload exposes.
import { BrowserWindow } from 'electron';

export function createMainWindow(opts: { preload: string; icon?: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 820,
    minHeight: 560,
    title: 'Grokscope',
    // shown once the first frame is painted, so the user never sees a blank white window
    show: false,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}
