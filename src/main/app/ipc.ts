// The IPC half of the API transport: one invoke channel for calls, one send channel for events.
// Every call is checked to come from our window's main frame showing our renderer, then goes through the one
// dispatcher every transport shares (method name, input schema, error mapping).
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../../shared/api/contract';
import { dispatch, type DispatchResult } from '../../shared/api/dispatch';
import type { Backend } from '../services/backend-api';

/** True when the call comes from the top frame of `contents` and that frame shows one of our pages. */
export function isTrustedSender(event: IpcMainInvokeEvent, contents: WebContents, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== contents || contents.isDestroyed()) return false;
  const main = contents.mainFrame;
  const isMainFrame = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return isMainFrame && isAppUrl(frame.url);
}

const refused = (url: string | undefined): DispatchResult => ({
  ok: false,
  error: { code: 'unauthorized', message: `IPC call refused: the sender is not the Grokscope window (${url ?? 'no frame'})` },
});

/** Binds the call handler and forwards back-end events to the window. Returns the unbinding function. */
export function bindIpc(opts: { window: BrowserWindow; backend: Backend; isAppUrl: (url: string) => boolean }): () => void {
  const contents = opts.window.webContents;
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<DispatchResult> => {
    if (!isTrustedSender(event, contents, opts.isAppUrl)) return refused(event.senderFrame?.url);
    return dispatch(opts.backend.handlers, method, params);
  });
  const unsubscribe = opts.backend.events.subscribe((name, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, name, payload);
  });
  let bound = true;
  return () => {
    if (!bound) return;
    bound = false;
    ipcMain.removeHandler(IPC_CALL);
    unsubscribe();
  };
}
