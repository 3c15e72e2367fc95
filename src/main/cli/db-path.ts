// Where the CLI's database lives: --db, else $GROKSCOPE_DB, else $XDG_DATA_HOME/grokscope/grokscope.db, else
// ~/.local/share/grokscope/grokscope.db (the XDG default). The folder is created when the database is opened.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env['GROKSCOPE_DB']) return resolve(env['GROKSCOPE_DB']);
  const xdg = env['XDG_DATA_HOME'];
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && xdg.startsWith('/')) return join(xdg, 'grokscope', 'grokscope.db');
  return join(home, '.local', 'share', 'grokscope', 'grokscope.db');
}

export const dbPathFrom = (flag: string | undefined): string => (flag ? resolve(flag) : defaultDbPath());
