// npm run bench [-- --json] [--steps N] [--warmup N] [--budget-ms N] [--backends webgpu,wasm,cpu,tensorflow] [CONFIG...]
// A benchmark, not a test: times the median training step of the canonical configs (examples/bench/*.json) on every
// TF.js backend present, and the same models in PyTorch (scripts/bench/torch_peer.py), in one invocation.
// Prints a table, or with --json one JSON object: per config, ms/step per backend, PyTorch's, and ours / PyTorch's.
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadRunConfig } from '../src/main/cli/config-file';
import { executionSettings } from '../src/main/host/execution-settings';
import type { RunConfig } from '../src/shared/config/run-config';
import { timeBackend, type Cell, type TimingPlan } from './bench/measure';
import { runPeer, type PeerResult } from './bench/peer';

const CANONICAL = ['examples/bench/nanda-1layer-p113.json', 'examples/bench/power-2layer-p97.json', 'examples/bench/mlp-p97.json'];
const BACKENDS = ['webgpu', 'wasm', 'cpu', 'tensorflow'] as const;
type Backend = (typeof BACKENDS)[number];

interface Args {
  json: boolean;
  files: string[];
  plan: TimingPlan;
  backends: Backend[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, files: [], plan: { warmup: 2, steps: 10, budgetMs: 15_000 }, backends: [...BACKENDS] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer, got ${argv[i]}`);
      return v;
    };
    if (arg === '--json') a.json = true;
    else if (arg === '--steps') a.plan.steps = Math.max(1, num(arg));
    else if (arg === '--warmup') a.plan.warmup = num(arg);
    else if (arg === '--budget-ms') a.plan.budgetMs = num(arg);
    else if (arg === '--backends') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      for (const b of list)
        if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend "${b}" (${BACKENDS.join(', ')})`);
      a.backends = list as Backend[];
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else a.files.push(arg);
  }
  if (a.files.length === 0) a.files = CANONICAL;
  return a;
}

function tfjsVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
}

/** How the timed steps were threaded, for the report: GROKSCOPE_WORKERS's count, or the default. */
function describeThreads(): string {
  const { threads } = executionSettings();
  return 'workers' in threads ? String(threads.workers) : `default (${threads.cores} cores: one gradient worker per core beyond the first)`;
}

const ms = (c: Cell | undefined) => (c && 'msPerStep' in c ? c.msPerStep : null);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const configs = args.files.map((f) => ({ id: path.basename(f, '.json'), file: f, config: loadRunConfig(f) as RunConfig }));
  const log = (s: string) => {
    if (!args.json) process.stderr.write(s + '\n');
  };
  // Each config's PyTorch timing follows its TF.js timings, so that the two see the machine in the same state.
  const ours: Record<string, Partial<Record<Backend, Cell>>> = {};
  const cores = os.cpus().length;
  const peer: PeerResult = { cells: {}, torch: null };
  for (const { id, config } of configs) {
    ours[id] = {};
    for (const b of args.backends) {
      log(`timing ${id} on ${b} …`);
      ours[id][b] = await timeBackend(config, b, args.plan);
    }
    log(`timing ${id} in PyTorch …`);
    const p = runPeer([{ id, config }], args.plan, cores);
    peer.cells[id] = p.cells[id]!;
    peer.torch ??= p.torch;
  }
  const best = (cells: Record<string, Cell>) => {
    const times = Object.values(cells)
      .map(ms)
      .filter((x): x is number => x !== null);
    return times.length ? Math.min(...times) : null;
  };
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores,
      loadAverage: os.loadavg(),
      node: process.version,
      tfjs: tfjsVersion(),
      torch: peer.torch,
    },
    plan: args.plan,
    workers: describeThreads(),
    configs: Object.fromEntries(
      configs.map(({ id, file, config }) => {
        const py = peer.cells[id]!;
        const allCores = ms(py[String(cores)]);
        const fastest = best(py);
        const ratio = (b: Backend, ref: number | null) => {
          const cell = ours[id]![b];
          if (cell && 'notMeaningful' in cell && cell.notMeaningful) return null; // a software GPU's time is no ratio
          const a = ms(cell);
          return a !== null && ref !== null ? a / ref : null;
        };
        return [
          id,
          {
            file,
            name: config.name ?? id,
            backends: ours[id],
            pytorch: py,
            /** ours / PyTorch with one thread per core (the issue's comparison) */
            ratio: Object.fromEntries(args.backends.map((b) => [b, ratio(b, allCores)])),
            /** ours / the faster of PyTorch's thread counts */
            ratioToBestPytorch: Object.fromEntries(args.backends.map((b) => [b, ratio(b, fastest)])),
          },
        ];
      }),
    ),
  };
  if (args.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  const fmt = (c: Cell | undefined) =>
    !c ? '-' : 'msPerStep' in c ? `${c.msPerStep.toFixed(0)} ms${c.notMeaningful ? ' (software GPU: not meaningful)' : ''}` : `unavailable`;
  const threadCols = [...new Set([1, cores])].map(String);
  const x = (r: number | null | undefined) => (r == null ? '-' : `${r.toFixed(2)}×`);
  const lines = [
    `${report.date} · ${report.machine.cpu} × ${cores} (load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}) · Node ${report.machine.node} · tfjs ${report.machine.tfjs} · torch ${peer.torch ?? '-'} · workers ${report.workers}`,
    `| config | ${args.backends.join(' | ')} | ${threadCols.map((t) => `PyTorch ${t} thr`).join(' | ')} | ${args.backends.map((b) => `${b} / PyTorch ${cores} thr`).join(' | ')} | ${args.backends.map((b) => `${b} / best PyTorch`).join(' | ')} |`,
    `|---|${[...args.backends, ...threadCols, ...args.backends, ...args.backends].map(() => '---').join('|')}|`,
  ];
  for (const [id, c] of Object.entries(report.configs)) {
    lines.push(
      `| ${id} | ${args.backends.map((b) => fmt(c.backends![b])).join(' | ')} | ${threadCols.map((t) => fmt(c.pytorch[t])).join(' | ')} | ${args.backends.map((b) => x(c.ratio[b])).join(' | ')} | ${args.backends.map((b) => x(c.ratioToBestPytorch[b])).join(' | ')} |`,
    );
  }
  const why = new Set<string>();
  for (const c of Object.values(report.configs)) {
    for (const [b, cell] of Object.entries(c.backends ?? {})) {
      if (cell && 'unavailable' in cell) why.add(`${b}: ${cell.unavailable}`);
      // the adapter that ran the webgpu column
      if (cell && 'msPerStep' in cell && b === 'webgpu') why.add(cell.notes.find((n) => n.startsWith('webgpu: '))!);
    }
    for (const cell of Object.values(c.pytorch)) if ('unavailable' in cell) why.add(`PyTorch: ${cell.unavailable}`);
  }
  console.log([...lines, ...[...why].map((w) => `- ${w}`)].join('\n'));
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
