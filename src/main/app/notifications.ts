// Desktop notifications: a run finished (or failed), and a run grokked (validation accuracy reached 99% for the
// first time, seen live in its progress). Shown only while the window is not in front: in front, the UI says it.
import type { EventBus } from '../services/backend-api';

export interface Notifier {
  /** false where the OS has no notification service */
  isSupported(): boolean;
  show(n: { title: string; body: string; runId: number }): void;
  /** is the app's window focused (then nothing is shown) */
  isFocused(): boolean;
}

/** The threshold of t4_99 (Grokscope's 99% level; 000 §2.3 defines t4 at 100%): crossing it is "grokked" for the notification. */
export const GROK_ACCURACY = 0.99;

const stepText = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'));

export function bindNotifications(events: EventBus, notifier: Notifier): () => void {
  const grokked = new Set<number>();
  const notify = (n: { title: string; body: string; runId: number }): void => {
    if (notifier.isSupported() && !notifier.isFocused()) notifier.show(n);
  };
  return events.subscribe((event, payload) => {
    if (event === 'run.progress') {
      const p = payload as { runId: number; points: { name: string; step: number; value: number }[] };
      if (grokked.has(p.runId)) return;
      const hit = p.points.find((pt) => pt.name === 'val_acc' && pt.value >= GROK_ACCURACY);
      if (!hit) return;
      grokked.add(p.runId);
      notify({
        runId: p.runId,
        title: `Run #${p.runId} grokked`,
        body: `validation accuracy reached ${(hit.value * 100).toFixed(1)}% at step ${stepText(hit.step)}`,
      });
    } else if (event === 'run.status') {
      const s = payload as {
        runId: number;
        status: string;
        error: string | null;
        phases: { t2_99: number | null; t4_99: number | null } | null;
      };
      if (s.status === 'completed') {
        const t2 = s.phases?.t2_99 ?? null;
        const t4 = s.phases?.t4_99 ?? null;
        const body =
          t4 !== null
            ? `grokked: memorised at step ${stepText(t2)}, generalised at step ${stepText(t4)}`
            : t2 !== null
              ? `memorised at step ${stepText(t2)}; validation accuracy never reached 99%`
              : 'training accuracy never reached 99%';
        notify({ runId: s.runId, title: `Run #${s.runId} finished`, body });
      } else if (s.status === 'failed' || s.status === 'diverged') {
        notify({ runId: s.runId, title: `Run #${s.runId} ${s.status}`, body: s.error ?? 'see the run page for why' });
      }
    }
  });
}
