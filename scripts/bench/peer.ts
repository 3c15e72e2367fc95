// Runs the PyTorch peer (scripts/bench/torch_peer.py, Debian's python3-torch through /usr/bin/python3) on the same
// training rows as the engine, and returns its median ms/step per config, or why it is unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../../src/shared/config/run-config';
import { buildModularDataset } from '../../src/main/compute/tasks/modular';
import type { Cell, TimingPlan } from './measure';

const PYTHON = process.env.GROKSCOPE_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_peer.py');

export interface PeerResult {
  /** per config, per torch thread count */
  cells: Record<string, Record<string, Cell>>;
  torch: string | null;
}

/** Times every config with torch at 1 thread and at one thread per core (PyTorch's own default may be either). */
export function runPeer(configs: { id: string; config: RunConfig }[], plan: TimingPlan, cores = os.cpus().length): PeerResult {
  const threads = [...new Set([1, cores])];
  const fail = (why: string): PeerResult => ({
    cells: Object.fromEntries(configs.map((c) => [c.id, Object.fromEntries(threads.map((t) => [String(t), { unavailable: why }]))])),
    torch: null,
  });
  if (!existsSync(PYTHON)) return fail(`${PYTHON} not found (apt-get install python3-torch libopenblas0-pthread)`);
  const job = {
    threads,
    warmup: plan.warmup,
    steps: plan.steps,
    budgetMs: plan.budgetMs,
    configs: configs.map(({ id, config }) => {
      const ds = buildModularDataset(config.task);
      return {
        id,
        model: config.model,
        optimizer: config.optimizer,
        vocabSize: ds.vocabSize,
        seqLen: ds.seqLen,
        numClasses: ds.numClasses,
        tokens: Array.from(ds.train.tokens),
        targets: Array.from(ds.train.targets),
      };
    }),
  };
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return fail(`${PYTHON} failed to start: ${r.error.message}`);
  if (r.status !== 0) {
    const err = r.stderr.trim().split('\n');
    const last = err[err.length - 1] ?? `exit ${r.status}`;
    return fail(last.includes('No module named') ? `${last} (apt-get install python3-torch libopenblas0-pthread)` : last);
  }
  const out = JSON.parse(r.stdout) as { torch: string; results: Record<string, Record<string, { msPerStep: number; times: number[] }>> };
  const cells: Record<string, Record<string, Cell>> = {};
  for (const { id } of configs) {
    cells[id] = {};
    for (const t of threads) {
      const res = out.results[id]?.[String(t)];
      cells[id][String(t)] = res
        ? { msPerStep: res.msPerStep, steps: res.times.length, times: res.times, notes: [] }
        : { unavailable: 'no result' };
    }
  }
  return { cells, torch: out.torch };
}
