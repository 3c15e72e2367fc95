// Who a process is, beyond its pid: pids are reused, so a run whose owner died could otherwise look owned by whatever
// process got that pid next and stay `running` for ever. On Linux a process is its pid plus its start time
// (/proc/PID/stat field 22, clock ticks since boot) plus the boot id (/proc/sys/kernel/random/boot_id), so a
// reboot is recognised too. Elsewhere there is no cheap portable start time: null, and the pid alone decides.
import { readFileSync } from 'node:fs';

let bootId: string | null | undefined;

function readBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** Field 22 of /proc/PID/stat. The command name (field 2) may hold spaces and parentheses: count after the last ')'. */
export function startTimeFromStat(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // after ')' come field 3 (state) onwards, so field 22 is the 20th of them
  const field = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/)[19];
  return field !== undefined && /^\d+$/.test(field) ? field : null;
}

/**
 * "<boot id>/<start time>" of a live process, or null when this system cannot say (no /proc) or the process is gone.
 * Only meaningful on the host that asks.
 */
export function processStartId(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  const boot = readBootId();
  if (boot === null) return null;
  try {
    const start = startTimeFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return start === null ? null : `${boot}/${start}`;
  } catch {
    return null;
  }
}
