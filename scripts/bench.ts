// npm run bench [-- --json] [--steps N] [--warmup N] [--budget-ms N] [--backends wasm,cpu,tensorflow] [CONFIG...]
// A benchmark, not a test: times the median training step of the canonical configs (examples/bench/*.json) on every
// TF.js backend present, and the same models in PyTorch (scripts/bench/torch_peer.py), in one invocation.
// Prints a table, or with --json one JSON object: per config, ms/step per backend, PyTorch's, and ours / PyTorch's.
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadRunConfig } from '../src/main/cli/config-file';
import type { RunConfig } from '../src/shared/config/run-config';
import { timeBackend, type Cell, type TimingPlan } from './bench/measure';
import { runPeer } from './bench/peer';

const CANONICAL = ['examples/bench/nanda-1layer-p113.json', 'examples/bench/power-2layer-p97.json', 'examples/bench/mlp-p97.json'];
const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
type Backend = (typeof BACKENDS)[number];

interface Args {
  json: boolean;
  files: string[];
  plan: TimingPlan;
  backends: Backend[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, files: [], plan: { warmup: 2, steps: 10, budgetMs: 20_000 }, backends: [...BACKENDS] };
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
      for (const b of list) if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend "${b}" (wasm, cpu, tensorflow)`);
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

const ms = (c: Cell | undefined) => (c && 'msPerStep' in c ? c.msPerStep : null);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const configs = args.files.map((f) => ({ id: path.basename(f, '.json'), file: f, config: loadRunConfig(f) as RunConfig }));
  const log = (s: string) => {
    if (!args.json) process.stderr.write(s + '\n');
  };
  const ours: Record<string, Partial<Record<Backend, Cell>>> = {};
  for (const { id, config } of configs) {
    ours[id] = {};
    for (const b of args.backends) {
      log(`timing ${id} on ${b} …`);
      ours[id][b] = await timeBackend(config, b, args.plan);
    }
  }
  log('timing the PyTorch peer …');
  const peer = runPeer(configs, args.plan);
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, tfjs: tfjsVersion(), torch: peer.torch, torchThreads: peer.threads },
    plan: args.plan,
    configs: Object.fromEntries(
      configs.map(({ id, file, config }) => {
        const py = peer.cells[id];
        const ratio = Object.fromEntries(
          args.backends.map((b) => {
            const [a, p] = [ms(ours[id]![b]), ms(py)];
            return [b, a !== null && p !== null ? a / p : null];
          }),
        );
        return [id, { file, name: config.name ?? id, backends: ours[id], pytorch: py, ratio }];
      }),
    ),
  };
  if (args.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  const fmt = (c: Cell | undefined) => (!c ? '-' : 'msPerStep' in c ? `${c.msPerStep.toFixed(1)} ms (${c.steps} steps)` : `unavailable`);
  const lines = [
    `${report.date} · ${report.machine.cpu} × ${report.machine.cores} · Node ${report.machine.node} · tfjs ${report.machine.tfjs} · torch ${peer.torch ?? '-'} (${peer.threads ?? '-'} threads)`,
    `| config | ${args.backends.join(' | ')} | PyTorch | ${args.backends.map((b) => `${b}/PyTorch`).join(' | ')} |`,
    `|---|${args.backends.map(() => '---').join('|')}|---|${args.backends.map(() => '---').join('|')}|`,
  ];
  for (const [id, c] of Object.entries(report.configs)) {
    const ratios = args.backends.map((b) => (c.ratio[b] == null ? '-' : `${c.ratio[b].toFixed(2)}×`));
    lines.push(`| ${id} | ${args.backends.map((b) => fmt(c.backends![b])).join(' | ')} | ${fmt(c.pytorch)} | ${ratios.join(' | ')} |`);
  }
  const why = new Set<string>();
  for (const c of Object.values(report.configs)) {
    for (const [b, cell] of Object.entries(c.backends ?? {})) if (cell && 'unavailable' in cell) why.add(`${b}: ${cell.unavailable}`);
    if (c.pytorch && 'unavailable' in c.pytorch) why.add(`PyTorch: ${c.pytorch.unavailable}`);
  }
  console.log([...lines, ...[...why].map((w) => `- ${w}`)].join('\n'));
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
