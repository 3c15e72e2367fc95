// The landscape viewer's form → analysis.landscape options: defaults, per-kind fields, and the problems it names.
import { describe, expect, it } from 'vitest';
import { methodInputs } from '../../src/shared/api/contract';
import { defaultForm, formFromParams, gridPoints, landscapeRequest } from '../../src/renderer/src/lib/landscape-request';

describe('landscape request', () => {
  it('a default 1D slice at the last checkpoint passes the API schema', () => {
    const r = landscapeRequest(defaultForm(400));
    expect(r.problems).toEqual({});
    expect(r.options).toEqual({
      kind: '1d',
      direction: 'random',
      normalization: 'filter',
      oneDim: 'zero',
      seed: 0,
      range: [-1, 1],
      points: 51,
      step: 400,
    });
    expect(methodInputs['analysis.landscape'].safeParse({ id: 1, ...r.options }).success).toBe(true);
  });

  it('3D asks for a 2d grid with the second direction, β range and points', () => {
    const r = landscapeRequest({
      ...defaultForm(10),
      mode: '3d',
      direction: 'pca',
      direction2: 'pca',
      points: 21,
      to2: 2,
      points2: 11,
      orthogonalize: true,
    });
    expect(r.problems).toEqual({});
    expect(r.options).toMatchObject({ kind: '2d', direction2: 'pca', orthogonalize: true, range2: [-1, 2], points2: 11, step: 10 });
    expect(methodInputs['analysis.landscape'].safeParse({ id: 1, ...r.options }).success).toBe(true);
    expect(gridPoints({ ...defaultForm(10), mode: '3d', points: 21, points2: 11 })).toBe(231);
  });

  it('over training sends the chosen checkpoints sorted, else the thinning count, and no centre step', () => {
    const a = landscapeRequest({ ...defaultForm(10), mode: '1d-training', steps: [30, 10, 20] });
    expect(a.options.steps).toEqual([10, 20, 30]);
    expect(a.options.step).toBeUndefined();
    expect(a.options.maxCheckpoints).toBeUndefined();
    const b = landscapeRequest({ ...defaultForm(10), mode: '1d-training', maxCheckpoints: 8 });
    expect(b.options.maxCheckpoints).toBe(8);
  });

  it('names the field and the problem', () => {
    const r = landscapeRequest({
      ...defaultForm(10),
      mode: '2d',
      from: 1,
      to: -1,
      points: 1.5,
      seed: -1,
      direction: 'target',
      direction2: 'target',
    });
    expect(r.problems.range).toBe('must be [from, to] with from < to, both within [−1000, 1000], got [1, -1]');
    expect(r.problems.points).toBe('must be a whole number from 2 to 1001, got 1.5');
    expect(r.problems.seed).toMatch(/^must be a whole number from 0/);
    expect(r.problems.direction2).toMatch(/^equals direction \("target"\): the same direction twice spans no plane/);
    expect(landscapeRequest({ ...defaultForm(10), points: Number.NaN }).problems.points).toBe(
      'must be a whole number from 2 to 1001, got nothing',
    );
  });
});

describe('form from a stored grid', () => {
  it('asks for the same parameters again', () => {
    const f = {
      ...defaultForm(40),
      mode: '3d' as const,
      direction: 'pca' as const,
      direction2: 'pca' as const,
      points: 15,
      from: -40,
      to: 40,
      orthogonalize: true,
      step: 30,
    };
    const options = landscapeRequest(f).options;
    // the API's filled parameters for that request (as the service fills them: β defaults to α)
    const params = {
      kind: '2d' as const,
      steps: [30],
      direction: 'pca' as const,
      direction2: 'pca' as const,
      normalization: 'filter' as const,
      oneDim: 'zero' as const,
      orthogonalize: true,
      seed: 0,
      range: [-40, 40] as [number, number],
      points: 15,
      range2: [-40, 40] as [number, number],
      points2: 15,
    };
    const back = formFromParams(params, defaultForm(600));
    expect(back.mode).toBe('2d');
    expect(landscapeRequest(back).options).toEqual(options);
    expect(formFromParams(params, { ...defaultForm(600), mode: '3d' }).mode).toBe('3d');
    const t = formFromParams(
      { ...params, kind: '1d-training', steps: [0, 20, 40], direction2: null, range2: null, points2: null },
      defaultForm(600),
    );
    expect(landscapeRequest(t).options.steps).toEqual([0, 20, 40]);
    expect(t.step).toBe(600);
  });
});

