import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeMessage, type MessageIn } from '../flow/flow.ts';
import { FileSource } from './file.ts';

const csv = 'sku,warehouse,onHand\nA-1,wh1,5\n"B,2",wh2,7\nC-3,wh1\n';

function sourceOf(text: string, chunkRows: number): FileSource {
  const source = new FileSource({
    file: {
      id: 'mem',
      modifiedMs: undefined,
      bytes: () => Readable.from([Buffer.from(text)]),
    },
    rows: {
      spec: {
        path: '/x.csv',
        format: 'csv',
        encoding: 'utf-8',
        decimalSeparator: '.',
        delimiter: ',',
        header: true,
        keyFields: ['sku'],
      },
      numericColumns: new Set(['onHand']),
    },
    chunkRows,
    resumeAfter: 0,
    sourceName: 'file:abc',
    onRejected: () => Promise.resolve(),
  });
  source.asOfMs = Date.parse('2026-03-01T02:00:00.123Z');
  return source;
}

async function messagesOf(source: FileSource): Promise<MessageIn[]> {
  const messages: MessageIn[] = [];
  await source.run((batch) => {
    messages.push(...batch.messages);
    return Promise.resolve();
  }, new AbortController().signal);
  return messages;
}

describe('FileSource rows', () => {
  it('carry their event decoded, the same event their CloudEvent bytes decode to', async () => {
    const messages = await messagesOf(sourceOf(csv, 1));
    expect(messages.map((m) => m.position)).toEqual(['line:2', 'line:3']);
    for (const message of messages) {
      const { event, ...bytesOnly } = message;
      expect(event).toBeDefined();
      expect(decodeMessage(bytesOnly)).toEqual({ event });
    }
    expect(messages[1]?.event).toEqual({
      data: { sku: 'B,2', warehouse: 'wh2', onHand: '7' },
      eventId: 'file:abc#row:2',
      eventTimeMs: Date.parse('2026-03-01T02:00:00.123Z'),
      type: 'io.syncflow.batch.row',
    });
  });
});
