import { describe, expect, it } from 'vitest';
import { cronStepFor } from './cron-step.ts';
import {
  choosePattern,
  sourceCapabilitiesOf,
  type PatternInput,
  type SourceCapabilities,
} from './pattern.ts';

const kafka: SourceCapabilities = { variant: 'kafka', emitsEvents: true, pollable: false };
const kafkaWithPoll: SourceCapabilities = { variant: 'kafka', emitsEvents: true, pollable: true };
const odata: SourceCapabilities = { variant: 'odata', emitsEvents: false, pollable: true };
const suiteql: SourceCapabilities = { variant: 'suiteql', emitsEvents: false, pollable: true };
const file: SourceCapabilities = { variant: 'file', emitsEvents: false, pollable: false };

function input(
  maxLag: string,
  source: SourceCapabilities,
  more: Partial<PatternInput> = {},
): PatternInput {
  return { maxLag, pattern: 'auto', timeZone: 'Europe/Berlin', source, ...more };
}

interface Row {
  row: string;
  given: PatternInput;
  pattern: string;
  mode: string;
  schedule: string | undefined;
  reason: string;
}

describe('choosePattern: the ten rows of the latency table', () => {
  it.each<Row>([
    {
      row: 'customer master, new company (minutes to hours)',
      given: input('30m', odata),
      pattern: 'poll',
      mode: 'poll',
      schedule: '*/15 * * * *',
      reason: 'maxLag 30m is between 2m and 1h: poll every 15m',
    },
    {
      row: 'customer master, updated address (hours to a day)',
      given: input('24h', odata),
      pattern: 'batch',
      mode: 'poll',
      schedule: '0 2 * * *',
      reason: 'maxLag 24h >= 24h: daily batch at 02:00 Europe/Berlin',
    },
    {
      row: 'pricing, negotiated contract (1 to 4 hours)',
      given: input('1h', odata),
      pattern: 'batch',
      mode: 'poll',
      schedule: '0 * * * *',
      reason: 'maxLag 1h >= 1h: hourly batch',
    },
    {
      row: 'pricing, weekly promotion (one day)',
      given: input('24h', file),
      pattern: 'batch',
      mode: 'batch',
      schedule: '0 2 * * *',
      reason: 'maxLag 24h >= 24h: daily batch at 02:00 Europe/Berlin',
    },
    {
      row: 'inventory, high-velocity SKUs (seconds to minutes)',
      given: input('60s', kafkaWithPoll),
      pattern: 'event',
      mode: 'consume',
      schedule: undefined,
      reason: 'maxLag 60s < 2m: event-driven (Kafka consumer), with an hourly sweep poll',
    },
    {
      row: 'inventory, low-velocity SKUs (hourly)',
      given: input('1h', file),
      pattern: 'batch',
      mode: 'batch',
      schedule: '0 * * * *',
      reason: 'maxLag 1h >= 1h: hourly batch',
    },
    {
      row: 'catalog, new SKU or attribute (hours)',
      given: input('4h', odata),
      pattern: 'batch',
      mode: 'poll',
      schedule: '0 * * * *',
      reason: 'maxLag 4h >= 1h: hourly batch',
    },
    {
      row: 'orders, Commerce to ERP (seconds)',
      given: input('30s', kafka),
      pattern: 'event',
      mode: 'consume',
      schedule: undefined,
      reason: 'maxLag 30s < 2m: event-driven (Kafka consumer)',
    },
    {
      row: 'credit and AR status (seconds)',
      given: input('90s', suiteql),
      pattern: 'event',
      mode: 'poll',
      schedule: undefined,
      reason: 'maxLag 90s < 2m, but a suiteql source cannot emit events: continuous poll every 30s',
    },
    {
      row: 'order status, shipment notification (minutes to hours)',
      given: input('4h', odata),
      pattern: 'batch',
      mode: 'poll',
      schedule: '0 * * * *',
      reason: 'maxLag 4h >= 1h: hourly batch',
    },
  ])('$row', ({ given, pattern, mode, schedule, reason }) => {
    const choice = choosePattern(given);
    expect(choice).toMatchObject({ stalled: false, pattern, mode, reason });
    expect(choice.stalled ? undefined : choice.schedule).toBe(schedule);
  });
});

