// The native menu and its keyboard shortcuts. The template is built by a plain function (unit-tested); the actions
// are the app's: open a config file, jump to runs and sweeps, export all figures of the run on screen, theme, zoom.
import type { MenuItemConstructorOptions } from 'electron';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface MenuActions {
  openConfig(): void;
  navigate(path: string): void;
  exportFigures(): void;
  setTheme(theme: ThemeChoice): void;
}

export interface RecentRun {
  id: number;
  name: string;
  status: string;
}

/** Recent runs listed in File → Recent runs. */
export const RECENT_RUNS = 10;

export const SHORTCUTS = {
  openConfig: 'CmdOrCtrl+O',
  newRun: 'CmdOrCtrl+N',
  newSweep: 'CmdOrCtrl+Shift+N',
  exportFigures: 'CmdOrCtrl+Shift+E',
  runs: 'CmdOrCtrl+1',
  sweeps: 'CmdOrCtrl+2',
} as const;

export function menuTemplate(opts: {
  actions: MenuActions;
  recentRuns: readonly RecentRun[];
  theme: ThemeChoice;
  isMac: boolean;
  /** development builds get the developer tools */
  devTools: boolean;
}): MenuItemConstructorOptions[] {
  const { actions: a } = opts;
  const recent: MenuItemConstructorOptions[] =
    opts.recentRuns.length === 0
      ? [{ label: 'No runs yet', enabled: false }]
      : opts.recentRuns.slice(0, RECENT_RUNS).map((r) => ({
          // '&' would be read as a mnemonic marker on Windows and Linux
          label: `#${r.id} ${r.name.replaceAll('&', '&&')} (${r.status})`,
          click: () => a.navigate(`/runs/${r.id}`),
        }));
  const theme = (value: ThemeChoice, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: opts.theme === value,
    click: () => a.setTheme(value),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        { label: 'Open Config…', accelerator: SHORTCUTS.openConfig, click: () => a.openConfig() },
        { label: 'New Run', accelerator: SHORTCUTS.newRun, click: () => a.navigate('/new') },
        { label: 'New Sweep', accelerator: SHORTCUTS.newSweep, click: () => a.navigate('/sweeps/new') },
        { type: 'separator' },
        { label: 'Recent Runs', submenu: recent },
        { type: 'separator' },
        { label: 'Export All Figures of This Run…', accelerator: SHORTCUTS.exportFigures, click: () => a.exportFigures() },
        ...(opts.isMac ? [] : ([{ type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[])),
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Runs', accelerator: SHORTCUTS.runs, click: () => a.navigate('/') },
        { label: 'Sweeps', accelerator: SHORTCUTS.sweeps, click: () => a.navigate('/sweeps') },
        { type: 'separator' },
        { label: 'Theme', submenu: [theme('system', 'Follow the System'), theme('light', 'Light'), theme('dark', 'Dark')] },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(opts.devTools ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      ],
    },
    { role: 'windowMenu' },
  ];
  return opts.isMac ? [{ role: 'appMenu' }, ...template] : template;
}
