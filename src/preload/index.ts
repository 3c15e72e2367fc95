// The preload: exposes exactly the API contract as `window.grokscope` (a PreloadBridge) and nothing else, never
// ipcRenderer itself. Runs sandboxed, so it is bundled to CommonJS (out/preload/index.cjs) with its imports inlined.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, IPC_CALL, IPC_EVENT, METHOD_NAMES, type PreloadBridge } from '../shared/api/contract';
import { IPC_DESKTOP, type DesktopBridge, type DesktopCommand } from '../shared/api/desktop';

const methods: ReadonlySet<string> = new Set(METHOD_NAMES);
const events: ReadonlySet<string> = new Set(EVENT_NAMES);

const quoted = (name: unknown): string => JSON.stringify(String(name)).slice(0, 80);

/**
 * The desktop extras. A dropped file's path comes from webUtils.getPathForFile, which knows only File objects the
 * user really dropped or picked: a page cannot make one up, so the paths main reads are the user's own choice.
 */
const desktop: DesktopBridge = {
  dropFiles(files) {
    // Anything but a File of a real drop yields '' (main then reports "not a file on disk"): a string the page passes
    // never becomes a path.
    const paths = Array.from(files, (f) => {
      try {
        return typeof f === 'object' && f !== null ? webUtils.getPathForFile(f as File) : '';
      } catch {
        return '';
      }
    });
    return ipcRenderer.invoke(IPC_DESKTOP.drop, paths);
  },
  takeOpenedConfigs() {
    return ipcRenderer.invoke(IPC_DESKTOP.takeOpened);
  },
  exportRunFigures(runId, view) {
    return ipcRenderer.invoke(IPC_DESKTOP.exportFigures, runId, view ?? {});
  },
  setTheme(theme) {
    return ipcRenderer.invoke(IPC_DESKTOP.theme, theme);
  },
  onCommand(listener) {
    if (typeof listener !== 'function') throw new TypeError('onCommand needs a listener function');
    const forward = (_ipcEvent: IpcRendererEvent, command: DesktopCommand): void => listener(command);
    ipcRenderer.on(IPC_DESKTOP.command, forward);
    return () => {
      ipcRenderer.removeListener(IPC_DESKTOP.command, forward);
    };
  },
};

const bridge: PreloadBridge = {
  call(method, input) {
    // checked here too (main checks again) so a typo fails fast with the same error shape as the dispatcher's
    if (typeof method !== 'string' || !methods.has(method))
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${quoted(method)}` } });
    return ipcRenderer.invoke(IPC_CALL, method, input);
  },
  on(event, listener) {
    if (typeof event !== 'string' || !events.has(event))
      throw new Error(`unknown event ${quoted(event)}; known: ${EVENT_NAMES.join(', ')}`);
    if (typeof listener !== 'function') throw new TypeError(`listener for ${quoted(event)} must be a function`);
    // the IpcRendererEvent (with its sender) never reaches the page: only the payload does
    const forward = (_ipcEvent: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
  desktop,
};

contextBridge.exposeInMainWorld('grokscope', bridge);
