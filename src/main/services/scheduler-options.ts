// What a run scheduler is built from: the store and writer it records into, the launcher of compute processes, this
// process's identity as the runs' owner, and its limits and clocks (tests shorten them).
import type { Store } from '../store';
import type { RunOwner } from '../store/runs-repo';
import type { ComputeLauncher } from '../host/types';
import type { EventBus } from './backend-api';
import type { RunWriter } from './run-writer';

export interface SchedulerOptions {
  store: Store;
  writer: RunWriter;
  events: EventBus;
  launcher: ComputeLauncher;
  owner: RunOwner;
  /** whether another run's owner process is alive (default: always), so its runs are left to it */
  ownerAlive?: (o: RunOwner) => boolean;
  maxConcurrent: number;
  /** the machine's cores, shared among the runs it trains at once (default: os.availableParallelism()) */
  cores?: number;
  /** how long a cancelled or finished process may take to exit before it is killed (ms) */
  graceMs?: number;
  /** how long pause/resume/cancel wait for the compute process to confirm (ms) */
  ackTimeoutMs?: number;
  now?: () => string;
}
