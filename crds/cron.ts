// Reads a cron line the way Kubernetes CronJobs do (5 fields, names, steps, @descriptors) and
// tells whether it is well formed and whether it can ever fire. Pure.

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Longest month lengths; February counts 29, which fires in leap years. */
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export interface CronFields {
  /** Values each field allows. */
  values: number[][];
  /** Whether day of month / day of week were left open (`*` or `?`). */
  openDayOfMonth: boolean;
  openDayOfWeek: boolean;
}

export type CronResult = { ok: true; cron: CronFields } | { ok: false; problem: string };

function valueOf(text: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

function boundsOf(range: string, spec: FieldSpec, stepped: boolean): (number | undefined)[] {
  if (range === '*' || range === '?') return [spec.min, spec.max];
  const [fromText = '', toText] = range.split('-');
  const from = valueOf(fromText, spec);
  if (toText !== undefined) return [from, valueOf(toText, spec)];
  return [from, stepped ? spec.max : from];
}

function rangeOf(range: string, spec: FieldSpec, stepped: boolean): [number, number] | string {
  const [from, to] = boundsOf(range, spec, stepped);
  if (from === undefined || to === undefined) return `"${range}" is not a ${spec.name}`;
  if (from < spec.min || to > spec.max || from > to) {
    return `${spec.name} "${range}" is outside ${spec.min}-${spec.max}`;
  }
  return [from, to];
}

function valuesOfPart(part: string, spec: FieldSpec): number[] | string {
  const [range = '', stepText, extra] = part.split('/');
  const step = stepText === undefined ? 1 : Number(stepText);
  if (extra !== undefined || !Number.isInteger(step) || step < 1) {
    return `"${part}" has an invalid step`;
  }
  const bounds = rangeOf(range, spec, stepText !== undefined);
  if (typeof bounds === 'string') return bounds;
  const values: number[] = [];
  for (let value = bounds[0]; value <= bounds[1]; value += step) values.push(value);
  return values;
}

function valuesOfField(text: string, spec: FieldSpec): number[] | string {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const partValues = valuesOfPart(part, spec);
    if (typeof partValues === 'string') return partValues;
    for (const value of partValues) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

const isOpen = (text: string | undefined): boolean =>
  text?.startsWith('*') === true || text?.startsWith('?') === true;

/** Parses a cron line; the problem names the field and the value at fault. */
export function parseCron(line: string): CronResult {
  const expanded = descriptors[line.trim()] ?? line.trim();
  const texts = expanded.split(/\s+/);
  if (texts.length !== 5) {
    return {
      ok: false,
      problem: `has ${texts.length} fields; write 5: minute hour day-of-month month day-of-week`,
    };
  }
  const values: number[][] = [];
  for (const [index, spec] of fields.entries()) {
    const result = valuesOfField(texts[index] ?? '', spec);
    if (typeof result === 'string') return { ok: false, problem: result };
    values.push(result);
  }
  return {
    ok: true,
    cron: { values, openDayOfMonth: isOpen(texts[2]), openDayOfWeek: isOpen(texts[4]) },
  };
}

/**
 * True when the line can fire. Like the CronJob controller, a restricted day of month and a
 * restricted day of week match either; a day of month alone must exist in a chosen month.
 */
export function canFire(cron: CronFields): boolean {
  if (cron.openDayOfMonth || !cron.openDayOfWeek) return true;
  const [, , days = [], months = []] = cron.values;
  return months.some((month) => days.some((day) => day <= (daysInMonth[month - 1] ?? 0)));
}
