// The window's size and position, remembered across launches in a small settings file in userData. A remembered
// position that is no longer on any screen (a monitor was unplugged) is dropped, so the window never opens off-screen.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  /** absent: let the OS place (centre) the window */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW: WindowState = { width: 1360, height: 860, maximized: false };
export const MIN_WINDOW = { width: 820, height: 560 } as const;
/** how much of the window must lie on a screen for its remembered position to be kept */
const MIN_VISIBLE = { width: 120, height: 60 } as const;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 100_000;

const overlap = (a: Rect, b: Rect): { width: number; height: number } => ({
  width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
  height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
});

/** The state to open with: what the file remembers, checked against the screens' work areas now. */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const s = (saved && typeof saved === 'object' ? (saved as { window?: unknown }).window : null) as Partial<
    Record<keyof WindowState, unknown>
  > | null;
  if (!s || !isInt(s.width) || !isInt(s.height)) return { ...DEFAULT_WINDOW };
  const largest = workAreas.reduce((m, a) => ({ width: Math.max(m.width, a.width), height: Math.max(m.height, a.height) }), {
    width: 0,
    height: 0,
  });
  const clamp = (v: number, min: number, max: number) => Math.max(min, max > 0 ? Math.min(v, max) : v);
  const state: WindowState = {
    width: clamp(s.width, MIN_WINDOW.width, largest.width),
    height: clamp(s.height, MIN_WINDOW.height, largest.height),
    maximized: s.maximized === true,
  };
  if (isInt(s.x) && isInt(s.y)) {
    const rect = { x: s.x, y: s.y, width: state.width, height: state.height };
    const onScreen = workAreas.some((area) => {
      const o = overlap(rect, area);
      return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
    });
    if (onScreen) Object.assign(state, { x: s.x, y: s.y });
  }
  return state;
}

/** The settings file as a plain object ({} when missing or unreadable: a broken file never stops the app). */
export function readSettings(file: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Merges `patch` into the settings file, written atomically (a crash mid-write leaves the old file). */
export function writeSettings(file: string, patch: Record<string, unknown>): void {
  const next = { ...readSettings(file), ...patch };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n');
  renameSync(tmp, file);
}

/** What a window looks like to the tracker (a BrowserWindow satisfies it). */
export interface TrackedWindow {
  on(event: 'close' | 'resize' | 'move', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
}

/** Saves the window's normal (unmaximised) bounds when it closes, and after moves and resizes settle. */
export function trackWindowState(window: TrackedWindow, file: string, settleMs = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return;
    const b = window.getNormalBounds();
    try {
      writeSettings(file, { window: { x: b.x, y: b.y, width: b.width, height: b.height, maximized: window.isMaximized() } });
    } catch (e) {
      console.error(`Grokscope: could not remember the window's size in ${file}: ${(e as Error).message}`);
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, settleMs);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('close', save);
  return () => {
    if (timer) clearTimeout(timer);
  };
}
