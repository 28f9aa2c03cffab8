// Decodes one source message into an event: plain JSON, a structured-mode CloudEvent (JSON body
// with `specversion`) or a binary-mode CloudEvent (`ce_*` headers, the body is the data). Pure.

export interface MessageIn {
  key: string | null;
  value: Uint8Array | null;
  headers: Readonly<Record<string, string | undefined>>;
  timestampMs: number;
  /** Where the message came from (`topic/partition/offset`, `file:row`), for fallbacks and DLQ. */
  position: string;
  /**
   * The event itself, where the source already holds it decoded (a file row): decoding returns
   * it instead of parsing `value` again. `value` must then encode the same event.
   */
  event?: DecodedEvent;
}

export interface DecodedEvent {
  /** The source record the field paths address (a CloudEvent's `data`, or the whole JSON). */
  data: unknown;
  /** `source#id` of a CloudEvent; undefined for plain JSON. */
  eventId: string | undefined;
  /** CloudEvent `time` in epoch ms. */
  eventTimeMs: number | undefined;
  type: string | undefined;
}

export type DecodeResult =
  { event: DecodedEvent } | { poison: { reasonCode: string; reason: string } };

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array): { json: unknown } | { error: string } {
  try {
    return { json: JSON.parse(textDecoder.decode(bytes)) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function header(headers: MessageIn['headers'], name: string): string | undefined {
  return headers[name] ?? headers[name.replace('_', ':')];
}

function timeOf(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

function idOf(source: unknown, id: unknown): string | undefined {
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  return `${typeof source === 'string' ? source : ''}#${String(id)}`;
}

function structuredEvent(ce: Record<string, unknown>): DecodeResult {
  let data: unknown = ce['data'];
  if (typeof ce['data_base64'] === 'string') {
    const parsed = parseJson(Buffer.from(ce['data_base64'], 'base64'));
    if ('error' in parsed)
      return poison('SF_MALFORMED_JSON', `data_base64 is not JSON: ${parsed.error}`);
    data = parsed.json;
  }
  return {
    event: {
      data,
      eventId: idOf(ce['source'], ce['id']),
      eventTimeMs: timeOf(ce['time']),
      type: typeof ce['type'] === 'string' ? ce['type'] : undefined,
    },
  };
}

function poison(reasonCode: string, reason: string): DecodeResult {
  return { poison: { reasonCode, reason } };
}

export function decodeMessage(message: MessageIn): DecodeResult {
  if (message.event !== undefined) return { event: message.event };
  if (message.value === null || message.value.length === 0) {
    return poison('SF_EMPTY_MESSAGE', 'message has no value (tombstone or empty body)');
  }
  const parsed = parseJson(message.value);
  if ('error' in parsed) return poison('SF_MALFORMED_JSON', `value is not JSON: ${parsed.error}`);
  const { json } = parsed;
  if (header(message.headers, 'ce_specversion') !== undefined) {
    return {
      event: {
        data: json,
        eventId: idOf(header(message.headers, 'ce_source'), header(message.headers, 'ce_id')),
        eventTimeMs: timeOf(header(message.headers, 'ce_time')),
        type: header(message.headers, 'ce_type'),
      },
    };
  }
  if (json !== null && typeof json === 'object' && 'specversion' in json) {
    return structuredEvent(json);
  }
  return { event: { data: json, eventId: undefined, eventTimeMs: undefined, type: undefined } };
}
