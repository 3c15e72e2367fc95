// A process that opens each database given at the same wall-clock moment as its siblings (argv: start time in ms,
// gap between databases in ms, database paths), so that several first opens of a new file really race.
import { openStore } from '../../src/main/store';

const [start, gap, ...paths] = process.argv.slice(2);
const failures: string[] = [];
paths.forEach((path, i) => {
  const at = Number(start) + i * Number(gap);
  while (Date.now() < at); // spin: a timer would wake the siblings too far apart
  try {
    openStore(path).close();
  } catch (e) {
    failures.push(`${path}: ${(e as Error).message}`);
  }
});
if (failures.length) console.error(failures.join('\n'));
process.exitCode = failures.length ? 1 : 0;
