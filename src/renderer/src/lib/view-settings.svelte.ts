// Chart view settings that researchers set once and expect to stay: smoothing weight and log-x, remembered locally.
const KEY = 'grokscope.view';

interface Saved {
  smoothing: number;
  logX: boolean;
}

function read(): Saved {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    const s = typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing < 1 ? v.smoothing : 0.6;
    return { smoothing: s, logX: v.logX === true };
  } catch {
    return { smoothing: 0.6, logX: false };
  }
}

class ViewSettings {
  smoothing = $state(read().smoothing);
  logX = $state(read().logX);
  save(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ smoothing: this.smoothing, logX: this.logX }));
    } catch {
      // not remembered
    }
  }
}

export const view = new ViewSettings();
