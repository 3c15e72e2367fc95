// Stands in for Electron's utility process bootstrap: process.parentPort over Node IPC, with messages queued until a
// 'message' handler is registered (as Electron documents for parentPort), then the entry module given as argv[2].
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const port = new EventEmitter();
const queued = [];
process.on('message', (m) => (port.listenerCount('message') ? port.emit('message', { data: m }) : queued.push(m)));
port.on('newListener', (event) => {
  if (event === 'message')
    setImmediate(() => {
      for (const m of queued.splice(0)) port.emit('message', { data: m });
    });
});
port.postMessage = (m) => process.send(m);
process.parentPort = port;
await import(pathToFileURL(resolve(process.argv[2])).href);
