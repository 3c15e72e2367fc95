// Short notices at the bottom of the window, some with an action (Undo after a delete).
export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void | Promise<void> };
}

class Toasts {
  items = $state<Toast[]>([]);
  private seq = 0;

  show(text: string, opts: { kind?: Toast['kind']; action?: Toast['action']; timeoutMs?: number } = {}): number {
    const id = ++this.seq;
    this.items.push({ id, text, kind: opts.kind ?? 'info', ...(opts.action ? { action: opts.action } : {}) });
    const timeout = opts.timeoutMs ?? (opts.action ? 12_000 : 6_000);
    setTimeout(() => this.dismiss(id), timeout);
    return id;
  }

  error(text: string): number {
    return this.show(text, { kind: 'error', timeoutMs: 10_000 });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
