// The new-run form's draft outlives the page: leaving the form and coming back keeps what was typed, and
// "New run from this config" on a run page hands its config over.
import type { RunConfig } from '../../../shared/config/run-config';
import { defaultDraft, draftFromConfig, type Draft } from './run-draft';

let kept: Draft | null = null;

/** The draft the form opens with: a handed-over config, else what was left there, else the defaults. */
export const openingDraft = (): Draft => kept ?? defaultDraft();

export function keepDraft(d: Draft): void {
  kept = d;
}

export function startFromConfig(c: RunConfig): void {
  // A copy is a new run: same settings, a name the user will want to change.
  kept = draftFromConfig({ ...c, name: c.name ? `${c.name} (copy)` : undefined });
}

export function resetDraft(): Draft {
  kept = null;
  return defaultDraft();
}
