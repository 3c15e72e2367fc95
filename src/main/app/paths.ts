// Where the app's files live at run time. The bundles sit side by side after `electron-vite build`:
// out/main/{index,compute}.js, out/preload/index.cjs, out/renderer/index.html (and the same inside app.asar).
import { app } from 'electron';
import { join, resolve } from 'node:path';

/** The database: $GROKSCOPE_DB when set (as in the CLI), else `<userData>/grokscope.db`. */
export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.GROKSCOPE_DB?.trim();
  return override ? resolve(override) : join(app.getPath('userData'), 'grokscope.db');
}

/** The sandboxed preload must be CommonJS, hence .cjs in an ESM package. */
export const preloadPath = (mainDir: string): string => join(mainDir, '..', 'preload', 'index.cjs');

export const rendererIndexPath = (mainDir: string): string => join(mainDir, '..', 'renderer', 'index.html');

/** The compute process entry, bundled next to the main entry. */
export const computeEntryPath = (mainDir: string): string => join(mainDir, 'compute.js');

/** electron-vite sets ELECTRON_RENDERER_URL in `dev`; a packaged app never uses a dev server. */
export function devServerUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  if (app.isPackaged) return null;
  const url = env.ELECTRON_RENDERER_URL?.trim();
  return url ? url : null;
}

/** The window icon (also inside app.asar when packaged: electron-builder.yml ships resources/**). */
export const iconPath = (): string => join(app.getAppPath(), 'resources', 'icon.png');