describe('choosePattern: edges', () => {
  it('polls continuously every budget/3 when a source under two minutes cannot emit events', () => {
    expect(choosePattern(input('60s', odata))).toEqual({
      stalled: false,
      pattern: 'event',
      mode: 'poll',
      workloadKind: 'Deployment',
      timeZone: 'Europe/Berlin',
      pollIntervalSeconds: 20,
      maxLagSeconds: 60,
      reason: 'maxLag 60s < 2m, but an odata source cannot emit events: continuous poll every 20s',
    });
  });

  it('gives an event flow a sweep poll only where the source can be polled', () => {
    const swept = choosePattern(input('60s', kafkaWithPoll));
    const plain = choosePattern(input('60s', kafka));
    expect(swept).toMatchObject({
      workloadKind: 'Deployment',
      sweep: {
        schedule: '30 * * * *',
        timeZone: 'Europe/Berlin',
        cronJob: { concurrencyPolicy: 'Forbid' },
      },
    });
    expect(plain).not.toHaveProperty('sweep');
  });

  it('runs exactly one hour as an hourly batch CronJob with Forbid concurrency and history limits', () => {
    expect(choosePattern(input('1h', odata))).toMatchObject({
      pattern: 'batch',
      workloadKind: 'CronJob',
      schedule: '0 * * * *',
      cronJob: {
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
      },
    });
  });

  it.each<[string, string, string]>([
    ['119s', 'event', 'Deployment'],
    ['2m', 'poll', 'CronJob'],
    ['59m59s', 'poll', 'CronJob'],
    ['1h', 'batch', 'CronJob'],
    ['23h59m', 'batch', 'CronJob'],
  ])('maxLag %s is %s (%s)', (maxLag, pattern, workloadKind) => {
    expect(choosePattern(input(maxLag, kafkaWithPoll))).toMatchObject({ pattern, workloadKind });
  });

  it('stalls an event pattern on a file source, saying what to change', () => {
    expect(choosePattern(input('1h', file, { pattern: 'event' }))).toEqual({
      stalled: true,
      reason:
        'pattern event set, but a file source can neither emit events nor be polled continuously: raise maxLag to at least 2m, or read from kafka or an API',
    });
  });

  it('stalls a file source under two minutes instead of silently missing the budget', () => {
    expect(choosePattern(input('60s', file))).toMatchObject({
      stalled: true,
      reason: expect.stringMatching(/^maxLag 60s < 2m, but a file source/) as string,
    });
  });

  it.each<[PatternInput, object]>([
    [
      input('5m', odata, { pattern: 'event' }),
      { pattern: 'event', mode: 'poll', pollIntervalSeconds: 100 },
    ],
    [
      input('30s', odata, { pattern: 'poll' }),
      {
        pattern: 'poll',
        schedule: '* * * * *',
        reason: 'pattern poll set: poll every 1m, which cannot meet maxLag 30s',
      },
    ],
    [
      input('5m', kafka, { pattern: 'batch' }),
      {
        pattern: 'batch',
        mode: 'consume',
        schedule: '0 * * * *',
        reason: 'pattern batch set: hourly batch, which cannot meet maxLag 5m',
      },
    ],
    [input('48h', odata, { pattern: 'poll' }), { pattern: 'poll', schedule: '0 2 * * *' }],
  ])('honours a pattern override (%#)', (given, expected) => {
    expect(choosePattern(given)).toMatchObject(expected);
  });

  it('runs on the schedule from the spec and says so', () => {
    expect(choosePattern(input('4h', odata, { schedule: '15 6-18 * * 1-5' }))).toMatchObject({
      pattern: 'batch',
      schedule: '15 6-18 * * 1-5',
      reason: 'maxLag 4h >= 1h: batch on the schedule "15 6-18 * * 1-5" set in spec',
      cronJob: { startingDeadlineSeconds: 3600 },
    });
  });

  it('polls on the schedule when a short budget with auto also has a schedule', () => {
    expect(choosePattern(input('60s', kafka, { schedule: '*/5 * * * *' }))).toMatchObject({
      pattern: 'poll',
      mode: 'consume',
      workloadKind: 'CronJob',
      schedule: '*/5 * * * *',
      reason:
        'maxLag 60s < 2m would be event-driven, but schedule is set: poll on the schedule "*/5 * * * *" set in spec',
    });
  });
});

describe('cronStepFor', () => {
  it.each<[number, string, number]>([
    [30, '* * * * *', 60],
    [60, '* * * * *', 60],
    [150, '*/2 * * * *', 120],
    [420, '*/6 * * * *', 360],
    [1770, '*/20 * * * *', 1200],
    [3600, '0 * * * *', 3600],
    [5 * 3600, '0 */4 * * *', 14_400],
    [12 * 3600, '0 */12 * * *', 43_200],
    [86_400, '0 2 * * *', 86_400],
  ])('at least every %d s: %s', (seconds, schedule, periodSeconds) => {
    expect(cronStepFor(seconds)).toEqual({ schedule, periodSeconds });
  });
});

describe('sourceCapabilitiesOf', () => {
  it.each<[string, object, SourceCapabilities]>([
    [
      'kafka with a poll',
      { connection: 'k', kafka: { topic: 't', payload: 'full' }, poll: { connection: 'e' } },
      kafkaWithPoll,
    ],
    ['kafka alone', { connection: 'k', kafka: { topic: 't', payload: 'full' } }, kafka],
    ['odata', { connection: 'e', odata: {} }, odata],
    ['file', { connection: 'f', file: {} }, file],
  ])('%s', (_name, source, capabilities) => {
    expect(sourceCapabilitiesOf(source as never)).toEqual(capabilities);
  });
});
