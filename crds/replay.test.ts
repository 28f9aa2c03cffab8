import { describe, expect, it } from 'vitest';
import { syncFlowReplaySpecSchema } from './replay.ts';

describe('SyncFlowReplay spec', () => {
  it('defaults to filling gaps from the log', () => {
    expect(
      syncFlowReplaySpecSchema.parse({ flow: 'inventory-fast', from: '2025-03-14T06:00:00+01:00' }),
    ).toEqual({
      flow: 'inventory-fast',
      from: '2025-03-14T06:00:00+01:00',
      mode: 'fillGaps',
      source: 'log',
    });
  });

  it.each<[string, unknown, string]>([
    ['without from', { flow: 'x' }, 'from'],
    ['with a from that is not a timestamp', { flow: 'x', from: 'this morning' }, 'from'],
    ['with an unknown mode', { flow: 'x', from: '2025-03-14T06:00:00Z', mode: 'rewind' }, 'mode'],
    ['without a flow', { from: '2025-03-14T06:00:00Z' }, 'flow'],
  ])('rejects a replay %s', (_name, spec, path) => {
    const issues = syncFlowReplaySpecSchema.safeParse(spec).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
