// The preload: exposes exactly the API contract as `window.grokscope` (a PreloadBridge) and nothing else, never
// ipcRenderer itself. Runs sandboxed, so it is bundled to CommonJS (out/preload/index.cjs) with its imports inlined.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, IPC_CALL, IPC_EVENT, METHOD_NAMES, type PreloadBridge } from '../shared/api/contract';

const methods: ReadonlySet<string> = new Set(METHOD_NAMES);
const events: ReadonlySet<string> = new Set(EVENT_NAMES);

const quoted = (name: unknown): string => JSON.stringify(String(name)).slice(0, 80);

const bridge: PreloadBridge = {
  call(method, input) {
    // checked here too (main checks again) so a typo fails fast with the same error shape as the dispatcher's
    if (typeof method !== 'string' || !methods.has(method))
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${quoted(method)}` } });
    return ipcRenderer.invoke(IPC_CALL, method, input);
  },
  on(event, listener) {
    if (typeof event !== 'string' || !events.has(event)) throw new Error(`unknown event ${quoted(event)}; known: ${EVENT_NAMES.join(', ')}`);
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
};

contextBridge.exposeInMainWorld('grokscope', bridge);
