// What differs between run configs: the settings by dotted path (e.g. optimizer.lr) whose values are not the same in
// every config. The compare page labels each run with these and lists them in its table. Pure.

/** Each setting of a config by dotted path; a list is one setting (its JSON). */
export function configLeaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) configLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && prefix) out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  return out;
}

export interface ConfigDifference {
  path: string;
  /** one per config, in their order; '–' where a config does not have the setting */
  values: string[];
}

/** The settings whose values differ, in path order; `skip` leaves paths out (the run's name, shown anyway). */
export function configDiff(configs: readonly unknown[], skip: readonly string[] = ['name']): ConfigDifference[] {
  const leaves = configs.map((c) => configLeaves(c));
  const paths = [...new Set(leaves.flatMap((l) => [...l.keys()]))].filter((p) => !skip.includes(p)).sort();
  return paths
    .map((path) => ({ path, values: leaves.map((l) => l.get(path) ?? '–') }))
    .filter((d) => d.values.some((v) => v !== d.values[0]));
}

/** A run's differing values as a legend writes them: "lr=0.01, weightDecay=1" (the last part of each path). */
export const differingLabel = (diff: readonly ConfigDifference[], index: number, max = 4): string => {
  const parts = diff.slice(0, max).map((d) => `${d.path.split('.').at(-1)}=${d.values[index]}`);
  return diff.length > max ? `${parts.join(', ')}, …` : parts.join(', ');
};
