// Go-style durations ("60s", "5m", "1h30m"): the one parser both the operator and the runtime use,
// matching what CEL's duration() and the CRD pattern accept.
import { z } from 'zod';
import { matchesRule, withRules } from './rules.ts';

/** Units accepted in a duration, in seconds. Go also has ns/us; a sync budget never needs them. */
const unitSeconds = { h: 3600, m: 60, s: 1, ms: 0.001 } as const;

/** The pattern a duration string matches (RE2-compatible, used in the CRD too). */
export const durationPattern = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

const part = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

/** True when `text` is a well-formed duration. */
export function isDuration(text: string): boolean {
  return durationPattern.test(text);
}

/** Seconds in a Go-style duration: parseDuration("90s") === 90, parseDuration("1h30m") === 5400. */
export function parseDuration(text: string): number {
  if (!isDuration(text)) {
    throw new RangeError(
      `"${text}" is not a duration: write a number and a unit, e.g. 90s, 5m, 1h`,
    );
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(part)) {
    seconds += Number(amount) * unitSeconds[unit as keyof typeof unitSeconds];
  }
  return seconds;
}

/** The shortest duration string for whole seconds: 90 → "1m30s", 3600 → "1h", 0.5 → "500ms". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const text = `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
  return text === '' ? '0s' : text;
}

/** A positive Go-style duration string, validated by CEL on the server with the same messages. */
export function durationSchema(description: string): z.ZodString {
  return withRules(z.string().max(32).describe(description), [
    matchesRule(
      durationPattern,
      'write a duration: a number and a unit (ms, s, m, h), e.g. 90s, 5m, 1h',
    ),
    matchesRule(/[1-9]/, 'must be a positive duration, e.g. 60s'),
  ]);
}
