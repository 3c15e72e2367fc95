// The renderer's one way to the back end. In Electron the preload exposes `window.grokscope` (IPC); in a browser we
// speak the same contract over a WebSocket to the server that served this page. Both throw ApiError on failure, with
// the error code and, for invalid input, the located config problems.
import {
  ApiError,
  type ApiClient,
  type EventName,
  type EventPayloads,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type PreloadBridge,
} from '../../../shared/api/contract';
import type { DesktopBridge } from '../../../shared/api/desktop';
import type { ConnectionListener, ConnectionState } from './connection';
import { takeToken } from './token';
import { WsClient } from './ws-client';

export interface Bridge extends ApiClient {
  readonly mode: 'electron' | 'browser';
  /** the desktop app's extras (dropped file paths, opened configs, menu commands); null in a browser */
  readonly desktop: DesktopBridge | null;
  onConnection(listener: ConnectionListener): () => void;
  retryNow(): void;
}

class IpcBridge implements Bridge {
  readonly mode = 'electron' as const;
  readonly desktop: DesktopBridge | null;
  constructor(private readonly ipc: PreloadBridge) {
    this.desktop = ipc.desktop ?? null;
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.ipc.call(method, input);
    if (r.ok) return r.result as MethodOutput<M>;
    throw new ApiError(r.error.code, r.error.message, r.error.problems);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    return this.ipc.on(event, listener as (payload: unknown) => void);
  }

  onConnection(listener: ConnectionListener): () => void {
    listener({ kind: 'open' });
    return () => {};
  }

  retryNow(): void {}
}

class WsBridge implements Bridge {
  readonly mode = 'browser' as const;
  readonly desktop = null;
  constructor(private readonly client: WsClient) {}
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return this.client.call(method, input);
  }
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    return this.client.on(event, listener);
  }
  onConnection(listener: ConnectionListener): () => void {
    return this.client.onConnection(listener);
  }
  retryNow(): void {
    this.client.retryNow();
  }
}

/** Browser mode without a token: every call fails with a message saying where the token comes from. */
class NoTokenBridge implements Bridge {
  readonly mode = 'browser' as const;
  readonly desktop = null;
  private static readonly message = 'no access token: open the address that `grokscope serve` printed (it ends in ?token=...)';
  call<M extends MethodName>(): Promise<MethodOutput<M>> {
    return Promise.reject(new ApiError('unauthorized', NoTokenBridge.message));
  }
  on(): () => void {
    return () => {};
  }
  onConnection(listener: ConnectionListener): () => void {
    const s: ConnectionState = { kind: 'no-token' };
    listener(s);
    return () => {};
  }
  retryNow(): void {}
}

export function createBridge(win: Window & { grokscope?: PreloadBridge } = window): Bridge {
  if (win.grokscope) return new IpcBridge(win.grokscope);
  const token = takeToken(win);
  if (!token) return new NoTokenBridge();
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return new WsBridge(new WsClient(`${scheme}://${win.location.host}/api?token=${encodeURIComponent(token)}`));
}

/** The message to show for any failure of a call. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Why a computation (probe, landscape grid) did not give a result: a refusal the user can act on (bad input, a
 *  cancel) as the server words it, anything else as a failure. */
export const computeProblem = (e: unknown): string =>
  e instanceof ApiError && (e.code === 'invalid_input' || e.code === 'conflict') ? e.message : `Could not compute: ${errorMessage(e)}`;
