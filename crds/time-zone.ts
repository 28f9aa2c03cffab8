// Whether an IANA time zone exists, judged by the ICU data Node ships (CEL has no tz database).
// Names are case-sensitive, as they are for the CronJob controller.

// Building a DateTimeFormat costs about a millisecond and the answer never changes for a name,
// while every plan of every flow asks: remembered per name (a few hundred zones at most).
const resolved = new Map<string, string | undefined>();

function resolvedZone(name: string): string | undefined {
  if (resolved.has(name)) return resolved.get(name);
  let zone: string | undefined;
  try {
    zone = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    zone = undefined;
  }
  if (resolved.size < 1000) resolved.set(name, zone);
  return zone;
}

function suggestionFor(name: string): string {
  const last = name.split('/').at(-1)?.toLowerCase() ?? '';
  const match = Intl.supportedValuesOf('timeZone').find(
    (zone) => zone.split('/').at(-1)?.toLowerCase() === last,
  );
  return match ? `, e.g. ${match}` : ' such as Europe/Berlin or America/Chicago';
}

/** undefined when `name` is a zone; otherwise what is wrong and what to write instead. */
export function checkTimeZone(name: string): string | undefined {
  const resolved = resolvedZone(name);
  if (resolved === undefined)
    return `"${name}" is not an IANA time zone; write a Region/City name${suggestionFor(name)}`;
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
    return `time zone names are case-sensitive: write ${resolved}`;
  }
  return undefined;
}
