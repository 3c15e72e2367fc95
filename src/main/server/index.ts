// Browser mode: the built renderer and the API contract over a WebSocket, on loopback only, behind a per-start token.
// `grokscope serve` uses this; a remote GPU box is reached through SSH port forwarding, never by listening on 0.0.0.0.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../services/backend-api';
import { isLoopbackHost, isLoopbackListenHost } from './origin';
import { sendText, serveStatic, setSecurityHeaders } from './static';
import { newToken } from './token';
import { createWsApi, replyFrame } from './ws-api';

export interface ServerOptions {
  backend: Backend;
  /** 0 picks any free port (tests); the CLI passes its own default */
  port?: number;
  /** a loopback address: 127.0.0.1 (default), localhost or ::1 */
  host?: string;
  /** the built renderer; default <repo>/out/renderer */
  staticDir?: string;
  /** a fixed access token (at least 16 URL-safe characters), so a bookmarked address survives a restart;
   *  default: a new random token at every start */
  token?: string;
}

export interface RunningServer {
  /** the address to open, token included */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The repository (or installed package) root: the nearest folder above this file holding package.json. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const defaultStaticDir = (): string => path.join(packageRoot(), 'out', 'renderer');

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackListenHost(host))
    throw new Error(
      `refusing to listen on "${host}": browser mode serves on loopback only (127.0.0.1, localhost or ::1); reach a remote machine with SSH port forwarding`,
    );
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be an integer in 0..65535, got ${port}`);
  const staticDir = path.resolve(opts.staticDir ?? defaultStaticDir());
  if (opts.token !== undefined && !/^[A-Za-z0-9_-]{16,256}$/.test(opts.token))
    throw new Error('token must be 16 to 256 characters of A-Z, a-z, 0-9, "-" or "_"');
  const token = opts.token ?? newToken();
  const api = createWsApi(opts.backend, token);

  const server: Server = createServer((req, res) => {
    setSecurityHeaders(res);
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 arrives with its own Host header.
    if (!isLoopbackHost(req.headers.host)) return sendText(res, 421, 'this server answers only to 127.0.0.1 / localhost\n');
    serveStatic(req, res, staticDir).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => api.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use; pick another with --port`) : e);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // The runs list is summarised once and then kept (services/run-summaries.ts), and so is its frame while it is
  // unchanged (ws-api.ts): make the first, slow ones now, so the page opened next finds them ready.
  setTimeout(
    () =>
      void Promise.resolve(opts.backend.handlers['runs.list']({ includeDeleted: false, withConfig: false }))
        .then((result) => replyFrame({ id: 0, ok: true, result }))
        .catch(() => undefined),
    0,
  ).unref();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}/?token=${token}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        await api.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
