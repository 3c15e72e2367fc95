// A long array of like objects as columns, for the WebSocket (issue 18: the runs list of 10,000 runs was a 5.7 MB
// frame, mostly the same keys again on every row, and sending, receiving and parsing it was most of the page's open).
// Each key's values become one array; a column of objects is packed the same way in turn (a run's final metrics and
// phases); a column of strings that repeat (statuses, tasks, models) is a table of the strings and an index per row.
// Lossless against JSON: unpack(JSON.parse(JSON.stringify(pack(x)))) deep-equals JSON.parse(JSON.stringify(x)).

/** Arrays shorter than this go as they are: packing them saves little. */
export const PACK_MIN_ROWS = 64;

/** One column: [0, values] as they are; [1, strings, index] strings (or nulls) by index; [2, table] objects packed. */
export type PackedColumn = [0, unknown[]] | [1, (string | null)[], number[]] | [2, PackedTable];

export interface PackedTable {
  /** how many objects */
  n: number;
  keys: string[];
  cols: PackedColumn[];
  /** per key (same order), the rows that lack it; absent when every row has every key */
  absent?: number[][];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Whether `v` is an array that pack() makes smaller: long, and of plain objects only. */
export function packable(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.length >= PACK_MIN_ROWS && v.every(isPlainObject);
}

/** The objects as columns; `rows` must be plain objects (see packable). */
export function pack(rows: readonly Record<string, unknown>[]): PackedTable {
  const n = rows.length;
  const keyIndex = new Map<string, number>();
  for (const r of rows) for (const k in r) if (r[k] !== undefined && !keyIndex.has(k)) keyIndex.set(k, keyIndex.size);
  const keys = [...keyIndex.keys()];
  let anyAbsent = false;
  const absent: number[][] = [];
  const cols = keys.map((k): PackedColumn => {
    const values = new Array<unknown>(n);
    const missing: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = rows[i]![k];
      if (v === undefined) {
        missing.push(i);
        values[i] = null;
      } else values[i] = v;
    }
    absent.push(missing);
    if (missing.length > 0) anyAbsent = true;
    return packColumn(values, missing.length === 0);
  });
  return anyAbsent ? { n, keys, cols, absent } : { n, keys, cols };
}

function packColumn(values: unknown[], complete: boolean): PackedColumn {
  if (complete && values.length > 0 && values.every(isPlainObject)) return [2, pack(values)];
  // strings (and nulls) that repeat: each distinct one once
  const seen = new Map<string | null, number>();
  const index = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && typeof v !== 'string') return [0, values];
    let at = seen.get(v);
    if (at === undefined) {
      at = seen.size;
      seen.set(v, at);
      if (seen.size > values.length / 4) return [0, values];
    }
    index[i] = at;
  }
  return [1, [...seen.keys()], index];
}

/** The objects again, each with the keys it had (in the table's order). Each is a copy of a template object with
 *  every key, its values then set: an object given 25 keys one by one turns into a slow dictionary in V8, which made
 *  every filter of 10,000 runs several times slower than over objects from JSON.parse. */
export function unpack(t: PackedTable): Record<string, unknown>[] {
  const values = t.cols.map((col): unknown[] => (col[0] === 0 ? col[1] : col[0] === 2 ? unpack(col[1]) : col[2].map((j) => col[1][j])));
  const lacking = t.absent?.some((rows) => rows.length > 0) ? lackingKeys(t) : null;
  const templates = new Map<string, Record<string, unknown>>();
  const templateOf = (skip: ReadonlySet<number> | undefined): Record<string, unknown> => {
    const id = skip ? [...skip].join(',') : '';
    let template = templates.get(id);
    if (!template) {
      template = {};
      for (let c = 0; c < t.keys.length; c++)
        if (!skip?.has(c))
          Object.defineProperty(template, t.keys[c]!, { value: null, enumerable: true, writable: true, configurable: true });
      templates.set(id, template);
    }
    return template;
  };
  const rows = new Array<Record<string, unknown>>(t.n);
  for (let i = 0; i < t.n; i++) {
    const skip = lacking?.get(i);
    const row = { ...templateOf(skip) };
    for (let c = 0; c < t.keys.length; c++) if (!skip?.has(c)) row[t.keys[c]!] = values[c]![i];
    rows[i] = row;
  }
  return rows;
}

/** Row → the columns (by index) it lacks, for the rows that lack any. */
function lackingKeys(t: PackedTable): Map<number, Set<number>> {
  const lacking = new Map<number, Set<number>>();
  t.absent?.forEach((rows, c) => {
    for (const i of rows) {
      let set = lacking.get(i);
      if (!set) lacking.set(i, (set = new Set()));
      set.add(c);
    }
  });
  return lacking;
}
