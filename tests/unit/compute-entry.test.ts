// The compute process as the host starts it from source: node --import tsx src/main/compute/entry.ts, IPC with
// serialization 'advanced'.
import { fork, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ComputeToHost, HostToCompute } from '../../src/main/protocol/messages';

const config = {
  seed: 0,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 4, width: 8, depth: 1 },
  training: { steps: 30, evalEvery: 10 },
};

function start(): { child: ChildProcess; messages: ComputeToHost[]; exit: Promise<number | null> } {
  const child = fork('src/main/compute/entry.ts', [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'pipe' });
  const messages: ComputeToHost[] = [];
  child.on('message', (m) => messages.push(m as ComputeToHost));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, messages, exit };
}

const send = (child: ChildProcess, m: HostToCompute | Record<string, unknown>) => child.send(m);

describe('compute process entry', () => {
  it('trains a run, sends Float32Array checkpoints and exits 0 after done', async () => {
    const { child, messages, exit } = start();
    send(child, { type: 'start', runId: 3, config });
    expect(await exit).toBe(0);
    expect(messages.map((m) => m.type)).toEqual(['started', 'metrics', 'metrics', 'metrics', 'metrics', 'checkpoint', 'done']);
    const ckpt = messages.find((m) => m.type === 'checkpoint') as Extract<ComputeToHost, { type: 'checkpoint' }>;
    expect(ckpt.state.params[0]!.data).toBeInstanceOf(Float32Array);
    expect(messages.at(-1)).toEqual({ type: 'done', runId: 3, step: 30, reason: 'completed' });
  }, 60_000);

  it('answers an invalid config with an error naming the field and exits 1', async () => {
    const { child, messages, exit } = start();
    send(child, { type: 'start', runId: 4, config: { ...config, training: { steps: -5 } } });
    expect(await exit).toBe(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'error', runId: 4 });
    expect((messages[0] as { message: string }).message).toMatch(/training\.steps/);
  }, 60_000);

  it('cancels on request and exits 0; exits when the parent disconnects', async () => {
    const a = start();
    send(a.child, { type: 'start', runId: 5, config: { ...config, training: { steps: 1_000_000, evalEvery: 10 } } });
    a.child.on('message', (m) => {
      if ((m as ComputeToHost).type === 'metrics' && (m as { step: number }).step === 20) send(a.child, { type: 'cancel' });
    });
    expect(await a.exit).toBe(0);
    expect(a.messages.at(-1)).toMatchObject({ type: 'done', reason: 'cancelled' });

    const b = start();
    send(b.child, { type: 'start', runId: 6, config: { ...config, training: { steps: 1_000_000, evalEvery: 1000 } } });
    b.child.once('message', () => b.child.disconnect());
    expect(await b.exit).toBe(0);
  }, 60_000);
});
