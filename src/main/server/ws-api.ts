// The API contract over a WebSocket. Envelopes: request {id, method, params}; response {id, ok: true, result} |
// {id, ok: false, error}; event {event, payload}. Every request goes through the shared dispatcher, exactly as IPC does.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { dispatch } from '../../shared/api/dispatch';
import type { ApiErrorShape } from '../../shared/api/types';
import { pack, packable } from '../../shared/api/wire-columns';
import type { Backend } from '../services/backend-api';
import { originAllowed } from './origin';
import { tokenMatches } from './token';

export const MAX_PAYLOAD = 2 * 1024 * 1024;
/** A client that stops reading (a frozen tab) is dropped rather than buffering events for it without bound. */
const MAX_BUFFERED = 32 * 1024 * 1024;

type Reply = { id: string | number | null; ok: false; error: ApiErrorShape } | { id: string | number; ok: true; result: unknown };

/** The packed text of results that never change (frozen arrays, e.g. the runs list while no run changes), by result:
 *  a page opened again gets the same text without packing and stringifying 10,000 runs again. */
const packedTexts = new WeakMap<object, string>();

/** A reply's frame: a long array of objects as columns ({id, ok, packed}: shared/api/wire-columns.ts, about a third of
 *  the size, and as much less to send, receive and parse), anything else as it is. */
export function replyFrame(reply: Reply): string {
  if (!reply.ok || !packable(reply.result)) return JSON.stringify(reply);
  let text = packedTexts.get(reply.result);
  if (text === undefined) {
    text = JSON.stringify(pack(reply.result));
    if (Object.isFrozen(reply.result)) packedTexts.set(reply.result, text);
  }
  return `{"id":${JSON.stringify(reply.id)},"ok":true,"packed":${text}}`;
}

const errorReply = (id: string | number | null, code: ApiErrorShape['code'], message: string): Reply => ({
  id,
  ok: false,
  error: { code, message },
});

/** Checks the envelope shape; returns the request or an error reply (never throws). */
export function parseRequest(raw: string): { id: string | number; method: unknown; params: unknown } | Reply {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (e) {
    return errorReply(null, 'invalid_input', `message is not valid JSON: ${(e as Error).message}`);
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg))
    return errorReply(null, 'invalid_input', 'message must be a JSON object {id, method, params}');
  const { id, method, params } = msg as Record<string, unknown>;
  const okId = (typeof id === 'string' && id.length <= 128) || (typeof id === 'number' && Number.isFinite(id));
  if (!okId) return errorReply(null, 'invalid_input', 'message needs an "id" (a string of at most 128 characters, or a number)');
  if (typeof method !== 'string') return errorReply(id as string | number, 'invalid_input', 'message needs a "method" string');
  return { id: id as string | number, method, params };
}

export interface WsApi {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientCount(): number;
  close(): Promise<void>;
}

export function createWsApi(backend: Backend, token: string): WsApi {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });

  const send = (ws: WebSocket, reply: Reply): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    ws.send(replyFrame(reply));
  };

  const unsubscribe = backend.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) ws.terminate();
      else ws.send(frame);
    }
  });

  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send(ws, errorReply(null, 'invalid_input', 'binary messages are not supported; send JSON text'));
      const req = parseRequest(data.toString());
      if ('ok' in req) return send(ws, req);
      void dispatch(backend.handlers, req.method, req.params).then(
        (r) => send(ws, r.ok ? { id: req.id, ok: true, result: r.result } : { id: req.id, ok: false, error: r.error }),
        (e: unknown) => send(ws, errorReply(req.id, 'internal', e instanceof Error ? e.message : String(e))),
      );
    });
  });

  const reject = (socket: Duplex, status: number, text: string): void => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`,
    );
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api') return reject(socket, 404, 'Not Found');
      if (!originAllowed(req.headers.origin, req.headers.host)) return reject(socket, 403, 'Forbidden');
      if (!tokenMatches(token, url.searchParams.get('token'))) return reject(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    clientCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
