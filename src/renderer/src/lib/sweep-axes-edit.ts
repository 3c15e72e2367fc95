// The sweep page's axis editor (issue 18, deliver 5): values typed to add to a stored sweep's axes, read the way the
// axis's own values are (numbers stay numbers), merged with the values it has, and the cells the edit adds.
export type AxisValue = number | string | boolean;
export interface Axis {
  path: string;
  values: AxisValue[];
}

export type ParsedAdd = { ok: true; values: AxisValue[] } | { ok: false; message: string };

const same = (a: AxisValue, b: AxisValue) => a === b;

/** The values typed for one axis ("0.02, 5e-2"), read as the axis's kind of value; the ones it has are left out. */
export function parseAdded(text: string, axis: Axis): ParsedAdd {
  const items = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const numeric = axis.values.every((v) => typeof v === 'number');
  const boolean = axis.values.every((v) => typeof v === 'boolean');
  const out: AxisValue[] = [];
  for (const item of items) {
    let v: AxisValue = item;
    if (numeric) {
      v = Number(item);
      if (!Number.isFinite(v)) return { ok: false, message: `${axis.path}: "${item}" is not a number` };
    } else if (boolean) {
      if (item !== 'true' && item !== 'false') return { ok: false, message: `${axis.path}: "${item}" is not true or false` };
      v = item === 'true';
    }
    if (!axis.values.some((w) => same(v, w)) && !out.some((w) => same(v, w))) out.push(v);
  }
  return { ok: true, values: out };
}

/** The axis's values with the added ones: in order when the axis's numbers are (a heatmap's axis stays sorted). */
export function mergeValues(axis: Axis, added: AxisValue[]): AxisValue[] {
  const all = [...axis.values, ...added];
  const nums = axis.values.every((v) => typeof v === 'number') ? (axis.values as number[]) : null;
  if (!nums) return all;
  const up = nums.every((v, i) => i === 0 || v > nums[i - 1]!);
  const down = nums.length > 1 && nums.every((v, i) => i === 0 || v < nums[i - 1]!);
  if (!up && !down) return all;
  return (all as number[]).sort((a, b) => (down ? b - a : a - b));
}

/** How many grid cells the edited axes have that the stored ones do not. */
export function newCellCount(before: Axis[], after: Axis[]): number {
  const count = (axes: Axis[]) => axes.reduce((n, a) => n * a.values.length, 1);
  return count(after) - count(before);
}
