import { describe, expect, it } from 'vitest';
import { durationSchema, formatDuration, isDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['60s', 60],
    ['5m', 300],
    ['1h', 3600],
    ['24h', 86400],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['2m30s', 150],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '60', 's', '-5m', '5 m', '1d', 'PT5M', '5min'])('rejects %j', (text) => {
    expect(isDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});

describe('formatDuration', () => {
  it.each([
    [90, '1m30s'],
    [3600, '1h'],
    [5400, '1h30m'],
    [0.5, '500ms'],
    [0, '0ms'],
    [86400, '24h'],
  ])('%d seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('durationSchema', () => {
  const schema = durationSchema('test');
  it.each(['0s', '0m0s', '00h'])('rejects the zero duration %s', (text) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/positive/);
  });

  it('rejects a negative duration with an example of what to write', () => {
    expect(schema.safeParse('-5m').error?.issues[0]?.message).toMatch(/e\.g\. 90s/);
  });
});
