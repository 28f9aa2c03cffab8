import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../flow/flow.ts';
import { messageOfRow, readVersionOf } from './delta-source.ts';

const second = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('readVersionOf (a row read more than once within the second of its change)', () => {
  it.each([
    ['no read time: the change time', second, undefined, second],
    ['read within the second: the read time', second, second + 420, second + 420],
    ['read after the second: its last millisecond', second, second + 5_000, second + 999],
    ['runtime clock behind the ERP: the change time', second, second - 2_000, second],
    ['change time finer than seconds: kept as is', second + 17, second + 420, second + 17],
  ])('%s', (_, modifiedMs, readAtMs, expected) => {
    expect(readVersionOf(modifiedMs, readAtMs)).toBe(expected);
  });

  it('orders two states of one second by when they were read, and never lowers a later one', () => {
    const first = readVersionOf(second, second + 200);
    const secondRead = readVersionOf(second, second + 700);
    const nextSecond = readVersionOf(second + 1000, second + 1_100);
    expect(first).toBeLessThan(secondRead);
    expect(secondRead).toBeLessThan(nextSecond);
  });
});

describe('messageOfRow', () => {
  const row = (stock: string) => ({ key: 'M1|1010', modifiedMs: second, data: { Stock: stock } });
  const idOf = (stock: string, readAtMs: number): string | undefined => {
    const decoded = decodeMessage(messageOfRow('odata:stock', row(stock), readAtMs));
    return 'event' in decoded ? decoded.event.eventId : undefined;
  };

  it('gives a state read twice one event id (the gate drops the second) and a new state another', () => {
    expect(idOf('5', second + 100)).toBe(idOf('5', second + 5_000));
    expect(idOf('6', second + 700)).not.toBe(idOf('5', second + 100));
  });
});
