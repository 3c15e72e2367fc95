// Shared by the back-end integration tests: a real back end on a temporary database, training in real compute
// processes (child-launcher → src/main/compute/entry.ts), and small waiting helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import type { EventName, EventPayloads } from '../../src/shared/api/contract';

export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `grokscope-${prefix}-`));
  return { dir, file: (n: string) => join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function realBackend(dbPath: string, maxConcurrent = 1): LocalBackend {
  return createBackend({ dbPath, launcher: createChildLauncher(), maxConcurrent, flushMs: 100 });
}

/** A tiny MLP on a+b mod 11: a few milliseconds per step on wasm. */
export const tinyConfig = (training: Partial<RunConfigInput['training']> = {}, extra: Partial<RunConfigInput> = {}): RunConfig =>
  RunConfigSchema.parse({
    seed: 1,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
    optimizer: { lr: 0.003, weightDecay: 1 },
    training: { steps: 300, evalEvery: 10, ...training },
    ...extra,
  });

/** Resolves with the first event payload matching `pred`. */
export function nextEvent<E extends EventName>(
  backend: LocalBackend,
  event: E,
  pred: (p: EventPayloads[E]) => boolean,
  timeoutMs = 60_000,
): Promise<EventPayloads[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = backend.events.subscribe((e, p) => {
      if ((e as EventName) === event && pred(p as EventPayloads[E])) {
        clearTimeout(timer);
        off();
        resolve(p as EventPayloads[E]);
      }
    });
  });
}

export const statusIs =
  (runId: number, ...statuses: string[]) =>
  (p: EventPayloads['run.status']) =>
    p.runId === runId && statuses.includes(p.status);

/** Records every event of a run, in order. */
export function recordEvents(backend: LocalBackend, runId: () => number | null) {
  const statuses: string[] = [];
  const progress: EventPayloads['run.progress'][] = [];
  const off = backend.events.subscribe((e, p) => {
    if (e === 'run.status' && (p as EventPayloads['run.status']).runId === runId())
      statuses.push((p as EventPayloads['run.status']).status);
    if (e === 'run.progress' && (p as EventPayloads['run.progress']).runId === runId()) progress.push(p as EventPayloads['run.progress']);
  });
  return { statuses, progress, off };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process exists. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
