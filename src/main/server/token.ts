// The per-start access token of browser mode. Anyone who can reach 127.0.0.1 (other local users, a web page doing
// DNS rebinding) must still present it; it is random per server start and compared in constant time.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export const newToken = (): string => randomBytes(24).toString('base64url');

/** Constant-time comparison; hashing first makes the lengths equal so the length does not leak either. */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
