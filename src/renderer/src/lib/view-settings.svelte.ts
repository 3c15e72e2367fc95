// Chart view settings that researchers set once and expect to stay: smoothing weight, log-x and the x axis (step or
// wall-clock time), remembered locally.
const KEY = 'grokscope.view';

interface Saved {
  smoothing: number;
  logX: boolean;
  xAxis: 'step' | 'time';
}

function read(): Saved {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    const s = typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing < 1 ? v.smoothing : 0.6;
    return { smoothing: s, logX: v.logX === true, xAxis: v.xAxis === 'time' ? 'time' : 'step' };
  } catch {
    return { smoothing: 0.6, logX: false, xAxis: 'step' };
  }
}

class ViewSettings {
  smoothing = $state(read().smoothing);
  logX = $state(read().logX);
  xAxis = $state(read().xAxis);
  save(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ smoothing: this.smoothing, logX: this.logX, xAxis: this.xAxis }));
    } catch {
      // not remembered
    }
  }
}

export const view = new ViewSettings();
