// The connection state as reactive values: `state` for the banner, `epoch` (counts openings) so that pages refetch
// what they show after a reconnect — events sent while the link was down are lost.
import { api } from './api';
import type { ConnectionState } from './connection';

class Link {
  state = $state<ConnectionState>({ kind: 'connecting', attempt: 0 });
  epoch = $state(0);
  constructor() {
    api.onConnection((s) => {
      if (s.kind === 'open' && this.state.kind !== 'open') this.epoch++;
      this.state = s;
    });
  }
  retryNow(): void {
    api.retryNow();
  }
}

export const link = new Link();
