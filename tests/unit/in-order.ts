// Runs an async step for each item one after another (a Scorer or Trainer must not interleave its awaits).
export async function inOrder<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}

/** The losses of `n` consecutive updates (no measurements). */
export async function updateLosses(t: { update(measure: boolean): Promise<{ loss: number }> }, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await t.update(false)).loss);
  return out;
}
