// Will a run's validation accuracy reach a level L within a budget of B updates, and when? From its first W updates.
//
// One logistic model of P(t_L ≤ B | early features, B), where t_L is the first evaluated update with validation
// accuracy ≥ L: the early features (as the features' own function of the budget, for those projected to it) plus
// log10(B / W), the budget in windows. A finished corpus run trained to T updates is one example per budget B ≤ T of a
// fixed grid: label t_L ≤ B. As a function of B the probability is the model's distribution function of t_L, so its
// quantiles estimate t_L with an interval, and the same model answers "within 2k?" and "within 20k?" differently.
//
// A prediction is confident only outside a band around 1/2 whose width is chosen on held-out tasks (leave-one-task-
// out, LOTO): the narrowest band with at least `targetAccuracy` agreement on the confident held-out examples. Inside
// it the answer is "no confident prediction", which a predict sweep treats by training the cell on.
import { fitLogistic, predictProba, type LogisticModel, type LogisticOptions } from './logistic';

/** Budgets the corpus runs are labelled at, in updates (those beyond a run's own steps are left out for it). */
export const BUDGET_GRID = [1000, 2000, 5000, 10_000, 20_000, 50_000] as const;

/** A corpus run: its task, its early features as a function of the budget, when it reached the level, how far it ran. */
export interface BudgetRun {
  task: string;
  /** names the run's examples (`name@budget`) for a caller that follows them across windows; its index when absent */
  name?: string;
  /** the early features read at W, computed as if the run's budget were `budget` (projected trends depend on it) */
  features(budget: number): number[];
  /** first update with validation accuracy ≥ the level; null when it never did within `trainedTo` */
  tLevel: number | null;
  /** the updates the run was trained for */
  trainedTo: number;
}

export interface BudgetExample {
  /** the run and budget: `name@budget` */
  key: string;
  task: string;
  x: number[];
  y: 0 | 1;
}

/** The model's inputs for a budget: the early features and log10(budget / window). */
export function budgetInputs(features: readonly number[], budget: number, window: number): number[] {
  return [...features, Math.log10(budget / window)];
}

/**
 * Every (run, budget) pair of the grid that the run answers: budgets above the window and within its training. A run
 * at the level by the window is left out: its answer is observed there, never predicted, and counting it would make
 * the model look surer than it is on the runs it is asked about.
 */
export function budgetExamples(runs: readonly BudgetRun[], window: number, grid: readonly number[] = BUDGET_GRID): BudgetExample[] {
  const out: BudgetExample[] = [];
  runs.forEach((r, i) => {
    if (r.tLevel !== null && r.tLevel <= window) return;
    for (const b of grid) {
      if (b <= window || b > r.trainedTo) continue;
      out.push({
        key: `${r.name ?? i}@${b}`,
        task: r.task,
        x: budgetInputs(r.features(b), b, window),
        y: r.tLevel !== null && r.tLevel <= b ? 1 : 0,
      });
    }
  });
  return out;
}

export interface HeldOutTask {
  task: string;
  examples: number;
  /** agreement of p ≥ 1/2 with the label on the held-out task's examples, all of them */
  accuracy: number;
  /** with the chosen band: the share of examples predicted confidently, and the agreement on those */
  coverage: number;
  confidentAccuracy: number | null;
}

export interface BudgetModel {
  level: number;
  window: number;
  featureNames: string[];
  logistic: LogisticModel;
  /** confident when |p − 1/2| ≥ band */
  band: number;
  /** leave-one-task-out, per task and pooled, at the chosen band */
  heldOut: HeldOutTask[];
  pooled: { examples: number; accuracy: number; coverage: number; confidentAccuracy: number | null; confidentBalanced: number | null };
}

/** A held-out probability and the outcome it predicts. */
interface Outcome {
  p: number;
  y: 0 | 1;
}

interface Scored extends Outcome {
  key: string;
}

/** Whether p lies outside the band, a confident answer (1e-12: 0.6 − 0.5 is 0.09999… in floating point, and sits on
 *  a band of 0.1). */
export const isConfident = (p: number, band: number) => Math.abs(p - 0.5) >= band - 1e-12;

/** Agreement and coverage of held-out predictions at a band. */
function atBand(scored: readonly Outcome[], band: number) {
  const confident = scored.filter((s) => isConfident(s.p, band));
  const right = (s: Outcome) => (s.p >= 0.5 ? 1 : 0) === s.y;
  // the share right within each outcome, averaged over the outcomes among the confident examples
  const perOutcome = ([0, 1] as const)
    .map((y) => confident.filter((s) => s.y === y))
    .filter((c) => c.length > 0)
    .map((c) => c.filter(right).length / c.length);
  return {
    examples: scored.length,
    accuracy: scored.length ? scored.filter(right).length / scored.length : 0,
    coverage: scored.length ? confident.length / scored.length : 0,
    confidentAccuracy: confident.length ? confident.filter(right).length / confident.length : null,
    confidentBalanced: perOutcome.length ? perOutcome.reduce((a, b) => a + b, 0) / perOutcome.length : null,
  };
}

/**
 * The narrowest band (0 to 0.45 by 0.01) whose confident held-out predictions reach `target` in balanced accuracy
 * (the mean over outcomes of the share right): on a corpus where most runs never reach the level, answering "no"
 * everywhere is right most of the time, and must not count as confident.
 */
