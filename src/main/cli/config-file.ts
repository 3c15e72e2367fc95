// Reads and validates a config file for the CLI. Every problem is reported as FILE:LINE: PATH: PROBLEM (exit 2).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseConfigText, STDIN_NAME, type RunOverrides } from '../../shared/config/parse';
import { formatProblem } from '../../shared/config/errors';
import { fileErrorReason } from '../../shared/config/file-errors';
import { CONFIG_SIZE_LIMIT_TEXT, MAX_CONFIG_BYTES } from '../../shared/config/limits';
import type { RunConfig } from '../../shared/config/run-config';
import { UsageError } from './errors';

/** `-` and /dev/stdin mean standard input, as in most command-line tools. */
export const isStdin = (file: string): boolean => file === '-' || file === '/dev/stdin';

/** The name a config file is reported under: its path, or <stdin>. */
export const configName = (file: string): string => (isStdin(file) ? STDIN_NAME : file);

const unreadable = (name: string, e: unknown): UsageError => new UsageError(`${name}: ${fileErrorReason(e)}`);

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Reads at most MAX_CONFIG_BYTES + 1 bytes, so that /dev/zero, a pipe that never ends or a huge file is refused
 * after 64 KiB instead of filling memory; the size stat reports is not trusted (devices and pipes report 0).
 */
function readBounded(fd: number, name: string): string {
  if (fstatSync(fd).isDirectory()) throw new UsageError(`${name}: ${fileErrorReason({ code: 'EISDIR' })}`);
  const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
  let n = 0;
  while (n < buf.length) {
    let got: number;
    try {
      got = readSync(fd, buf, n, buf.length - n, null);
    } catch (e) {
      // standard input may be non-blocking (a pipe Node set up, a terminal): wait for the writer
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        pause(10);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw unreadable(name, e);
    }
    if (got === 0) break;
    n += got;
  }
  if (n > MAX_CONFIG_BYTES)
    throw new UsageError(`${name}: is larger than ${CONFIG_SIZE_LIMIT_TEXT}; a config file may have at most ${MAX_CONFIG_BYTES} bytes`);
  return buf.toString('utf8', 0, n);
}

/** A config file's text and the name to report it under; `-` or /dev/stdin reads standard input. */
export function readConfig(file: string): { name: string; text: string } {
  const name = configName(file);
  if (isStdin(file)) return { name, text: readBounded(0, name) };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw unreadable(name, e);
  }
  try {
    return { name, text: readBounded(fd, name) };
  } finally {
    closeSync(fd);
  }
}

/** Validates a run config already read; problems are thrown as one UsageError, one line each. */
export function runConfigFromText(text: string, name: string, overrides: RunOverrides = {}): RunConfig {
  const r = parseConfigText(text, name, overrides);
  if (r.ok) return r.config;
  const n = r.problems.length;
  throw new UsageError(
    `${name}: ${n === 1 ? 'one problem' : `${n} problems`}`,
    r.problems.map((p) => formatProblem(p, name)),
  );
}

export function loadRunConfig(file: string, overrides: RunOverrides = {}): RunConfig {
  const { name, text } = readConfig(file);
  return runConfigFromText(text, name, overrides);
}
