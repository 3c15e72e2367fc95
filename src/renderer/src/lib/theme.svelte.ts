// Light / dark: follows the system (prefers-color-scheme) unless the user picks one; the choice is remembered.
export type ThemePref = 'system' | 'light' | 'dark';
const KEY = 'grokscope.theme';

function readPref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class Theme {
  pref = $state<ThemePref>(readPref());
  private systemDark = $state(false);
  readonly resolved = $derived<'light' | 'dark'>(this.pref === 'system' ? (this.systemDark ? 'dark' : 'light') : this.pref);

  constructor() {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = mq.matches;
    mq.addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  /** system → light → dark → system */
  cycle(): void {
    this.set(this.pref === 'system' ? 'light' : this.pref === 'light' ? 'dark' : 'system');
  }

  /** A choice from the header button or the desktop app's View → Theme menu. */
  set(pref: ThemePref): void {
    this.pref = pref;
    try {
      if (this.pref === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, this.pref);
    } catch {
      // not remembered; still applied
    }
  }
}

export const theme = new Theme();