export function chooseBand(scored: readonly Outcome[], target: number): number {
  for (let i = 0; i <= 45; i++) {
    const band = i / 100;
    const { confidentBalanced } = atBand(scored, band);
    if (confidentBalanced !== null && confidentBalanced >= target) return band;
  }
  return 0.45;
}

/** The examples with the rarer outcome repeated to balance the two (whole repeats): a corpus's base rate is not the
 *  user's grid's, and a model fitted on mostly negative runs would say "no" wherever the features are unsure. */
function balanced(examples: readonly BudgetExample[]): BudgetExample[] {
  const pos = examples.filter((e) => e.y === 1);
  const neg = examples.filter((e) => e.y === 0);
  if (!pos.length || !neg.length) return [...examples];
  const [rare, common] = pos.length < neg.length ? [pos, neg] : [neg, pos];
  const k = Math.max(1, Math.round(common.length / rare.length));
  return [...common, ...Array.from({ length: k }, () => rare).flat()];
}

/**
 * Fits the model on every task's runs, and measures it by leaving each task out in turn (fit on the others, predict
 * it). Needs at least two tasks, and both outcomes among the examples.
 */
export function fitBudgetModel(
  runs: readonly BudgetRun[],
  opts: {
    level: number;
    window: number;
    featureNames: string[];
    targetAccuracy?: number;
    grid?: readonly number[];
    logistic?: LogisticOptions;
    /** choose the band on these examples only (by key): those a sweep still asks at this window; default all */
    bandOn?: (key: string) => boolean;
    /** receives every example's held-out probability (fit on the other tasks) */
    onHeldOut?: (scored: readonly { key: string; p: number }[]) => void;
  },
): BudgetModel {
  const examples = budgetExamples(runs, opts.window, opts.grid);
  const tasks = [...new Set(examples.map((e) => e.task))].sort();
  if (tasks.length < 2) throw new Error(`leave-one-task-out needs runs of at least 2 tasks, got ${tasks.length}`);
  const positives = examples.filter((e) => e.y === 1).length;
  if (positives === 0 || positives === examples.length)
    throw new Error(`every one of the ${examples.length} examples has the same outcome: nothing to fit`);
  const byTask = new Map<string, Scored[]>();
  for (const task of tasks) {
    const train = balanced(examples.filter((e) => e.task !== task));
    const test = examples.filter((e) => e.task === task);
    const y = train.map((e) => e.y);
    // a fold whose training side has one outcome only predicts it (the base rate)
    const model =
      y.includes(0) && y.includes(1)
        ? fitLogistic(
            train.map((e) => e.x),
            y,
            opts.logistic,
          )
        : null;
    const p = model
      ? predictProba(
          model,
          test.map((e) => e.x),
        )
      : test.map(() => (y[0] === 1 ? 1 : 0));
    byTask.set(
      task,
      test.map((e, i) => ({ key: e.key, p: p[i]!, y: e.y })),
    );
  }
  const all = [...byTask.values()].flat();
  const fitOn = balanced(examples);
  opts.onHeldOut?.(all);
  const bandOn = opts.bandOn;
  const band = chooseBand(bandOn ? all.filter((s) => bandOn(s.key)) : all, opts.targetAccuracy ?? 0.9);
  const heldOut = tasks.map((task) => {
    const s = atBand(byTask.get(task)!, band);
    return { task, examples: s.examples, accuracy: s.accuracy, coverage: s.coverage, confidentAccuracy: s.confidentAccuracy };
  });
  return {
    level: opts.level,
    window: opts.window,
    featureNames: [...opts.featureNames, 'log10(budget / window)'],
    logistic: fitLogistic(
      fitOn.map((e) => e.x),
      fitOn.map((e) => e.y),
      opts.logistic,
    ),
    band,
    heldOut,
    pooled: atBand(all, band),
  };
}

export interface BudgetPrediction {
  /** P(validation accuracy ≥ level within the budget) */
  probability: number;
  /** false: "no confident prediction" (inside the band) */
  confident: boolean;
  /** the 10%, 50% and 90% points of t_level, in updates; null where the model's probability stays below it */
  tLevel: { low: number | null; median: number | null; high: number | null };
}

/** The budgets searched for t_level's quantiles: from the window to 1000 windows, 40 per decade. */
function searchBudgets(window: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= 120; k++) out.push(Math.round(window * 10 ** (k / 40)));
  return out;
}

/** `features(budget)`: the run's early features with the projected ones taken to `budget`. */
/** P(validation accuracy ≥ level within `budget`): the model at one budget. */
export function probabilityWithin(model: BudgetModel, features: (budget: number) => number[], budget: number): number {
  return predictProba(model.logistic, [budgetInputs(features(budget), budget, model.window)])[0]!;
}

export function predictWithinBudget(model: BudgetModel, features: (budget: number) => number[], budget: number): BudgetPrediction {
  const p = (b: number) => probabilityWithin(model, features, b);
  const probability = p(budget);
  const curve = searchBudgets(model.window).map((b) => ({ b, p: p(b) }));
  const first = (q: number) => curve.find((c) => c.p >= q)?.b ?? null;
  return {
    probability,
    confident: isConfident(probability, model.band),
    tLevel: { low: first(0.1), median: first(0.5), high: first(0.9) },
  };
}
