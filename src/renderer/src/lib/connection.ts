// How the renderer sees its link to the back end, for the connection banner.
export type ConnectionState =
  /** Electron IPC, or the WebSocket is open */
  | { kind: 'open' }
  /** first attempt, or a retry in flight */
  | { kind: 'connecting'; attempt: number }
  /** closed; the next attempt is scheduled at retryAt (ms since epoch) */
  | { kind: 'down'; attempt: number; retryAt: number; reason: string }
  /** browser mode without a token: nothing to try until the user opens the URL the server printed */
  | { kind: 'no-token' };

export type ConnectionListener = (state: ConnectionState) => void;
