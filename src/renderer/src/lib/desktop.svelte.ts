// The desktop app's side of the renderer: config files the OS opened, and the native menu's commands (navigate,
// theme, export all figures of the run on screen). Nothing here runs in a browser (api.desktop is null there).
import type { DesktopCommand } from '../../../shared/api/desktop';
import { api } from './api';
import { errorMessage } from './bridge';
import { drops } from './drops.svelte';
import { router } from './router.svelte';
import { theme } from './theme.svelte';
import { toasts } from './toasts.svelte';
import { view } from './view-settings.svelte';

async function takeOpened(): Promise<void> {
  if (!api.desktop) return;
  try {
    const page = drops.showOpened(await api.desktop.takeOpenedConfigs());
    if (page) router.go(page);
  } catch (e) {
    toasts.error(`Could not open the config file: ${errorMessage(e)}`);
  }
}

async function exportFigures(): Promise<void> {
  const route = router.route;
  if (!api.desktop) return;
  if (route.name !== 'run') {
    toasts.show('Open a run first: File → Export All Figures exports the figures of the run on screen.');
    return;
  }
  try {
    const r = await api.desktop.exportRunFigures(route.id, { smoothing: view.smoothing, logX: view.logX });
    if (!r) return;
    const figures = r.files.filter((f) => f.endsWith('.svg')).length;
    toasts.show(`Exported ${figures} figures of run ${route.id} (SVG and PNG) to ${r.dir}`);
  } catch (e) {
    toasts.error(`Export of the figures of run ${route.id} failed: ${errorMessage(e)}`);
  }
}

function onCommand(c: DesktopCommand): void {
  if (c.kind === 'navigate') router.go(c.path);
  else if (c.kind === 'theme') theme.set(c.value);
  else if (c.kind === 'export-figures') void exportFigures();
  else if (c.kind === 'config-opened') void takeOpened();
}

/** Starts listening; returns the stop function (for an $effect). */
export function startDesktop(): () => void {
  if (!api.desktop) return () => {};
  const desktop = api.desktop;
  const stop = api.desktop.onCommand(onCommand);
  void takeOpened();
  // the page's theme choice (remembered in localStorage, changed by the header button) drives the native one
  const stopTheme = $effect.root(() => {
    $effect(() => {
      desktop.setTheme(theme.pref).catch(() => {});
    });
  });
  return () => {
    stop();
    stopTheme();
  };
}
