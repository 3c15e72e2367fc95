// Which requests count as "from this machine, from our own page". The server listens on loopback only; these checks
// stop a foreign web page from using the user's browser to reach it (cross-origin WebSocket, DNS rebinding).
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The hostname part of a Host header value ("localhost:7878" → "localhost", "[::1]:80" → "[::1]"). */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** A Host header naming a loopback address (any port: SSH forwarding may map the server to another local port). */
export const isLoopbackHost = (hostHeader: string | undefined): boolean =>
  typeof hostHeader === 'string' && LOOPBACK_NAMES.has(hostnameOf(hostHeader));

/**
 * A WebSocket may come from our own page (Origin equals http://<Host>) or from a non-browser client that sends
 * no Origin at all (scripts, tests). Any other Origin is a foreign page and is refused.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (!isLoopbackHost(hostHeader)) return false;
  if (origin === undefined) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return u.host.toLowerCase() === hostHeader!.trim().toLowerCase();
}

export const isLoopbackListenHost = (host: string): boolean => LOOPBACK_NAMES.has(host.toLowerCase());
