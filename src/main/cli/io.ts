// Where the CLI writes: results to stdout, progress and messages to stderr.
export const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};
export const err = (s: string): void => {
  process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
};
export const json = (v: unknown): void => out(JSON.stringify(v, null, 2));
