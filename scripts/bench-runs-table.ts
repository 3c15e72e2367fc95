// npx tsx scripts/bench-runs-table.ts [--runs 10000] [--opens 5] [--filter-rounds 3] [--out FILE]: the runs page with many runs in the
// database (issue 18: open < 1 s, filter < 100 ms). Writes the runs straight to a temporary store (finished, nothing
// trains), serves the built renderer (build it first: npx vite build -c src/renderer/vite.config.ts) and times, in
// headless Chromium:
// - open: navigation → the first rows drawn, the first open after the server started and then reloads; split into
//   navigation → the list's WebSocket frame received (script, connection, server read and send) and frame → rows
//   (parse and draw);
// - the first runs.list of a back end opened afresh on them (every summary made, as after a start);
// - the server's side alone: runs.list (read and summarise) and the frame the socket sends (kept while the list is
//   unchanged), that frame made afresh, and its size;
// - five filters typed into the search box (input event → table updated), as tests/e2e/runs-table.test.ts does.
// --profile FILE writes a CPU profile of the page over the last open, and FILE.filters.cpuprofile over the last filter
// round (chrome://inspect or any .cpuprofile viewer); BENCH_TRACE=FILE a Chromium trace of the filter rounds (layout,
// paint).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { EMPTY_PHASES } from '../src/shared/analysis/phases';
import { RunConfigSchema } from '../src/shared/config/run-config';
import { createBackend } from '../src/main/services/create-backend';
import { createChildLauncher } from '../src/main/host/child-launcher';
import { startServer } from '../src/main/server';
import * as wsApi from '../src/main/server/ws-api';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env['GROKSCOPE_CHROMIUM'] || '/usr/bin/chromium';
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('runs', '10000'));
const OPENS = Number(arg('opens', '5'));
const FILTER_ROUNDS = Number(arg('filter-rounds', '3'));
const OUT = arg('out', '');
/** a CPU profile of the page over the last open (Chrome DevTools' .cpuprofile), to see where its time goes */
const PROFILE = arg('profile', '');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t: number) => Math.round(t * 10) / 10;

