// The shape of the assembled back end, as the transports (Electron IPC, WebSocket server, CLI) see it.
import type { ApiHandlers, EventName, EventPayloads } from '../../shared/api/contract';

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void;
  /** returns an unsubscribe function */
  subscribe(listener: EventListener): () => void;
}

export interface Backend {
  handlers: ApiHandlers;
  events: EventBus;
  dbPath: string;
  /** stops compute processes (marking their runs interrupted) and closes the database */
  close(): Promise<void>;
}
