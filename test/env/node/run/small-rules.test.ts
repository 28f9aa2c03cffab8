// Small kubelet rules of the run mode, table-driven (pure: no server needed): which images run,
// `$(VAR)` expansion, and the restart back-off.
import { describe, expect, it } from 'vitest';
import { isProjectImage } from './project-image.ts';
import { isStreakReset, restartDelayMs, shouldRestart } from './restart-backoff.ts';
import { expandVars } from './var-expansion.ts';

describe('isProjectImage', () => {
  it.each([
    ['ghcr.io/syncflow/syncflow', true],
    ['ghcr.io/syncflow/syncflow:0.1.0', true],
    ['ghcr.io/syncflow/syncflow@sha256:abc', true],
    ['ghcr.io/syncflow/syncflow:dev@sha256:abc', true],
    ['ghcr.io/syncflow/syncflow-other:1', false],
    ['localhost:5000/syncflow/syncflow:1', false],
    ['nginx', false],
  ])('%s → %s', (image, expected) => {
    expect(isProjectImage(image, 'ghcr.io/syncflow/syncflow')).toBe(expected);
  });
});

describe('expandVars', () => {
  it.each([
    ['$(A)-$(B)', 'a-b'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['cost $5', 'cost $5'],
  ])('%s → %s', (text, expected) => {
    expect(expandVars(text, { A: 'a', B: 'b' })).toBe(expected);
  });
});

describe('restart back-off', () => {
  const backoff = { baseMs: 10_000, maxMs: 300_000 };
  it.each([
    [1, 0],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [7, 300_000],
    [20, 300_000],
  ])('crash %i waits %i ms', (crashes, delayMs) => {
    expect(restartDelayMs(crashes, backoff)).toBe(delayMs);
  });

  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 2, true],
    ['Never', 1, false],
  ] as const)('%s with exit %i restarts: %s', (policy, exitCode, expected) => {
    expect(shouldRestart(policy, exitCode)).toBe(expected);
  });

  it('starts a new streak after a run longer than twice the cap', () => {
    expect(isStreakReset(600_001, backoff)).toBe(true);
    expect(isStreakReset(599_999, backoff)).toBe(false);
  });
});
