// Runs the built main bundle (argv[2]) under the stand-in electron: IPC calls from the window, one short training run
// in the built compute bundle, then quit. Prints one JSON report on stdout.
const [mainBundle] = process.argv.slice(2);
await import(new URL(mainBundle, 'file://' + process.cwd() + '/').href);
const { ipcMain, app } = await import('electron');
const state = globalThis.__standIn;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 100 && !ipcMain.handlers.has('grokscope:call'); i++) await sleep(20);
const win = state.window;
const call = (method, params) =>
  ipcMain.handlers.get('grokscope:call')({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, method, params);

const report = { preload: win.options.webPreferences.preload, page: win.webContents.mainFrame.url };
report.info = (await call('app.info', {})).result;
const config = {
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 7 },
  model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
  training: { steps: 30, evalEvery: 10 },
};
const created = await call('runs.create', { config });
report.created = created;
let run;
for (let i = 0; i < 600; i++) {
  run = (await call('runs.get', { id: created.result.id })).result;
  if (!['queued', 'running'].includes(run.status)) break;
  await sleep(50);
}
report.run = { status: run.status, step: run.step, backend: run.backend, error: run.error };
report.forks = state.forks;
report.events = [...new Set(win.webContents.sent.map(([, name]) => name))];
app.quit();
for (let i = 0; i < 200 && !state.quitted; i++) await sleep(25);
report.quitted = state.quitted;
report.errors = state.errors;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
