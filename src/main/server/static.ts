// Serves the built renderer (out/renderer) read-only: GET/HEAD only, no directory traversal (the resolved real path
// must stay inside the root), security headers on every response, a clear 503 page when the UI has not been built.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/content-security-policy';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The token travels in the first URL; never send it onwards as a referrer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

const notBuiltPage = (staticDir: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grokscope: UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 42rem; margin: 4rem auto; line-height: 1.5">
<h1>The Grokscope UI has not been built</h1>
<p>The server is running, but there is no <code>index.html</code> in <code>${escapeHtml(staticDir)}</code>.</p>
<p>Build it from the repository root with <code>npx vite build -c src/renderer/vite.config.ts</code>
(or <code>npm run build</code>), then reload this page.</p>
</body></html>`;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Maps a request path onto a file inside `root`, or null when the path is malformed or escapes the root.
 * Exported for tests.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, rel);
  const back = path.relative(root, full);
  if (back === '' || back.startsWith('..') || path.isAbsolute(back)) return null;
  return full;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'method not allowed\n');
  }
  const root = path.resolve(staticDir);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
    await fs.access(path.join(realRoot, 'index.html'));
  } catch {
    return sendText(res, 503, notBuiltPage(root), 'text/html; charset=utf-8');
  }
  const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
  const candidate = resolveInside(realRoot, urlPath);
  if (candidate === null) return sendText(res, 400, 'bad path\n');
  let file: string;
  let size: number;
  try {
    // Resolve symlinks too: a link inside the root must not lead outside it.
    file = await fs.realpath(candidate);
    const back = path.relative(realRoot, file);
    if (back.startsWith('..') || path.isAbsolute(back)) return sendText(res, 404, 'not found\n');
    const st = await fs.stat(file);
    if (!st.isFile()) return sendText(res, 404, 'not found\n');
    size = st.size;
  } catch {
    return sendText(res, 404, 'not found\n');
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(size));
  // Hashed asset names may be cached; the page itself must always be fresh (it names the current assets).
  res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      if (!res.headersSent) sendText(res, 500, 'read error\n');
      else res.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
}
