// Shared by the store tests: a temporary folder per test file, and a minimal valid run config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema, type RunConfig } from '../../src/shared/config/run-config';

export function tempDir(prefix: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `grokscope-${prefix}-`));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const smallConfig = (over: Partial<{ steps: number; p: number; seed: number; name: string }> = {}): RunConfig =>
  RunConfigSchema.parse({
    ...(over.name ? { name: over.name } : {}),
    seed: over.seed ?? 0,
    task: { kind: 'modular', op: 'add', p: over.p ?? 11, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    training: { steps: over.steps ?? 100, evalEvery: 10 },
  });

export const OWNER = { host: 'test-host', pid: 1 };