/** CPU time (user + system, ms) of this process's descendants so far, from /proc (Linux; NaN elsewhere). */
function childrenCpuMs(): number {
  if (process.platform !== 'linux') return NaN;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const text = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
      stats.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) }); // its own and its reaped children's
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, s] of stats)
      if (!mine.has(pid) && mine.has(s.ppid)) {
        mine.add(pid);
        ticks += s.ticks;
        grew = true;
      }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'grokscope-bench-runs-'));
  const writer = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher() });
  const store = writer.store;
  // each run made, started and finished at its own time, a minute or two apart, as real ones are (timestamps that
  // repeat would pack smaller than real ones on the wire)
  const t0 = Date.now() - RUNS * 120_000;
  store.db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const at = new Date(t0 + i * 120_000).toISOString();
      const started = new Date(t0 + i * 120_000 + 1_000 + (i % 7) * 130).toISOString();
      const done = new Date(t0 + i * 120_000 + 60_000 + (i % 13) * 2_345).toISOString();
      const config = RunConfigSchema.parse({
        name: `bulk ${i}`,
        backend: 'wasm',
        task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
        model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
        optimizer: { lr: [1e-2, 3e-3, 1e-3, 3e-4][i % 4]!, weightDecay: i % 3 },
        training: { steps: 100, evalEvery: 10 },
      });
      const id = store.runs.insert({ name: config.name!, config, createdAt: at, owner: { host: 'bench', pid: 1 } });
      store.runs.setStatus(id, 'completed', { startedAt: started, finishedAt: done, step: 100 });
      store.runs.setProgress(
        id,
        100,
        { ...EMPTY_PHASES, t4: i % 5 === 0 ? 1000 + i : null },
        {
          trainLoss: 0.01,
          trainAcc: 1,
          valLoss: 0.5,
          valAcc: (i % 100) / 100,
        },
      );
    }
  })();
  await writer.close();
  // the back end opened afresh, as after a start, and its first list: every summary made (the server makes it as it
  // starts, before a page asks)
  const backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher() });
  const firstList0 = performance.now();
  await backend.handlers['runs.list']({ includeDeleted: false, withConfig: false });
  const firstListMs = performance.now() - firstList0;
  const server = await startServer({
    backend,
    port: 0,
    staticDir: process.env['GROKSCOPE_BENCH_STATIC'] ?? path.join(ROOT, 'out', 'renderer'),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const result: Record<string, unknown> = {
    runs: RUNS,
    load: loadavg().map((l) => Number(l.toFixed(2))),
    date: new Date().toISOString(),
    firstListMs: ms(firstListMs),
  };
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let bigFrameAt = 0;
    let bigFrameBytes = 0;
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => {
        const n = typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength;
        if (n > 100_000) {
          bigFrameAt = Date.now();
          bigFrameBytes = n;
        }
      }),
    );
    // In the page: when the script ran, the socket opened, runs.list was sent and its answer came (ms since navigation)
    await page.addInitScript(() => {
      const marks: Record<string, number> = {};
      (globalThis as unknown as { __marks: typeof marks }).__marks = marks;
      const parse = JSON.parse;
      JSON.parse = (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
        const big = typeof text === 'string' && text.length > 100_000;
        const out: unknown = parse(text, reviver);
        if (big) marks['listParsed'] ??= performance.now();
        return out;
      };
      const Ws = globalThis.WebSocket;
      globalThis.WebSocket = class extends Ws {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          marks['socketCreated'] ??= performance.now();
          this.addEventListener('open', () => (marks['socketOpen'] ??= performance.now()));
          this.addEventListener('message', (ev: MessageEvent) => {
            if (typeof ev.data === 'string' && ev.data.length > 100_000) marks['listReceived'] ??= performance.now();
          });
        }
        override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
          if (typeof data === 'string' && data.includes('"runs.list"')) marks['listSent'] ??= performance.now();
          super.send(data);
        }
      };
    });
    await page.goto('about:blank');
    const opens: { total: number; toFrame: number; frameToRows: number; marks: Record<string, number> }[] = [];
    const base = server.url.split('?')[0]!;
    // CPU time spent on an open, whatever the machine's load: Chromium's processes (children of this one, from
    // /proc, in 10 ms ticks) and this process (the server, with Playwright's small share)
    const cpu: { page: number; server: number }[] = [];
    for (let k = 0; k < OPENS; k++) {
      bigFrameAt = 0;
      if (k > 0) await page.goto(`${base}#/`);
      const profiling = PROFILE !== '' && k === OPENS - 1 ? await page.context().newCDPSession(page) : null;
      if (profiling) {
        await profiling.send('Profiler.enable');
        await profiling.send('Profiler.setSamplingInterval', { interval: 200 });
        await profiling.send('Profiler.start');
      }
      const cpu0 = process.cpuUsage();
      const chromium0 = childrenCpuMs();
      const t0 = Date.now();
      if (k === 0) await page.goto(server.url);
      else await page.reload();
      await page.locator('tr[data-run-id]').first().waitFor({ timeout: 60_000 });
      const t1 = Date.now();
      const used = process.cpuUsage(cpu0);
      cpu.push({ page: childrenCpuMs() - chromium0, server: ms((used.user + used.system) / 1000) });
      const marks = await page.evaluate(() => ({
        ...(globalThis as unknown as { __marks: Record<string, number> }).__marks,
        rows: performance.now(),
      }));
      if (profiling) writeFileSync(PROFILE, JSON.stringify((await profiling.send('Profiler.stop')).profile));
      opens.push({ total: t1 - t0, toFrame: bigFrameAt ? bigFrameAt - t0 : NaN, frameToRows: bigFrameAt ? t1 - bigFrameAt : NaN, marks });
    }
    const shown = await page.getByTestId('run-count').innerText();
    const rowsInPage = await page.locator('tr[data-run-id]').count();
    const filters: number[][] = [];
    const filterProfile = PROFILE ? await page.context().newCDPSession(page) : null;
    if (process.env['BENCH_TRACE'])
      await browser.startTracing(page, {
        path: process.env['BENCH_TRACE'],
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8'],
      });
    for (let k = 0; k < FILTER_ROUNDS; k++) {
      if (filterProfile && k === FILTER_ROUNDS - 1) {
        await filterProfile.send('Profiler.enable');
        await filterProfile.send('Profiler.setSamplingInterval', { interval: 200 });
        await filterProfile.send('Profiler.start');
      }
      filters.push(
        await page.evaluate(async () => {
          const input = document.querySelector<HTMLInputElement>('input[aria-label="search the runs"]')!;
          const times: number[] = [];
          for (const q of ['lr>1e-3', 'lr>1e-3 wd=1', 'lr>1e-3 wd=1 t4<5000', 'bulk 99', '']) {
            const t = performance.now();
            input.value = q;
            input.dispatchEvent(new Event('input', { bubbles: true }));
            await new Promise((r) => setTimeout(r, 0));
            times.push(performance.now() - t);
          }
          return times;
        }),
      );
    }
    if (process.env['BENCH_TRACE']) await browser.stopTracing();
    if (filterProfile)
      writeFileSync(
        PROFILE.replace(/(\.cpuprofile)?$/, '.filters.cpuprofile'),
        JSON.stringify((await filterProfile.send('Profiler.stop')).profile),
      );
    // the server's side alone, in this process: read and summarise, then the frame the socket sends (packed as
    // columns; kept while the list is unchanged) and that frame made afresh
    // (a checkout from before the packing, e.g. to measure the change, sends its JSON text)
    const replyFrame = 'replyFrame' in wsApi ? wsApi.replyFrame : (r: unknown) => JSON.stringify(r);
    const server_: { list: number; frame: number; fresh: number; bytes: number }[] = [];
    for (let k = 0; k < 5; k++) {
      const a = performance.now();
      const list = await backend.handlers['runs.list']({ includeDeleted: false, withConfig: false });
      const b = performance.now();
      const frame = replyFrame({ id: 1, ok: true, result: list });
      const c = performance.now();
      replyFrame({ id: 1, ok: true, result: [...list] });
      server_.push({ list: b - a, frame: c - b, fresh: performance.now() - c, bytes: frame.length });
    }
    Object.assign(result, {
      shown,
      rowsInPage,
      frameBytes: bigFrameBytes,
      openMs: opens.map((o) => ({
        total: o.total,
        toFrame: o.toFrame,
        frameToRows: o.frameToRows,
        page: Object.fromEntries(Object.entries(o.marks).map(([k, v]) => [k, Math.round(v)])),
      })),
      openMedianMs: median(opens.slice(1).map((o) => o.total)),
      // CPU on the open's path (reloads): what it would take on an idle machine, the waits for the other aside
      openCpuMs: cpu,
      openCpuMedianMs: median(cpu.slice(1).map((c) => c.page + c.server)),
      filterMs: filters.map((f) => f.map(ms)),
      filterMaxMs: ms(Math.max(...filters.slice(1).flat())),
      // per query, the median over the rounds after the first
      filterMedianMs: filters[0]!.map((_, q) => ms(median(filters.slice(1).map((f) => f[q]!)))),
      serverMs: server_.map((s) => ({ list: ms(s.list), frame: ms(s.frame), fresh: ms(s.fresh), bytes: s.bytes })),
      pageErrors: errors,
    });
  } finally {
    await browser.close();
    await server.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const text = JSON.stringify(result, null, 1);
  if (OUT) writeFileSync(OUT, text);
  console.log(text);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
