// The desktop extras over IPC (channels in shared/api/desktop): dropped file paths, opened configs, "export all
// figures". Each call passes the same sender check as the API calls; bad arguments are refused, not guessed at.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  IPC_DESKTOP,
  type DesktopCommand,
  type DroppedFileResult,
  type ExportFiguresResult,
  type OpenedConfig,
} from '../../shared/api/desktop';
import { isTrustedSender } from './ipc';

export interface DesktopHandlers {
  drop(paths: string[]): Promise<DroppedFileResult[]>;
  takeOpened(): OpenedConfig[];
  exportFigures(runId: number, view: { smoothing?: number; logX?: boolean }): Promise<ExportFiguresResult | null>;
  setTheme(theme: 'system' | 'light' | 'dark'): void;
}

/** At most this many files per drop: a drop of a whole folder's contents is a mistake, not a batch of runs. */
export const MAX_DROPPED_FILES = 64;

export class DesktopIpcError extends Error {}

function dropPaths(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_DROPPED_FILES || !value.every((p) => typeof p === 'string'))
    throw new DesktopIpcError(`a drop is a list of at most ${MAX_DROPPED_FILES} file paths`);
  return value as string[];
}

function exportArgs(runId: unknown, view: unknown): [number, { smoothing?: number; logX?: boolean }] {
  if (typeof runId !== 'number' || !Number.isInteger(runId) || runId <= 0)
    throw new DesktopIpcError('export needs a run id (a positive integer)');
  const v = (view ?? {}) as { smoothing?: unknown; logX?: unknown };
  const smoothing = typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing < 1 ? v.smoothing : undefined;
  return [runId, { smoothing, logX: v.logX === true }];
}

export function bindDesktopIpc(opts: { window: BrowserWindow; isAppUrl: (url: string) => boolean; handlers: DesktopHandlers }): () => void {
  const contents = opts.window.webContents;
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (event: IpcMainInvokeEvent, ...args: A): R => {
      if (!isTrustedSender(event, contents, opts.isAppUrl))
        throw new DesktopIpcError('IPC call refused: the sender is not the Grokscope window');
      return fn(...args);
    };
  ipcMain.handle(
    IPC_DESKTOP.drop,
    guarded((paths: unknown) => opts.handlers.drop(dropPaths(paths))),
  );
  ipcMain.handle(
    IPC_DESKTOP.takeOpened,
    guarded(() => opts.handlers.takeOpened()),
  );
  ipcMain.handle(
    IPC_DESKTOP.theme,
    guarded((theme: unknown) => {
      if (theme !== 'system' && theme !== 'light' && theme !== 'dark') throw new DesktopIpcError('a theme is system, light or dark');
      opts.handlers.setTheme(theme);
    }),
  );
  ipcMain.handle(
    IPC_DESKTOP.exportFigures,
    guarded((runId: unknown, view: unknown) => opts.handlers.exportFigures(...exportArgs(runId, view))),
  );
  return () => {
    for (const channel of [IPC_DESKTOP.drop, IPC_DESKTOP.takeOpened, IPC_DESKTOP.exportFigures, IPC_DESKTOP.theme])
      ipcMain.removeHandler(channel);
  };
}

export function sendCommand(window: BrowserWindow | null, command: DesktopCommand): void {
  if (window && !window.webContents.isDestroyed()) window.webContents.send(IPC_DESKTOP.command, command);
}
