// The trainer's wait for a gradient worker (parallel/shared.ts waitUntil). A wait that re-read the shared value
// instead of passing the one it had just compared could sleep through a store that fell between the two reads: a
// 120 s "gradient worker did not answer" in CI, and 1 lost wake-up in 200,000 round trips in a probe of the old loop
// (so this test, 300,000 round trips, catches that loop most of the time, not always).
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { waitUntil } from '../../src/main/compute/train/pool-shared';

// an echo thread with the workers' side of the protocol: wait for a new request in slot 0, answer it in slot 1
const ECHO = `const { workerData } = require('node:worker_threads');
const ctrl = new Int32Array(workerData);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const r = Atomics.load(ctrl, 0);
  if (r < 0) break;
  seen = r;
  Atomics.store(ctrl, 1, r);
  Atomics.notify(ctrl, 1);
}`;

it('300,000 request/answer round trips with a worker thread: every answer is seen, none waits out its timeout', async () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(ECHO, { eval: true, workerData: ctrl.buffer });
  try {
    let missed = 0;
    const t0 = performance.now();
    for (let req = 1; req <= 300_000; req++) {
      Atomics.store(ctrl, 0, req);
      Atomics.notify(ctrl, 0);
      // 2 s: an answer takes microseconds, so only a lost wake-up reaches it
      if (!waitUntil(ctrl, 1, req, 2000)) missed++;
    }
    console.log(`300,000 round trips in ${(performance.now() - t0).toFixed(0)} ms, ${missed} timed out`);
    expect(missed).toBe(0);
  } finally {
    Atomics.store(ctrl, 0, -1);
    Atomics.notify(ctrl, 0);
    await worker.terminate();
  }
}, 60_000);

it('returns at once when the value is already there, and false after the timeout when it never comes', () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  ctrl[1] = 7;
  expect(waitUntil(ctrl, 1, 7, 10_000)).toBe(true);
  const t0 = performance.now();
  expect(waitUntil(ctrl, 1, 8, 150)).toBe(false);
  const waited = performance.now() - t0;
  expect(waited).toBeGreaterThanOrEqual(140);
  expect(waited).toBeLessThan(5000);
});
