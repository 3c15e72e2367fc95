// A grid worker thread (grid/pool.ts): its own TF.js instance, which computes the units of one job that the job's
// thread hands it (landscape rows, reduced-landscape cells, a probe's checkpoints), one at a time, with the same code
// as the job's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../engine/backend';
import type { FromGridWorker, GridWorkerInit, ToGridWorker } from '../grid/pool';
import { rowWorker, type RowWorkerJob } from '../landscape/rows';
import { cellWorker, type CellWorkerJob } from '../reduced/cells';
import { probeWorker, type ProbeWorkerJob } from '../run-probe';

const init = workerData as GridWorkerInit;
const port = parentPort!;
const post = (m: FromGridWorker) => port.postMessage(m);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function handlerOf(): Promise<(task: unknown) => Promise<unknown>> {
  await initBackend(init.backend);
  const handle =
    init.kind === 'landscape'
      ? rowWorker(init.job as RowWorkerJob)
      : init.kind === 'reduced'
        ? cellWorker(init.job as CellWorkerJob)
        : probeWorker(init.job as ProbeWorkerJob);
  return handle as (task: unknown) => Promise<unknown>;
}

handlerOf().then(
  (handle) => {
    // units arrive one at a time: the job's thread sends the next only after this one's answer
    port.on('message', ({ id, task }: ToGridWorker) => {
      handle(task).then(
        (result) => post({ type: 'result', id, result }),
        (e: unknown) => post({ type: 'error', id, message: messageOf(e) }),
      );
    });
    post({ type: 'ready' });
  },
  (e: unknown) => post({ type: 'error', id: null, message: messageOf(e) }),
);
