// The options of "grokscope analyze landscape|reduced" (each bad one a UsageError naming it, exit 2) and the text the
// commands print, without starting a compute process.
import { describe, expect, it } from 'vitest';
import { landscapeOptions, landscapeText, LANDSCAPE_FLAGS, reducedOptions, reducedText } from '../../src/main/cli/analyze-landscape';
import { parseArgs } from '../../src/main/cli/args';
import { UsageError } from '../../src/main/cli/errors';
import type { LandscapeView, ReducedView } from '../../src/shared/api/landscape-types';

const parse = (argv: string[]) =>
  parseArgs(
    {
      name: 'analyze',
      positionals: ['KIND'],
      flags: { run: 'value', steps: 'value', 'max-checkpoints': 'value', json: 'boolean', ...LANDSCAPE_FLAGS },
    },
    ['landscape', ...argv],
  );

describe('landscape options', () => {
  it('reads every option', () => {
    expect(
      landscapeOptions(
        parse([
          '--kind',
          '2d',
          '--direction',
          'pca',
          '--direction2',
          'random',
          '--normalization',
          'raw',
          '--one-dim',
          'per-scalar',
          '--orthogonalize',
          '--seed',
          '3',
          '--range',
          '-3,3',
          '--points',
          '21',
          '--range2=-0.5,0.5',
          '--points2',
          '11',
          '--checkpoint',
          '400',
        ]),
      ),
    ).toEqual({
      kind: '2d',
      direction: 'pca',
      direction2: 'random',
      normalization: 'raw',
      oneDim: 'per-scalar',
      orthogonalize: true,
      seed: 3,
      range: [-3, 3],
      points: 21,
      range2: [-0.5, 0.5],
      points2: 11,
      step: 400,
    });
    expect(landscapeOptions(parse(['--kind', '1d-training', '--steps', '10,20', '--max-checkpoints', '5', '--splits', 'train']))).toEqual({
      kind: '1d-training',
      steps: [10, 20],
      maxCheckpoints: 5,
      splits: 'train',
    });
    expect(landscapeOptions(parse([]))).toEqual({});
  });

  it('bad options are usage errors that name the option and the value', () => {
    const cases: [string[], RegExp][] = [
      [['--kind', '3d'], /--kind must be one of 1d, 1d-training, 2d, got "3d"/],
      [['--range', '1,-1'], /--range must be \[from, to\] with from < to, both within \[−1000, 1000\], got \[1, -1\]/],
      [['--range', '-1,5000'], /--range must be \[from, to\] with from < to, both within \[−1000, 1000\], got 5000/],
      [['--range', '0'], /--range must be two numbers FROM,TO/],
      [['--range', 'a,b'], /--range must be two numbers FROM,TO separated by commas, got "a,b"/],
      [['--points', '1'], /--points must be a whole number from 2 to 1001, got 1$/],
      [['--points', '1.5'], /--points must be a whole number from 2 to 1001, got "1.5"/],
      [['--direction', 'north'], /--direction must be one of random, target, next, init, pca, got "north"/],
      [['--one-dim', 'drop'], /--one-dim must be one of zero, per-scalar, keep/],
      [['--normalization', 'unit'], /--normalization must be one of filter, raw/],
      [['--checkpoint', '-4'], /--checkpoint must be a whole number from 0 to \d+, got "-4"/],
      [
        ['--kind', '2d', '--direction', 'init', '--direction2', 'init'],
        /--direction2 equals direction \("init"\): the same direction twice spans no plane/,
      ],
      [['--kind', '1d', '--points2', '5'], /--points2 belongs to a 2d surface/],
      [['--steps', '1,x'], /--steps must be checkpoint steps/],
      [['--scales', '1,2'], /--scales belongs to "grokscope analyze reduced"/],
      [['--updates', '10'], /--updates belongs to "grokscope analyze reduced"/],
    ];
    for (const [argv, msg] of cases) {
      expect(() => landscapeOptions(parse(argv)), argv.join(' ')).toThrow(UsageError);
      expect(() => landscapeOptions(parse(argv))).toThrow(msg);
    }
  });
});

