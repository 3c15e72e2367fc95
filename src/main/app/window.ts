// The one app window. The renderer gets no Node, runs sandboxed and isolated from the preload, and talks to us only
// through the contract the preload exposes.
import { BrowserWindow } from 'electron';
import { DEFAULT_WINDOW, MIN_WINDOW, type WindowState } from './window-state';

export function createMainWindow(opts: { preload: string; icon?: string; bounds?: WindowState }): BrowserWindow {
  const b = opts.bounds ?? DEFAULT_WINDOW;
  const window = new BrowserWindow({
    width: b.width,
    height: b.height,
    ...(b.x !== undefined && b.y !== undefined ? { x: b.x, y: b.y } : {}),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
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
      experimentalFeatures: false,
      // a middle click on a link would open a new window (denied anyway by the window-open handler); never start one
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}
