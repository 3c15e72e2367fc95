// Loads the built preload (argv[2]) the way a sandboxed renderer does: CommonJS, with only 'electron' to require.
// Prints one JSON report of what it exposed and how the exposed functions behave.
const Module = require('node:module');
const exposed = {};
const listeners = [];
const invoked = [];
const electron = {
  contextBridge: { exposeInMainWorld: (key, api) => (exposed[key] = api) },
  webUtils: {
    getPathForFile: () => {
      throw new Error('not a File of a real drop');
    },
  },
  ipcRenderer: {
    invoke: async (...args) => (invoked.push(args), { ok: true, result: 'from main' }),
    on: (channel, listener) => listeners.push([channel, listener]),
    removeListener: (channel, listener) =>
      listeners.splice(
        listeners.findIndex(([, l]) => l === listener),
        1,
      ),
  },
};
const required = [];
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request !== process.argv[2]) required.push(request);
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};
require(process.argv[2]);
Module._load = load;

(async () => {
  const bridge = exposed.grokscope;
  const report = { required, keys: Object.keys(exposed), bridgeKeys: Object.keys(bridge), desktopKeys: Object.keys(bridge.desktop ?? {}) };
  // a string the page made up never becomes a path: main gets ''
  await bridge.desktop.dropFiles(['/etc/passwd']);
  report.call = await bridge.call('runs.list', {});
  report.invoked = invoked.slice();
  report.unknownCall = await bridge.call('fs.readFile', {});
  const got = [];
  const off = bridge.on('runs.changed', (...args) => got.push(args));
  listeners[0][1]({ sender: 'the IpcRendererEvent' }, 'runs.changed', { reason: 'created' });
  listeners[0][1]({ sender: 'the IpcRendererEvent' }, 'run.status', { runId: 1 });
  off();
  report.eventArgs = got;
  report.listenersAfterOff = listeners.length;
  try {
    bridge.on('app.quit', () => {});
  } catch (e) {
    report.unknownEvent = e.message;
  }
  process.stdout.write(JSON.stringify(report) + '\n');
})();