describe('number lists (reduced landscape)', () => {
  it('parses commas and spaces, leaves blank to the default and names a bad entry', async () => {
    const { parseNumberList } = await import('../../src/renderer/src/lib/landscape-request');
    const pos = (v: number) => v > 0;
    expect(parseNumberList('0.25, 0.5 1,2', 'scales', pos, 'a factor > 0')).toEqual({ value: [0.25, 0.5, 1, 2], problem: null });
    expect(parseNumberList('  ', 'scales', pos, 'a factor > 0')).toEqual({ value: null, problem: null });
    expect(parseNumberList('1, -2', 'scales', pos, 'a factor > 0').problem).toBe('scales: "-2" is not a factor > 0');
    expect(parseNumberList('1, x', 'values', () => true, 'a number').problem).toBe('values: "x" is not a number');
  });
});

describe('reduced-landscape request', () => {
  it('blank fields leave the defaults; the API schema names each bad option', async () => {
    const { reducedRequest } = await import('../../src/renderer/src/lib/landscape-request');
    const form = { scales: '', axis: '' as const, values: '', updates: null, lrScaling: 'fixed' as const, lrSchedule: '' as const };
    expect(reducedRequest(form)).toEqual({ options: { lrScaling: 'fixed' }, problems: [] });
    const ok = reducedRequest({
      ...form,
      scales: '0.5 1 2',
      axis: 'task.trainFraction',
      values: '0.3, 0.5',
      updates: 200,
      lrSchedule: 'cosine',
    });
    expect(ok.problems).toEqual([]);
    expect(methodInputs['analysis.reduced'].safeParse({ id: 1, ...ok.options }).success).toBe(true);
    expect(reducedRequest({ ...form, scales: '1, -2' }).problems).toEqual(['scales: must be factors in (0, 1000], got -2']);
    expect(reducedRequest({ ...form, scales: '1, x' }).problems).toEqual(['scales: "x" is not a factor in (0, 1000]']);
    expect(reducedRequest({ ...form, updates: 0 }).problems).toEqual(['updates: must be a whole number from 1 to 1000000, got 0']);
    expect(reducedRequest({ ...form, values: '1' }).problems).toEqual(['values: choose the axis they are values of']);
  });

  it("with the run's config: only the task's axes, and every cell checked before launching", async () => {
    const { reducedRequest } = await import('../../src/renderer/src/lib/landscape-request');
    const { reducedAxesOf } = await import('../../src/shared/api/reduced-options');
    const { RunConfigSchema } = await import('../../src/shared/config/run-config');
    const modular = RunConfigSchema.parse({ task: { kind: 'modular', op: 'add', p: 11 }, model: { kind: 'mlp' }, training: { steps: 40 } });
    const mnist = RunConfigSchema.parse({ task: { kind: 'mnist' }, model: { kind: 'mlp' }, training: { steps: 40 } });
    const messiness = RunConfigSchema.parse({ task: { kind: 'messiness' }, model: { kind: 'mlp' }, loss: 'mse', training: { steps: 40 } });
    expect(reducedAxesOf(modular)).toEqual(['task.trainFraction']);
    expect(reducedAxesOf(mnist)).toEqual(['task.trainSize', 'task.messiness']);
    expect(reducedAxesOf(messiness)).toEqual(['task.trainFraction', 'task.messiness']);
    const form = { scales: '', axis: '' as const, values: '', updates: null, lrScaling: 'fixed' as const, lrSchedule: '' as const };
    expect(reducedRequest(form, modular).problems).toEqual([]);
    expect(reducedRequest({ ...form, axis: 'task.trainSize', values: '100' }, modular).problems).toEqual([
      'task "modular" has no task.trainSize; choose axis task.trainFraction',
    ]);
    expect(reducedRequest({ ...form, axis: 'task.trainFraction', values: '0.5, 1.2' }, modular).problems).toEqual([
      'reduced landscape cell (α 0.25, task.trainFraction 1.2): task.trainFraction: must be < 1, got 1.2',
    ]);
  });
});
