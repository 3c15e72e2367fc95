// What the desktop app adds to the API contract: config files opened from the OS (double-click, second launch,
// File → Open) or dropped on the window, menu commands for the renderer, and "export all figures of this run".
// The preload exposes these as `window.grokscope.desktop`; a browser (grokscope serve) has none of them.
import type { ConfigProblem } from '../config/errors';
import type { RunConfig } from '../config/run-config';
import type { ApiErrorShape } from './types';

/** Invoke channels (renderer → main, each answered) and the one send channel (main → renderer). */
export const IPC_DESKTOP = {
  drop: 'grokscope:drop-paths',
  takeOpened: 'grokscope:take-opened',
  exportFigures: 'grokscope:export-figures',
  theme: 'grokscope:theme',
  command: 'grokscope:command',
} as const;

/** The extensions the installers associate with Grokscope (double-click opens the app with the config ready). */
export const CONFIG_FILE_EXTENSIONS = ['.grok.json', '.grok.yaml', '.grok.yml'] as const;
/** What the app reads as a config file when dropped or opened (the associated ones are a subset). */
export const CONFIG_FILE_PATTERN = /\.(json|ya?ml)$/i;
/** The largest config file the app reads (bytes); see config/limits. */
export { CONFIG_SIZE_LIMIT_TEXT, MAX_CONFIG_BYTES } from '../config/limits';

export type ConfigKind = 'run' | 'sweep';

/** A dropped file as the main process handled it: started (run or sweep) or why not. */
export interface DroppedFileResult {
  name: string;
  /** null when the file could not be read or parsed far enough to tell */
  kind: ConfigKind | null;
  outcome: { ok: true; runId: number | null; sweepId: number | null; sweepRuns: number } | { ok: false; error: ApiErrorShape };
}

/** A config file opened from the OS or the File menu: read and validated, not started. */
export interface OpenedConfig {
  name: string;
  path: string;
  kind: ConfigKind | null;
  /** the file's text (so a sweep or an invalid run can still be started or fixed from the UI) */
  text: string;
  problems: ConfigProblem[];
  /** the validated run config (kind 'run' and no problems), to put in the new-run form */
  config: RunConfig | null;
}

export interface ExportFiguresResult {
  dir: string;
  files: string[];
  /** figures that had nothing to draw, with why */
  skipped: { figure: string; reason: string }[];
}

/** Commands from the native menu (and its shortcuts) that the renderer carries out. */
export type DesktopCommand =
  | { kind: 'navigate'; path: string }
  | { kind: 'theme'; value: 'system' | 'light' | 'dark' }
  | { kind: 'export-figures' }
  | { kind: 'config-opened' };

export interface DesktopBridge {
  /** Files dropped on the window (DOM File objects): their paths go to the main process, which reads and starts them. */
  dropFiles(files: readonly unknown[]): Promise<DroppedFileResult[]>;
  /** Config files opened from the OS since the last call (the first call also gets those opened at launch). */
  takeOpenedConfigs(): Promise<OpenedConfig[]>;
  /** Asks for a folder and writes every figure of the run there as PNG (2×) and SVG; null when cancelled. */
  exportRunFigures(runId: number, view?: { smoothing?: number; logX?: boolean }): Promise<ExportFiguresResult | null>;
  onCommand(listener: (command: DesktopCommand) => void): () => void;
  /** The renderer's theme choice (header button), so native parts and the View → Theme menu follow it. */
  setTheme(theme: 'system' | 'light' | 'dark'): Promise<void>;
}
