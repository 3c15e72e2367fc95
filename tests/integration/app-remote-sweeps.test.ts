// The desktop app's Redis setting (issue 17): where it comes from (GROKSCOPE_REDIS over the settings file), and what
// becomes of it: a distributed executor once Redis answers, else a message naming the setting and what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSetting, remoteSweepsOf } from '../../src/main/app/remote-sweeps';
import { freePort, startRedis, type TestRedis } from './redis-helpers';

const FILE = '/home/me/.config/Grokscope/settings.json';
const quiet = () => undefined;

describe("the app's Redis setting", () => {
  it('is read from GROKSCOPE_REDIS first, then from "redis" in the settings file; none is the local pool', () => {
    expect(redisSetting({}, {}, FILE)).toBeNull();
    expect(redisSetting({ redis: '' }, {}, FILE)).toBeNull();
    expect(redisSetting({ redis: 'redis://lab:6379' }, {}, FILE)).toEqual({ text: 'redis://lab:6379', from: `"redis" in ${FILE}` });
    expect(redisSetting({ redis: 'redis://lab:6379' }, { GROKSCOPE_REDIS: ' redis://other:1 ' }, FILE)).toEqual({
      text: 'redis://other:1',
      from: 'GROKSCOPE_REDIS',
    });
    expect(redisSetting({ redis: 6379 }, {}, FILE)).toEqual({ text: '6379', from: `"redis" in ${FILE}` });
  });

  it('names the setting and the problem when the URL is not one, or Redis does not answer', async () => {
    const from = `"redis" in ${FILE}`;
    expect(await remoteSweepsOf({ text: '6379', from }, quiet)).toEqual({
      problem: `${from} "6379" is not a URL; write redis://HOST:PORT or rediss://:PASSWORD@HOST:PORT`,
    });
    const port = await freePort(); // nothing listens there
    const r = await remoteSweepsOf({ text: `redis://:secret@127.0.0.1:${port}`, from }, quiet, 2_000);
    expect('problem' in r && r.problem).toMatch(
      new RegExp(`^"redis" in .* Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} does not answer: `),
    );
  });

  describe('with a Redis that answers', () => {
    let redis: TestRedis;
    beforeAll(async () => void (redis = await startRedis({ password: 'pw' })), 30_000);
    afterAll(async () => redis?.cleanup());

    it('gives the back end a distributed executor, the password masked where it is shown', async () => {
      const r = await remoteSweepsOf({ text: redis.url, from: 'GROKSCOPE_REDIS' }, quiet);
      if ('problem' in r) throw new Error(r.problem);
      expect(typeof r.sweepExecutor).toBe('function');
      expect(r.target.shown).not.toContain('pw');
    });
  });
});
