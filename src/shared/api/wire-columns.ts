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

/** The objects again, each with the keys it had (in the table's order). Built a row at a time: twice as fast as a
 *  column at a time for 10,000 runs. */
export function unpack(t: PackedTable): Record<string, unknown>[] {
  const values = t.cols.map((col): unknown[] => (col[0] === 0 ? col[1] : col[0] === 2 ? unpack(col[1]) : col[2].map((j) => col[1][j])));
  const skips = t.keys.map((_, c) => (t.absent?.[c]?.length ? new Set(t.absent[c]) : null));
  const keys = t.keys;
  const rows = new Array<Record<string, unknown>>(t.n);
  for (let i = 0; i < t.n; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < keys.length; c++) {
      if (skips[c]?.has(i)) continue;
      const k = keys[c]!;
      if (k === '__proto__') Object.defineProperty(row, k, { value: values[c]![i], enumerable: true, writable: true, configurable: true });
      else row[k] = values[c]![i];
    }
    rows[i] = row;
  }
  return rows;
}
