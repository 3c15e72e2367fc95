// The sweep editor's draft outlives the page, and "New sweep from this run" on a run page hands its config over.
import type { RunConfig } from '../../../shared/config/run-config';
import { defaultSweepDraft, type SweepDraft } from './sweep-draft';
import { checkDraft, defaultDraft } from './run-draft';

let kept: SweepDraft | null = null;

/** The base a new sweep starts from: the new-run form's defaults. */
function defaultBase(): unknown {
  const c = checkDraft(defaultDraft());
  return c.ok ? { ...c.config, name: undefined } : {};
}

export const openingSweepDraft = (): SweepDraft => kept ?? defaultSweepDraft(defaultBase());

export function keepSweepDraft(d: SweepDraft): void {
  kept = d;
}

export function sweepFromConfig(c: RunConfig): void {
  kept = { ...defaultSweepDraft({ ...c, name: undefined }), name: c.name ? `${c.name}: lr × weight decay` : 'lr × weight decay' };
}
