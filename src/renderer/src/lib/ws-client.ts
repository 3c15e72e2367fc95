// The API contract over a WebSocket (browser mode). Requests wait for their reply by id; events fan out to
// listeners. When the socket drops it reconnects with exponential backoff and tells its listeners, so the UI can show
// a banner and refetch what it shows once the link is back.
import {
  ApiError,
  type ApiClient,
  type EventName,
  type EventPayloads,
  type MethodName,
  type MethodInput,
  type MethodOutput,
} from '../../../shared/api/contract';
import type { ApiErrorShape } from '../../../shared/api/types';
import { unpack, type PackedTable } from '../../../shared/api/wire-columns';
import type { ConnectionListener, ConnectionState } from './connection';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  frame: string;
  sent: boolean;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 15_000;

export class WsClient implements ApiClient {
  private ws: WebSocket | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly connListeners = new Set<ConnectionListener>();
  private state: ConnectionState = { kind: 'connecting', attempt: 0 };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly url: string) {
    this.connect();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connListeners.add(listener);
    listener(this.state);
    return () => this.connListeners.delete(listener);
  }

  /** Skip the backoff wait (the banner's "retry now"). */
  retryNow(): void {
    if (this.state.kind !== 'down') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    if (this.state.kind === 'down')
      return Promise.reject(new ApiError('internal', `not connected to the Grokscope server (${this.state.reason}); retrying`));
    const id = ++this.seq;
    const frame = JSON.stringify({ id, method, params: input });
    return new Promise<MethodOutput<M>>((resolve, reject) => {
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject, frame, sent: false };
      this.pending.set(id, p);
      if (this.ws?.readyState === WebSocket.OPEN) this.sendPending(p);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.connListeners) l(s);
  }

  private sendPending(p: Pending): void {
    p.sent = true;
    this.ws!.send(p.frame);
  }

  private connect(): void {
    this.attempt++;
    this.setState({ kind: 'connecting', attempt: this.attempt });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.scheduleRetry(e instanceof Error ? e.message : String(e));
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.setState({ kind: 'open' });
      for (const p of this.pending.values()) if (!p.sent) this.sendPending(p);
    };
    ws.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // A browser hides why a WebSocket was refused (stopped server, or a wrong token after a restart).
      const reason = opened
        ? `connection lost${ev.code && ev.code !== 1006 ? ` (code ${ev.code})` : ''}`
        : 'the server is not answering or refused the connection; if it was restarted, open the new address it printed (the token changes at every start)';
      // A request already sent may or may not have run; say so rather than resend it.
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new ApiError('internal', p.sent ? `the connection dropped before the server answered (${reason})` : reason));
      }
      this.scheduleRetry(reason);
    };
  }

  private scheduleRetry(reason: string): void {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.attempt - 1, 10));
    // Jitter keeps many tabs from reconnecting in lockstep after a server restart.
    const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.setState({ kind: 'down', attempt: this.attempt, retryAt: Date.now() + wait, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, wait);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: {
      id?: unknown;
      ok?: unknown;
      result?: unknown;
      /** a long array of objects as columns (shared/api/wire-columns.ts), in place of result */
      packed?: PackedTable;
      error?: ApiErrorShape;
      event?: unknown;
      payload?: unknown;
    };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.event === 'string') {
      for (const l of this.listeners.get(msg.event) ?? []) {
        try {
          (l as (payload: unknown) => void)(msg.payload);
        } catch (e) {
          console.error(`listener for ${msg.event} failed`, e);
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') {
      // A reply without our id: the server could not read a frame we sent. Nothing to settle.
      if (msg.ok === false && msg.error) console.error(`server: ${msg.error.message}`);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok === true) p.resolve(msg.packed ? unpack(msg.packed) : msg.result);
    else {
      const err = msg.error ?? { code: 'internal' as const, message: 'malformed reply from the server' };
      p.reject(new ApiError(err.code, err.message, err.problems));
    }
  }
}
