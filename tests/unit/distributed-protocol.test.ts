// Issue 17: what crosses Redis between coordinator and workers. Reports are validated before anything is stored
// (a malformed or hostile entry is a log line, not a crash); metric values keep NaN and ±Infinity, which JSON cannot
// carry; a job's config is checked with the run config schema; Redis URLs are checked before any connection, and
// shown with the password masked.
import { describe, expect, it } from 'vitest';
import {
  CellJobSchema,
  encodeValue,
  envelopeFields,
  metricsEvals,
  parseEnvelope,
  type Envelope,
} from '../../src/main/distributed/protocol';
import { RedisUrlError, parseRedisUrl } from '../../src/main/distributed/redis';

const asBuffers = (f: (string | Buffer)[]) => f.map((x) => (typeof x === 'string' ? Buffer.from(x) : x));

describe('the report envelope', () => {
  it('round-trips a metrics report with NaN and infinities, bit for bit', () => {
    const values = [0.1 + 0.2, 1e-300, -0, NaN, Infinity, -Infinity, 123456789.12345679];
    const env: Envelope = {
      runId: 3,
      token: 'tok-1',
      seq: 7,
      report: { type: 'metrics', evals: [[10, values.map((v, i) => [`m${i}`, 10, encodeValue(v)] as [string, number, number | 'NaN'])]] },
    };
    const back = parseEnvelope(asBuffers(envelopeFields(env)));
    if (typeof back === 'string') throw new Error(back);
    expect(back.runId).toBe(3);
    expect(back.seq).toBe(7);
    const [ev] = metricsEvals((back.report as Extract<Envelope['report'], { type: 'metrics' }>).evals);
    expect(ev!.rows.map((r) => r[2])).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
  });

  it('carries a checkpoint blob as bytes', () => {
    const blob = Buffer.from([0, 255, 1, 254, 10, 13]);
    const back = parseEnvelope(asBuffers(envelopeFields({ runId: 1, token: 't', seq: 1, report: { type: 'checkpoint', step: 50 }, blob })));
    if (typeof back === 'string') throw new Error(back);
    expect(Buffer.compare(back.blob!, blob)).toBe(0);
  });

  it('refuses malformed and hostile entries with a reason', () => {
    const parse = (fields: string[]) => parseEnvelope(asBuffers(fields));
    expect(parse(['r', 'x', 'k', 't', 's', '1', 'j', '{}'])).toMatch(/without a valid run id/);
    expect(parse(['r', '1', 'k', 't', 's', '1', 'j', 'not json'])).toMatch(/not JSON/);
    expect(parse(['r', '1', 'k', 't', 's', '1', 'j', JSON.stringify({ type: 'rm', path: '/' })])).toMatch(/invalid report/);
    const extra = { type: 'done', step: 5, reason: 'completed', evil: true };
    expect(parse(['r', '1', 'k', 't', 's', '1', 'j', JSON.stringify(extra)])).toMatch(/invalid report/);
    const negative = { type: 'metrics', evals: [[-1, []]] };
    expect(parse(['r', '1', 'k', 't', 's', '1', 'j', JSON.stringify(negative)])).toMatch(/invalid report/);
  });
});

describe('a cell job', () => {
  const config = {
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.6 },
    model: { kind: 'mlp', embedDim: 8, width: 32, depth: 1 },
    training: { steps: 100 },
  };
  it('is checked with the run config schema, defaults filled', () => {
    const ok = CellJobSchema.safeParse({ v: '0.1.0', coord: '0123456789abcdef', runId: 1, config });
    expect(ok.success).toBe(true);
    expect(ok.data!.config.training.evalEvery).toBeGreaterThan(0);
  });
  it('refuses an unknown task, extra fields, and a coordinator id that could reach other keys', () => {
    expect(
      CellJobSchema.safeParse({ v: '0.1.0', coord: '0123456789abcdef', runId: 1, config: { ...config, task: { kind: 'shell' } } }).success,
    ).toBe(false);
    expect(CellJobSchema.safeParse({ v: '0.1.0', coord: '0123456789abcdef', runId: 1, config, script: 'x' }).success).toBe(false);
    expect(CellJobSchema.safeParse({ v: '0.1.0', coord: '*', runId: 1, config }).success).toBe(false);
    expect(CellJobSchema.safeParse({ v: '0.1.0', coord: '0123456789abcdef', runId: 0, config }).success).toBe(false);
  });
});

describe('Redis URLs', () => {
  it('accepts redis:// and rediss:// with a password or ACL user, and masks the password', () => {
    expect(parseRedisUrl('redis://10.0.0.5:6379').shown).toBe('redis://10.0.0.5:6379');
    expect(parseRedisUrl('redis://:s%40cret@10.0.0.5:6379').shown).toBe('redis://:***@10.0.0.5:6379');
    expect(parseRedisUrl('rediss://grokscope:pw@redis.lab:6380/2').shown).toBe('rediss://grokscope:***@redis.lab:6380/2');
  });
  it('names what is wrong with the others', () => {
    const problem = (u: string) => {
      try {
        parseRedisUrl(u);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(RedisUrlError);
        return (e as Error).message;
      }
    };
    expect(problem('localhost:6379')).toMatch(/must be a redis:\/\/ or rediss:\/\/ \(TLS\) URL/);
    expect(problem('http://localhost')).toMatch(/must be a redis:\/\/ or rediss:\/\//);
    expect(problem('not a url')).toMatch(/is not a URL/);
    expect(problem('redis://host:6379/db')).toMatch(/database number/);
    expect(problem('redis://host:6379?x=1')).toMatch(/no \?query/);
  });
});
