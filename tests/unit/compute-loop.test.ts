import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import type { ComputeToHost } from '../../src/main/protocol/messages';
import type { TrainingState } from '../../src/main/protocol/training-state';
import { runTraining } from '../../src/main/compute/train/run';
import { STEP_LOSS_UPDATES } from '../../src/main/compute/train/loop';
import { STEP_LOSS_METRIC } from '../../src/shared/analysis/predictor';

function config(over: { training?: Partial<RunConfigInput['training']>; model?: RunConfigInput['model']; seed?: number } = {}): RunConfig {
  return RunConfigSchema.parse({
    seed: over.seed ?? 1,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5, encoding: 'power' },
    model: over.model ?? { kind: 'mlp', embedDim: 4, width: 16, depth: 1 },
    optimizer: { lr: 3e-3, weightDecay: 1, warmupSteps: 5 },
    training: { steps: 40, evalEvery: 10, ...over.training },
  });
}

type Hook = (m: ComputeToHost, control: { paused: boolean; cancelled: boolean }) => void;

async function run(cfg: RunConfig, opts: { resume?: TrainingState; hook?: Hook; holdAt?: number; workers?: number } = {}) {
  const messages: ComputeToHost[] = [];
  const control = { paused: false, cancelled: false };
  await runTraining(cfg, {
    runId: 5,
    control,
    ...(opts.workers !== undefined ? { execution: { threads: { workers: opts.workers }, mlpKernel: true } } : {}),
    ...(opts.resume ? { resume: opts.resume } : {}),
    ...(opts.holdAt !== undefined ? { holdAt: opts.holdAt } : {}),
    emit: (m) => {
      messages.push(m);
      opts.hook?.(m, control);
    },
  });
  const all = messages.filter((m): m is Extract<ComputeToHost, { type: 'metrics' }> => m.type === 'metrics');
  // Per-update losses (the spectral window) ride along with the evaluations; tests look at them apart.
  const stepLosses = all.flatMap((m) => m.rows.filter((r) => r[0] === STEP_LOSS_METRIC));
  const metrics = all.map((m) => ({ ...m, rows: m.rows.filter((r) => r[0] !== STEP_LOSS_METRIC) })).filter((m) => m.rows.length > 0);
  const checkpoints = messages.filter((m): m is Extract<ComputeToHost, { type: 'checkpoint' }> => m.type === 'checkpoint');
  const done = messages.at(-1);
  return { messages, metrics, stepLosses, checkpoints, done };
}

const value = (rows: [string, number, number][], name: string) => rows.find((r) => r[0] === name)?.[2];

