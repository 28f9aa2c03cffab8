// Notification events (SAP Event Mesh, Business Central webhooks) carry an entity's key, not its
// state. Pure: the key a notification names, the key chunks read from the ERP in one request
// each, and the message the pipeline maps instead — the entity's current state as a poll row
// would carry it (so the sweep poll and the events share event ids), or a deleted marker when
// the ERP no longer has the entity.
import { decodeMessage, entityDeletedType, type MessageIn } from '../flow/flow.ts';
import { keyOf, type DeltaRow } from './delta.ts';
import { messageOfRow } from './delta-source.ts';

export interface Notice {
  /** The entity key as the reader writes it (`keyOf` of the key fields). */
  key: string;
  /** The notification's data, kept for a deleted marker (it may carry more than the key). */
  data: Record<string, unknown>;
  /** CloudEvent time, else the Kafka timestamp: the version of a deleted marker. */
  timeMs: number;
}

function isScalar(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}

/** The entity a notification names: its key fields in the data, else the Kafka key. */
export function noticeOf(message: MessageIn, keyFields: readonly string[]): Notice | undefined {
  const decoded = decodeMessage(message);
  if ('poison' in decoded) return undefined;
  const { data, eventTimeMs } = decoded.event;
  const fields = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const values = keyFields.map((f) => fields[f]);
  const timeMs = eventTimeMs ?? message.timestampMs;
  if (values.every(isScalar)) return { key: keyOf(values), data: fields, timeMs };
  const [only] = keyFields;
  if (keyFields.length !== 1 || only === undefined || message.key === null) return undefined;
  return { key: message.key, data: { ...fields, [only]: message.key }, timeMs };
}

/** Distinct keys in first-seen order, in chunks of at most `size` (one ERP request each). */
export function keyChunksOf(notices: readonly (Notice | undefined)[], size: number): string[][] {
  const keys = [...new Set(notices.flatMap((n) => (n ? [n.key] : [])))];
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += size) chunks.push(keys.slice(i, i + size));
  return chunks;
}

/**
 * What the pipeline maps for one notification. Not a notification (no key): the message
 * itself, which the mapping then dead-letters with its reason.
 */
export function stateMessageOf(
  message: MessageIn,
  notice: Notice | undefined,
  found: { source: string; rows: ReadonlyMap<string, DeltaRow>; readAtMs?: number },
): MessageIn {
  if (notice === undefined) return message;
  const row = found.rows.get(notice.key);
  const kept = { position: message.position, timestampMs: message.timestampMs, key: message.key };
  if (row) return { ...messageOfRow(found.source, row, found.readAtMs), ...kept };
  const event = {
    specversion: '1.0',
    id: `${notice.key}@deleted@${notice.timeMs}`,
    source: found.source,
    type: entityDeletedType,
    time: new Date(notice.timeMs).toISOString(),
    data: notice.data,
  };
  return { ...kept, value: Buffer.from(JSON.stringify(event)), headers: {} };
}
