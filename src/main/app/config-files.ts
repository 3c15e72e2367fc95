// Config files from the desktop: paths the OS hands us (double-click on an associated file, a second launch, macOS
// open-file, File → Open) and paths of files dropped on the window. Each is read here, in the main process, with
// limits (a config extension, a regular file, at most MAX_CONFIG_BYTES), told apart as run or sweep config, and validated by the
// shared parsers, so every problem comes back with its config path and line next to the file's name.
import { open, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import type { ApiHandlers } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import {
  CONFIG_FILE_PATTERN,
  CONFIG_SIZE_LIMIT_TEXT,
  MAX_CONFIG_BYTES,
  type ConfigKind,
  type DroppedFileResult,
  type OpenedConfig,
} from '../../shared/api/desktop';
import type { ConfigProblem } from '../../shared/config/errors';
import { fileErrorReason } from '../../shared/config/file-errors';
import { formatFromName, looksLikeSweep, parseConfigText, parseDocumentText, parseSweepText } from '../../shared/config/parse';

export class ConfigFileError extends Error {}

/** Reads a config file by path, refusing anything that is not a plausible config file. */
export async function readConfigFile(path: string): Promise<{ name: string; path: string; text: string }> {
  // '' is what the preload sends for a dropped item that is not a file on disk (e.g. text dragged from a web page)
  if (path === '') throw new ConfigFileError('not a file on disk: drop config files from a file manager');
  if (typeof path !== 'string' || !isAbsolute(path))
    throw new ConfigFileError(`not an absolute file path: ${JSON.stringify(String(path)).slice(0, 200)}`);
  const name = basename(path);
  if (!CONFIG_FILE_PATTERN.test(name))
    throw new ConfigFileError(`${name}: not a config file (Grokscope reads .json, .yaml and .yml files, e.g. run.grok.yaml)`);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new ConfigFileError(`${path}: ${fileErrorReason(e)}`);
  }
  if (!info.isFile()) throw new ConfigFileError(`${path}: not a regular file`);
  const tooBig = (size: string) =>
    new ConfigFileError(
      `${name}: the file has ${size} bytes; a config file may have at most ${MAX_CONFIG_BYTES} (${CONFIG_SIZE_LIMIT_TEXT})`,
    );
  if (info.size > MAX_CONFIG_BYTES) throw tooBig(String(info.size));
  // read with the limit too: the file may have grown since stat
  const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
  let n = 0;
  try {
    const handle = await open(path, 'r');
    try {
      for (let got = -1; got !== 0 && n < buf.length; n += got) got = (await handle.read(buf, n, buf.length - n, null)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new ConfigFileError(`${path}: ${fileErrorReason(e)}`);
  }
  if (n > MAX_CONFIG_BYTES) throw tooBig('more than ' + MAX_CONFIG_BYTES);
  return { name, path, text: buf.toString('utf8', 0, n) };
}

/** Run or sweep, from the document's shape (a sweep has "axes" at the top); null when it does not even parse. */
export function configKind(name: string, text: string): ConfigKind | null {
  const doc = parseDocumentText(text, formatFromName(name));
  if (!doc.ok) return null;
  return looksLikeSweep(doc.value) ? 'sweep' : 'run';
}

/** Reads and validates a config file opened from the OS: never starts anything; problems are part of the answer. */
export async function openConfigFile(path: string): Promise<OpenedConfig> {
  let file;
  try {
    file = await readConfigFile(path);
  } catch (e) {
    return {
      name: basename(String(path)),
      path: String(path),
      kind: null,
      text: '',
      problems: [{ path: '', message: (e as Error).message }],
      config: null,
    };
  }
  const kind = configKind(file.name, file.text);
  if (kind === 'sweep') {
    const r = parseSweepText(file.text, file.name);
    return { ...file, kind, problems: r.ok ? [] : r.problems, config: null };
  }
  const r = parseConfigText(file.text, file.name);
  return { ...file, kind, problems: r.ok ? [] : r.problems, config: r.ok ? r.config : null };
}

const failed = (name: string, kind: ConfigKind | null, message: string, problems?: ConfigProblem[]): DroppedFileResult => ({
  name,
  kind,
  outcome: { ok: false, error: { code: 'invalid_input', message, ...(problems ? { problems } : {}) } },
});

/**
 * Dropped files: each read and started on its own (a run or a sweep), so one bad file never blocks the others. The
 * files are read at once but started in the order they were dropped, so their runs are numbered in that order (when
 * each started as its read finished, the numbering depended on which read finished first).
 */
export async function startDroppedFiles(paths: readonly unknown[], handlers: ApiHandlers): Promise<DroppedFileResult[]> {
  const reads = await Promise.all(
    paths.map((path) =>
      readConfigFile(path as string).then(
        (file) => ({ file }),
        (e: Error) => ({ error: failed(typeof path === 'string' && path ? basename(path) : 'unnamed file', null, e.message) }),
      ),
    ),
  );
  const results: DroppedFileResult[] = [];
  for (const read of reads) results.push('error' in read ? read.error : await startFile(read.file, handlers));
  return results;
}

async function startFile(file: { name: string; text: string }, handlers: ApiHandlers): Promise<DroppedFileResult> {
  const kind = configKind(file.name, file.text);
  // the same dispatcher (schema, error mapping) as a call from the renderer
  const r = await dispatch(handlers, kind === 'sweep' ? 'sweeps.createFromFile' : 'runs.createFromFile', {
    name: file.name,
    text: file.text,
  });
  if (!r.ok) return { name: file.name, kind, outcome: r };
  const result = r.result as { id: number; runIds?: number[] };
  return {
    name: file.name,
    kind,
    outcome:
      kind === 'sweep'
        ? { ok: true, runId: null, sweepId: result.id, sweepRuns: result.runIds?.length ?? 0 }
        : { ok: true, runId: result.id, sweepId: null, sweepRuns: 0 },
  };
}

/** The config files named on a command line (the OS passes the double-clicked file as an argument). */
export function configPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  // argv[0] is the executable; in development argv[1] is the app folder ("electron ."): both are never configs
  return argv
    .slice(1)
    .filter((a) => !a.startsWith('-') && CONFIG_FILE_PATTERN.test(a))
    .map((a) => resolve(cwd, a));
}
