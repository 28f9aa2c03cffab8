import { describe, expect, it } from 'vitest';
import { WatchProgress, type ProgressEvent } from './watch-progress.ts';

const minute = 60_000;
const at = (rv: string): { metadata: { resourceVersion: string } } => ({
  metadata: { resourceVersion: rv },
});

describe('WatchProgress (the staleness watchdog)', () => {
  it.each<{ name: string; events: [number, ProgressEvent][]; checkAt: number; stale: boolean }>([
    { name: 'a fresh list is not stale', events: [], checkAt: 4 * minute, stale: false },
    { name: 'nothing for 5 minutes is stale', events: [], checkAt: 5 * minute, stale: true },
    {
      name: 'an idle watch kept alive by minutely bookmarks is never stale',
      events: Array.from(
        { length: 30 },
        (_, i) => [(i + 1) * minute, 'BOOKMARK'] as [number, ProgressEvent],
      ),
      checkAt: 30 * minute + 59_000,
      stale: false,
    },
    {
      name: 'bookmarks that stop make it stale 5 minutes later',
      events: [[1 * minute, 'BOOKMARK']],
      checkAt: 6 * minute,
      stale: true,
    },
    {
      name: 'an event counts as activity',
      events: [[4 * minute, 'MODIFIED']],
      checkAt: 8 * minute,
      stale: false,
    },
  ])('$name', ({ events, checkAt, stale }) => {
    const progress = new WatchProgress(0, 5 * minute);
    progress.listed('10', 0);
    events.forEach(([time, type], i) => progress.observed(type, at(String(11 + i)), time));
    expect(progress.isStale(checkAt)).toBe(stale);
  });

  it('resumes from the latest version seen, bookmarks included, and forgets it on reset', () => {
    const progress = new WatchProgress(0, minute);
    progress.listed('10', 0);
    progress.observed('ADDED', at('11'), 1);
    progress.observed('BOOKMARK', at('25'), 2);
    expect(progress.resourceVersion()).toBe('25');
    progress.reset();
    expect(progress.resourceVersion()).toBe('');
  });
});
