// The app's ComputeLauncher over Electron's utilityProcess: fork options, messages both ways, exit reasons, kill.
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { FakeUtilityProcess, resetElectronDouble } from './app-electron-double';
import { COMPUTE_SERVICE_NAME, createUtilityLauncher } from '../../src/main/app/utility-launcher';
import type { ComputeExit } from '../../src/main/host/types';
import type { ComputeToHost } from '../../src/main/protocol/messages';

beforeEach(() => resetElectronDouble());

const launch = (env?: Record<string, string>) => {
  const channel = createUtilityLauncher('/app/out/main/compute.js').launch(env ? { env } : undefined);
  const fork = FakeUtilityProcess.forks.at(-1)!;
  return { channel, fork, child: fork.child };
};

describe('utility process launcher', () => {
  it('forks the bundled compute.js as a named service with the extra env', () => {
    const { fork } = launch({ GROKSCOPE_TEST: '1' });
    expect(fork.modulePath).toBe('/app/out/main/compute.js');
    expect(fork.options.serviceName).toBe(COMPUTE_SERVICE_NAME);
    expect(COMPUTE_SERVICE_NAME).toBe('Grokscope compute');
    expect(fork.options.env.GROKSCOPE_TEST).toBe('1');
    expect(fork.options.env.PATH).toBe(process.env.PATH);
  });

  it('posts host messages and delivers compute messages', () => {
    const { channel, child } = launch();
    channel.send({ type: 'pause' });
    expect(child.posted).toEqual([{ type: 'pause' }]);
    const got: ComputeToHost[] = [];
    channel.onMessage((m) => got.push(m));
    const metrics: ComputeToHost = { type: 'metrics', runId: 3, step: 10, rows: [['train_loss', 10, 1.5]] };
    child.emit('message', metrics);
    expect(got).toEqual([metrics]);
  });

  it('reports exit once, with the code, a readable reason, and the V8 fatal error when there was one', () => {
    const { channel, child } = launch();
    const exits: ComputeExit[] = [];
    channel.onExit((e) => exits.push(e));
    child.emit('error', 'FatalError', 'v8::ToLocalChecked', '{}');
    child.emit('exit', 134);
    expect(exits).toEqual([
      { code: 134, signal: null, reason: 'compute process crashed (FatalError at v8::ToLocalChecked), exit code 134' },
    ]);
    // late listeners still learn about the exit; sends after exit are dropped
    const late: ComputeExit[] = [];
    channel.onExit((e) => late.push(e));
    expect(late).toEqual(exits);
    channel.send({ type: 'cancel' });
    expect(child.posted).toEqual([]);
  });

  it('describes clean and failed exits', () => {
    const a = launch();
    const b = launch();
    const reasons: string[] = [];
    a.channel.onExit((e) => reasons.push(e.reason));
    b.channel.onExit((e) => reasons.push(e.reason));
    a.child.emit('exit', 0);
    b.child.emit('exit', 1);
    expect(reasons).toEqual(['compute process exited', 'compute process exited with code 1']);
  });

  it('kills with SIGKILL when it has a pid, else through Electron', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const withPid = launch();
      withPid.child.pid = 4242;
      withPid.channel.kill();
      if (process.platform !== 'win32') {
        expect(kill).toHaveBeenCalledWith(4242, 'SIGKILL');
        expect(withPid.child.killed).toBe(false);
      }
      const noPid = launch();
      noPid.channel.kill();
      expect(noPid.child.killed).toBe(true);
      const exited = launch();
      exited.child.emit('exit', 0);
      exited.channel.kill();
      expect(exited.child.killed).toBe(false);
    } finally {
      kill.mockRestore();
    }
  });
});