describe('training loop', () => {
  it('measures at step 0, every evalEvery steps and at the last step, and checkpoints on schedule and at the end', async () => {
    const { messages, metrics, checkpoints, done } = await run(config({ training: { steps: 25, checkpointEvery: 20 } }));
    expect(messages[0]).toMatchObject({ type: 'started', runId: 5, backend: 'wasm', step: 0 });
    // the run records how its step was threaded (GROKSCOPE_WORKERS is not set in this test) and that the MLP step ran
    // in Grokscope's wasm kernel
    const notes = (messages[0] as { backendNotes: string[] }).backendNotes;
    expect(notes.at(-2)).toMatch(/^training step: one thread/);
    expect(notes.at(-1)).toMatch(/^MLP step: Grokscope's WebAssembly SIMD kernel/);
    expect((messages[0] as { paramCount: number }).paramCount).toBe(9 * 4 + (16 * 16 + 16) + (16 * 7 + 7));
    expect(metrics.map((m) => m.step)).toEqual([0, 10, 20, 25]);
    const base = ['train_loss', 'train_acc', 'val_loss', 'val_acc', 'weight_norm', 'cos_init'];
    const norms = ['embed.weight', 'hidden.0.weight', 'hidden.0.bias', 'out.weight', 'out.bias'].map((n) => `norm/${n}`);
    expect(metrics[0]!.rows.map((r) => r[0])).toEqual([...base, ...norms]);
    for (const m of metrics.slice(1)) {
      expect(m.rows.map((r) => r[0])).toEqual([...base, ...norms, 'grad_norm', 'cos_step', 'lr']);
      for (const [, step] of m.rows) expect(step).toBe(m.step);
      for (const k of ['train_acc', 'val_acc']) {
        expect(value(m.rows, k)).toBeGreaterThanOrEqual(0);
        expect(value(m.rows, k)).toBeLessThanOrEqual(1);
      }
      expect(value(m.rows, 'grad_norm')).toBeGreaterThan(0);
      expect(value(m.rows, 'lr')).toBeCloseTo(3e-3, 12); // past the 5-step warm-up
    }
    // train accuracy is a fraction of the 24 training equations (floor(0.5·49))
    for (const m of metrics)
      expect(Math.abs(value(m.rows, 'train_acc')! * 24 - Math.round(value(m.rows, 'train_acc')! * 24))).toBeLessThan(1e-9);
    expect(checkpoints.map((c) => c.state.step)).toEqual([20, 25]);
    expect(done).toEqual({ type: 'done', runId: 5, step: 25, reason: 'completed' });
  });

  it('reports the warm-up learning rate of the update just taken', async () => {
    const { metrics } = await run(config({ training: { steps: 4, evalEvery: 1 } }));
    const lrs = metrics.map((m) => value(m.rows, 'lr'));
    expect(lrs[0]).toBeUndefined(); // step 0: no update taken yet
    [1, 2, 3, 4].forEach((k) => expect(lrs[k]).toBeCloseTo((k * 3e-3) / 5, 12));
  });

  it('cancels within one evaluation interval and leaves a checkpoint to continue from', async () => {
    const { metrics, checkpoints, done } = await run(config({ training: { steps: 400 } }), {
      hook: (m, c) => {
        if (m.type === 'metrics' && m.step === 20) c.cancelled = true;
      },
    });
    expect(done).toMatchObject({ type: 'done', reason: 'cancelled' });
    const step = (done as { step: number }).step;
    expect(step).toBeGreaterThanOrEqual(20);
    expect(step).toBeLessThan(30);
    expect(metrics.at(-1)!.step).toBe(20);
    expect(checkpoints.at(-1)!.state.step).toBe(step);
  });

  it('pauses and resumes without changing the results', async () => {
    const plain = await run(config());
    let resumedAt = 0;
    const paused = await run(config(), {
      hook: (m, c) => {
        if (m.type === 'metrics' && m.step === 10) {
          c.paused = true;
          setTimeout(() => {
            resumedAt = Date.now();
            c.paused = false;
          }, 150);
        }
      },
    });
    const types = paused.messages.map((m) => m.type);
    const pi = types.indexOf('paused');
    const ri = types.indexOf('resumed');
    expect(pi).toBeGreaterThan(0);
    expect(ri).toBe(pi + 1); // nothing trains while paused
    const pausedStep = (paused.messages[pi] as { step: number }).step;
    expect(pausedStep).toBeGreaterThanOrEqual(10);
    expect(pausedStep).toBeLessThan(20);
    expect(resumedAt).toBeGreaterThan(0);
    expect(paused.metrics.map((m) => m.rows)).toEqual(plain.metrics.map((m) => m.rows));
  });

  it("holds after exactly holdAt updates (a predict sweep's window), with the window's losses sent; resumes or cancels from there", async () => {
    const plain = await run(config());
    const updatesAtPause: number[] = [];
    const held = await run(config(), {
      holdAt: 13, // not an evaluation step: the losses of updates 11-13 must go out before the pause
      hook: (m, c) => {
        if (m.type !== 'paused') return;
        updatesAtPause.push(m.step);
        setTimeout(() => (c.paused = false), 100); // the host's decision takes a while; nothing trains meanwhile
      },
    });
    expect(updatesAtPause).toEqual([13]);
    const types = held.messages.map((m) => m.type);
    expect(types.indexOf('resumed')).toBe(types.indexOf('paused') + 1);
    const before = held.messages.slice(0, types.indexOf('paused'));
    const lossSteps = before.flatMap((m) => (m.type === 'metrics' ? m.rows.filter((r) => r[0] === STEP_LOSS_METRIC).map((r) => r[1]) : []));
    expect(lossSteps).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(held.metrics.map((m) => m.rows)).toEqual(plain.metrics.map((m) => m.rows)); // the same run otherwise
    // resumed with a later hold (a predict sweep asking again at its next window): holds there too
    const twice: number[] = [];
    const again = await run(config(), {
      holdAt: 13,
      hook: (m, c) => {
        if (m.type !== 'paused') return;
        twice.push(m.step);
        setTimeout(() => {
          if (m.step === 13) (c as { holdAt?: number }).holdAt = 27;
          c.paused = false;
        }, 20);
      },
    });
    expect(twice).toEqual([13, 27]);
    expect(again.metrics.map((m) => m.rows)).toEqual(plain.metrics.map((m) => m.rows));
    // cancelled while held: ends at the hold with a checkpoint there, to continue from
    const stopped = await run(config(), { holdAt: 13, hook: (m, c) => m.type === 'paused' && setTimeout(() => (c.cancelled = true), 50) });
    expect(stopped.done).toMatchObject({ type: 'done', reason: 'cancelled', step: 13 });
    expect(stopped.checkpoints.at(-1)!.state.step).toBe(13);
  });

  for (const variant of [
    { name: 'full batch MLP', over: {} },
    // the default on a multi-core machine: the rows split over the trainer and a gradient worker (train/pool)
    { name: 'full batch MLP, 2 threads', over: {}, workers: 1 },
    { name: 'minibatch MLP', over: { training: { batchSize: 5 } } },
    {
      name: 'minibatch transformer',
      over: { training: { batchSize: 7 }, model: { kind: 'transformer' as const, layers: 1, dModel: 8, heads: 2, dMlp: 16 } },
    },
  ]) {
    it(`resuming from a checkpoint continues exactly (${variant.name})`, async () => {
      const cfg = config({ ...variant.over, training: { ...variant.over.training, steps: 40, checkpointEvery: 15 } });
      const workers = 'workers' in variant ? { workers: variant.workers } : {};
      const whole = await run(cfg, workers);
      if ('workers' in variant)
        expect((whole.messages[0] as { backendNotes: string[] }).backendNotes).toContain(
          'training step: rows split over 2 threads (1 gradient worker, GROKSCOPE_WORKERS=1)',
        );
      const at15 = whole.checkpoints.find((c) => c.state.step === 15)!.state;
      const rest = await run(cfg, { resume: at15, ...workers });
      expect(at15.optimizer).toHaveLength(2 * at15.params.length);
      expect(rest.messages[0]).toMatchObject({ type: 'started', step: 15 });
      expect(rest.metrics.map((m) => m.step)).toEqual([20, 30, 40]);
      expect(rest.metrics.map((m) => m.rows)).toEqual(whole.metrics.filter((m) => m.step > 15).map((m) => m.rows));
      expect(Array.from(rest.checkpoints.at(-1)!.state.params[0]!.data)).toEqual(
        Array.from(whole.checkpoints.at(-1)!.state.params[0]!.data),
      );
    });
  }

  it('records the loss of every update up to STEP_LOSS_UPDATES, once each, and a resumed run fills the rest', async () => {
    const cfg = config({ training: { steps: 40, checkpointEvery: 15 } });
    const whole = await run(cfg);
    expect(whole.stepLosses.map((r) => r[1])).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const [, , loss] of whole.stepLosses) expect(Number.isFinite(loss) && loss > 0).toBe(true);
    // the loss of update 1 is the training loss measured at step 0 (full batch, the same weights)
    expect(whole.stepLosses[0]![2]).toBeCloseTo(value(whole.metrics[0]!.rows, 'train_loss')!, 5);
    const rest = await run(cfg, { resume: whole.checkpoints.find((c) => c.state.step === 15)!.state });
    expect(rest.stepLosses).toEqual(whole.stepLosses.slice(15));
    expect(STEP_LOSS_UPDATES).toBeGreaterThanOrEqual(400);
  });

  it('leaks no tensors: the count is the same after step 10 and step 500, and back to the start after the run', async () => {
    await run(config({ training: { steps: 2 } })); // backend initialised
    const before = tf.memory().numTensors;
    const counts = new Map<number, number>();
    await run(config({ training: { steps: 500, batchSize: 6 } }), {
      hook: (m) => {
        if (m.type === 'metrics') counts.set(m.step, tf.memory().numTensors);
      },
    });
    expect(counts.get(10)).toBeGreaterThan(before);
    expect(counts.get(500)).toBe(counts.get(10));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with reason diverged when the loss is not finite', async () => {
    const cfg = config({ training: { steps: 30, checkpointEvery: 10 } });
    const { checkpoints } = await run(cfg);
    const state = structuredClone(checkpoints[0]!.state);
    state.params[1]!.data[0] = Number.NaN;
    const { done, metrics } = await run(cfg, { resume: state });
    expect(done).toMatchObject({ type: 'done', reason: 'diverged', step: 11 });
    expect((done as { message: string }).message).toMatch(/training loss is NaN/);
    expect(metrics).toHaveLength(0);
  });

  it('reports a checkpoint that does not fit the model as an error naming the parameter', async () => {
    const cfg = config({ training: { steps: 10, checkpointEvery: 10 } });
    const { checkpoints } = await run(cfg);
    const state = structuredClone(checkpoints[0]!.state);
    state.params[1]!.shape = [3, 3];
    const { done } = await run(cfg, { resume: state });
    expect(done).toMatchObject({ type: 'error', runId: 5 });
    expect((done as { message: string }).message).toBe('checkpoint "hidden.0.weight" has shape [3, 3], the model needs [16, 16]');
  });
});
