// Redis connections for the distributed executor and `grokscope worker`: a URL as users write it (redis:// or, with
// TLS, rediss://; a password or ACL user in it: redis://:PASSWORD@host:6379, rediss://USER:PASSWORD@host:6380/0),
// checked up front so a typo is a message, not a hang; the URL is shown with its password masked.
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis URL that cannot be used (the CLI reports it as invalid input). */
export class RedisUrlError extends Error {}

export interface RedisTarget {
  url: string;
  /** the URL with its password replaced by *** (for messages and logs) */
  shown: string;
}

export function parseRedisUrl(text: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new RedisUrlError(`--redis ${JSON.stringify(text)} is not a URL; write redis://HOST:PORT or rediss://:PASSWORD@HOST:PORT`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new RedisUrlError(`--redis must be a redis:// or rediss:// (TLS) URL, got ${u.protocol}//`);
  if (u.hostname === '') throw new RedisUrlError('--redis names no host; write redis://HOST:PORT');
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new RedisUrlError(`--redis: the database number after the host must be 0-99, got "${db}"`);
  if (u.search !== '' || u.hash !== '') throw new RedisUrlError('--redis takes no ?query or #fragment');
  const masked = new URL(u.href);
  if (masked.password) masked.password = '***';
  return { url: u.href, shown: masked.href };
}

/**
 * A connection for BullMQ and the report stream: commands wait across reconnects (a restarted Redis), rather than
 * failing after a few retries.
 */
export function connect(target: RedisTarget, extra: RedisOptions = {}): Redis {
  const r = new Redis(target.url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    ...extra,
  });
  // a connection error is retried; without a listener Node would print it as an unhandled 'error' event
  r.on('error', () => undefined);
  return r;
}

/** Connects once and answers PING within `timeoutMs`; the problem as a sentence (wrong host, password, TLS) if not. */
export async function checkRedis(target: RedisTarget, timeoutMs = 5_000): Promise<string | null> {
  let lastError = '';
  const r = new Redis(target.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  r.on('error', (e: Error) => (lastError = e.message));
  try {
    await Promise.race([
      (async () => {
        await r.connect();
        await r.ping();
      })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return null;
  } catch (e) {
    const why = lastError || (e as Error).message;
    return `cannot use Redis at ${target.shown}: ${why}${/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(why) ? ' (check the password in the URL)' : ''}`;
  } finally {
    r.disconnect();
  }
}
