import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  TERMINAL_STATUSES,
  canCancel,
  canPause,
  canResume,
  isActive,
  isTerminal,
  isTraining,
} from '../../src/shared/api/run-status';
import { RUN_STATUSES } from '../../src/shared/api/types';

describe('run status rules', () => {
  it('splits every status into active or terminal, never both', () => {
    for (const s of RUN_STATUSES) expect(isActive(s) !== isTerminal(s)).toBe(true);
    expect([...ACTIVE_STATUSES, ...TERMINAL_STATUSES].sort()).toEqual([...RUN_STATUSES].sort());
  });

  it('training: running or queued, not paused (its curves stand still)', () => {
    expect(RUN_STATUSES.filter(isTraining)).toEqual(['queued', 'running']);
  });

  it('terminal: completed, failed, cancelled, interrupted, diverged', () => {
    expect(RUN_STATUSES.filter(isTerminal)).toEqual(['completed', 'failed', 'cancelled', 'interrupted', 'diverged']);
  });

  it('only a running run can be paused', () => {
    expect(RUN_STATUSES.filter(canPause)).toEqual(['running']);
  });

  it('a paused run resumes always; a stopped one only from a checkpoint before its last step', () => {
    expect(canResume('paused', undefined, 100)).toBe(true);
    for (const s of ['interrupted', 'failed', 'cancelled'] as const) {
      expect(canResume(s, 50, 100)).toBe(true);
      expect(canResume(s, undefined, 100)).toBe(false);
      expect(canResume(s, 100, 100)).toBe(false);
    }
    for (const s of ['queued', 'running', 'completed', 'diverged'] as const) expect(canResume(s, 50, 100)).toBe(false);
  });

  it('queued, running and paused runs can be cancelled', () => {
    expect(RUN_STATUSES.filter(canCancel)).toEqual(['queued', 'running', 'paused']);
  });
});
