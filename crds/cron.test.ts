import { describe, expect, it } from 'vitest';
import { canFire, parseCron } from './cron.ts';

describe('parseCron', () => {
  it.each([
    ['*/5 * * * *', 0, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]],
    ['0 2 * * *', 1, [2]],
    ['15 6-18/4 * * *', 1, [6, 10, 14, 18]],
    ['0 0 1,15 * *', 2, [1, 15]],
    ['0 0 * JAN,jul *', 3, [1, 7]],
    ['0 0 * * MON-FRI', 4, [1, 2, 3, 4, 5]],
    ['0 0 * * 5/1', 4, [5, 6]],
    ['@hourly', 0, [0]],
    ['@weekly', 4, [0]],
  ])('reads %s', (line, field, values) => {
    const result = parseCron(line);
    expect(result.ok && result.cron.values[field]).toEqual(values);
  });

  it.each([
    ['61 * * * *', 'minute "61" is outside 0-59'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 0 0 * *', 'day of month "0" is outside 1-31'],
    ['0 0 * 13 *', 'month "13" is outside 1-12'],
    ['0 0 * * 7', 'day of week "7" is outside 0-6'],
    ['0 0 * * FUN', '"FUN" is not a day of week'],
    ['*/0 * * * *', '"*/0" has an invalid step'],
    ['5-1 * * * *', 'minute "5-1" is outside 0-59'],
    ['* * * *', 'has 4 fields; write 5: minute hour day-of-month month day-of-week'],
  ])('rejects %s: %s', (line, problem) => {
    expect(parseCron(line)).toEqual({ ok: false, problem });
  });
});

describe('canFire', () => {
  it.each([
    ['0 0 30 2 *', false],
    ['0 0 31 4,6,9,11 *', false],
    ['0 0 29 2 *', true],
    ['0 0 31 * *', true],
    ['0 0 30 2 MON', true],
    ['0 0 * 2 *', true],
  ])('%s fires: %s', (line, fires) => {
    const result = parseCron(line);
    expect(result.ok && canFire(result.cron)).toBe(fires);
  });
});
