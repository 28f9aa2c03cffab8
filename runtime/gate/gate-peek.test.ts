import { describe, expect, it } from 'vitest';
import { peekVerdictOf, type StoredFacts } from './gate-peek.ts';

const nothing: StoredFacts = { seen: false, applied: undefined, refused: undefined };

describe('peekVerdictOf', () => {
  it.each([
    { name: 'a key never applied', stored: nothing, reapply: false, verdict: 'apply' },
    {
      name: 'a seen event id',
      stored: { ...nothing, seen: true },
      reapply: false,
      verdict: 'duplicate',
    },
    {
      name: 'a newer version',
      stored: { ...nothing, applied: 90 },
      reapply: false,
      verdict: 'apply',
    },
    {
      name: 'the applied version',
      stored: { ...nothing, applied: 100 },
      reapply: false,
      verdict: 'duplicate',
    },
    {
      name: 'an older version',
      stored: { ...nothing, applied: 110 },
      reapply: false,
      verdict: 'stale',
    },
    {
      name: 'the refused version',
      stored: { ...nothing, refused: 100 },
      reapply: false,
      verdict: 'duplicate',
    },
    {
      name: 'older than refused',
      stored: { ...nothing, refused: 110 },
      reapply: false,
      verdict: 'stale',
    },
    {
      name: 'newer than refused',
      stored: { ...nothing, applied: 80, refused: 90 },
      reapply: false,
      verdict: 'apply',
    },
    {
      name: 'reapply: a seen id',
      stored: { ...nothing, seen: true },
      reapply: true,
      verdict: 'apply',
    },
    {
      name: 'reapply: the applied version',
      stored: { ...nothing, applied: 100 },
      reapply: true,
      verdict: 'apply',
    },
    {
      name: 'reapply: an older version',
      stored: { ...nothing, applied: 110 },
      reapply: true,
      verdict: 'stale',
    },
    {
      name: 'reapply: the refused version',
      stored: { ...nothing, refused: 100 },
      reapply: true,
      verdict: 'apply',
    },
  ] as const)('$name (reapply $reapply) → $verdict', ({ stored, reapply, verdict }) => {
    expect(peekVerdictOf(100, stored, reapply)).toBe(verdict);
  });
});
