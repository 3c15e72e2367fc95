// Where the CLI writes: results to stdout, progress and messages to stderr. Everything written passes safe-text, so
// no file name, run name or stored error can reach the terminal as a control sequence.
import { safeJson, safeText } from './safe-text';

export const out = (s: string): void => {
  const t = safeText(s);
  process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
};
export const err = (s: string): void => {
  const t = safeText(s);
  process.stderr.write(t.endsWith('\n') ? t : `${t}\n`);
};
export const json = (v: unknown): void => out(safeJson(v));
