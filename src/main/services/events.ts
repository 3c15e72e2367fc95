// The back end's event bus: 'run.progress', 'run.status' and 'runs.changed' fan out to every transport
// (Electron IPC, WebSocket clients, the CLI's progress bar). A throwing listener must not stop the others.
import type { EventName, EventPayloads } from '../../shared/api/contract';
import type { EventBus, EventListener } from './backend-api';

export function createEventBus(onListenerError: (e: unknown) => void = (e) => console.error('event listener failed:', e)): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const l of [...listeners]) {
        try {
          l(event, payload);
        } catch (e) {
          onListenerError(e);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
