// The dead-letter topic: a poison message is produced there with the reason in headers, so the
// partition keeps flowing and a person (or a redrive replay) can act on it later.
import type { Producer } from 'kafkajs';
import type { MessageIn } from '../flow/flow.ts';

export interface DeadLetterEntry {
  message: MessageIn;
  reasonCode: string;
  reason: string;
}

export interface DeadLetter {
  send(entries: readonly DeadLetterEntry[]): Promise<void>;
}

/** Header names on dead-lettered messages (the redrive and the operator read them). */
export const deadLetterHeaders = {
  code: 'sf-error-code',
  reason: 'sf-error-reason',
  flow: 'sf-flow',
  topic: 'sf-original-topic',
  partition: 'sf-original-partition',
  offset: 'sf-original-offset',
  timestamp: 'sf-original-timestamp',
  at: 'sf-dead-lettered-at',
} as const;

function originOf(position: string): { topic: string; partition: string; offset: string } {
  const parts = position.split('/');
  const offset = parts.pop() ?? '';
  const partition = parts.pop() ?? '';
  return { topic: parts.join('/'), partition, offset };
}

export class KafkaDeadLetter implements DeadLetter {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #flow: string;
  readonly #nowMs: () => number;

  constructor(options: { producer: Producer; topic: string; flow: string; nowMs: () => number }) {
    this.#producer = options.producer;
    this.#topic = options.topic;
    this.#flow = options.flow;
    this.#nowMs = options.nowMs;
  }

  async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date(this.#nowMs()).toISOString();
    await this.#producer.send({
      topic: this.#topic,
      acks: -1,
      messages: entries.map(({ message, reasonCode, reason }) => {
        const origin = originOf(message.position);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers)) if (v !== undefined) headers[k] = v;
        Object.assign(headers, {
          [deadLetterHeaders.code]: reasonCode,
          [deadLetterHeaders.reason]: reason.slice(0, 2000),
          [deadLetterHeaders.flow]: this.#flow,
          [deadLetterHeaders.topic]: origin.topic,
          [deadLetterHeaders.partition]: origin.partition,
          [deadLetterHeaders.offset]: origin.offset,
          [deadLetterHeaders.timestamp]: String(message.timestampMs),
          [deadLetterHeaders.at]: at,
        });
        return {
          key: message.key,
          value: message.value === null ? null : Buffer.from(message.value),
          headers,
        };
      }),
    });
  }
}