describe('reduced options', () => {
  it('reads scales, axis, values, updates and eval-every; landscape options are refused', () => {
    expect(
      reducedOptions(
        parse([
          '--scales',
          '0.5,1,2',
          '--axis',
          'task.trainSize',
          '--values',
          '100,200',
          '--updates',
          '300',
          '--eval-every',
          '10',
          '--lr-scaling',
          'with-norm',
          '--lr-schedule',
          'cosine',
        ]),
      ),
    ).toEqual({
      lrScaling: 'with-norm',
      lrSchedule: 'cosine',
      scales: [0.5, 1, 2],
      axis: 'task.trainSize',
      values: [100, 200],
      steps: 300,
      evalEvery: 10,
    });
    expect(() => reducedOptions(parse(['--scales', '0,1']))).toThrow(/--scales must be factors in \(0, 1000\], got 0/);
    expect(() => reducedOptions(parse(['--updates', '0']))).toThrow(/--updates must be a whole number from 1 to 1000000, got 0/);
    expect(() => reducedOptions(parse(['--axis', 'task.p']))).toThrow(
      /--axis must be one of task.trainSize, task.trainFraction, task.messiness/,
    );
    expect(() => reducedOptions(parse(['--lr-schedule', 'step']))).toThrow(/--lr-schedule must be one of constant, cosine, linear/);
    expect(() => reducedOptions(parse(['--kind', '2d']))).toThrow(/--kind belongs to "grokscope analyze landscape"/);
    expect(() => reducedOptions(parse(['--steps', '10']))).toThrow(/--steps belongs to "grokscope analyze landscape"/);
  });
});

describe('text output', () => {
  const base = {
    runId: 3,
    key: 'L0000abcd',
    status: 'completed' as const,
    backend: 'cpu',
    dim: 100,
    pointsPerSecond: 50,
    resumedRows: 0,
    error: null,
    createdAt: '',
    updatedAt: '',
    directions: [
      {
        kind: 'random' as const,
        label: 'random Gaussian (seed 0) (filter-normalised, 1-D: zero)',
        normalization: 'filter' as const,
        oneDim: 'zero' as const,
        norm: 2,
        zeroed: ['out.bias'],
      },
    ],
  };
  const params = {
    direction: 'random' as const,
    direction2: null,
    normalization: 'filter' as const,
    oneDim: 'zero' as const,
    orthogonalize: false,
    seed: 0,
    range: [-1, 1] as [number, number],
    points: 3,
    range2: null,
    points2: null,
  };

  it('1d: one line per α with train and validation loss and accuracy', () => {
    const v: LandscapeView = {
      ...base,
      params: { ...params, kind: '1d', steps: [40] },
      alphas: [-1, 0, 1],
      betas: null,
      rows: [{ step: 40, beta: null, train: { loss: [2, 1, 3], acc: [0.5, 1, 0.25] }, val: { loss: [4, 3, 5], acc: [0, 0.5, 0] } }],
      trajectory: null,
    };
    const t = landscapeText(v);
    expect(t).toMatch(/run 3: 1d loss landscape L0000abcd \(completed\), d = 100, cpu backend, 50.0 points\/s/);
    expect(t).toMatch(/δ: random Gaussian.*‖·‖ = 2 \(zeroed: out.bias\)/);
    expect(t.split('\n').at(-2)).toMatch(/^\s+0\s+1\s+1\s+3\s+0.5000$/);
  });

  it('reduced: a table per axis value, cells not computed say so', () => {
    const v: ReducedView = {
      runId: 1,
      key: 'R1',
      params: { scales: [0.5, 2], axis: 'task.trainSize', values: [100], steps: 10, evalEvery: 1, lrScaling: 'with-norm' },
      status: 'cancelled',
      backend: 'cpu',
      w0: 8,
      cells: [
        [
          {
            scale: 0.5,
            value: 100,
            weightNorm: 4,
            trainLoss: 0.1,
            testLoss: 0.2,
            trainError: 0,
            testError: 0.5,
            atTrainMin: { step: 10, testLoss: 0.3, trainError: 0, testError: 0.6 },
            finalTrainLoss: 0.1,
            finalTestLoss: 0.2,
            seconds: 1,
          },
          null,
        ],
      ],
      resumedCells: 0,
      error: null,
      createdAt: '',
      updatedAt: '',
    };
    const t = reducedText(v);
    expect(t).toMatch(/reduced landscape R1 \(cancelled\).*10 updates per cell \(lr × α\).*w0 = 8/);
    expect(t).toMatch(/task.trainSize = 100/);
    // train loss, then test loss and error at the training-loss minimiser (003 Eq. 1), then the best over training
    expect(t).toMatch(/0.5000\s+4\s+0.1000\s+0.3000\s+0.6000\s+0.2000\s+0.5000/);
    expect(t).toMatch(/\n\s+2 \(not computed\)$/);
  });
});
