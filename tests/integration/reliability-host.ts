// A Grokscope back end in its own process, for reliability-crash.test.ts to SIGKILL: it opens the database given as
// argv[2] with the app's default flush interval, then creates a run from the config JSON in argv[3] or resumes the run
// whose id is argv[3], and prints one line per event it receives, "progress STEP MS" (MS: Date.now() on arrival,
// before the writer stores the points) or "status STATUS", plus "compute PID" once the compute process exists.
import { createBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import type { RunConfig } from '../../src/shared/config/run-config';

const [dbPath, what] = process.argv.slice(2) as [string, string];
const backend = createBackend({ dbPath, launcher: createChildLauncher() });
let runId: number | null = /^\d+$/.test(what) ? Number(what) : null;
let computeShown = false;
const say = (line: string) => process.stdout.write(`${line}\n`);
backend.events.subscribe((event, payload) => {
  const p = payload as { runId?: number; step?: number; status?: string };
  if (p.runId !== runId) return;
  if (event === 'run.progress') {
    if (!computeShown && backend.computePid(runId) !== undefined) {
      computeShown = true;
      say(`compute ${backend.computePid(runId)}`);
    }
    say(`progress ${p.step} ${Date.now()}`);
  } else if (event === 'run.status') say(`status ${p.status}`);
});
if (runId === null) runId = (await backend.handlers['runs.create']({ config: JSON.parse(what) as RunConfig })).id;
else await backend.handlers['runs.resume']({ id: runId });
say(`run ${runId}`);
