// A Source over notification events: each batch of the inner source (Kafka) reaches the
// pipeline only after the named entities were read from the ERP — several keys per request,
// the requests in parallel as far as the caller's `call` lets them (it holds the connection's
// budget and retries). A read that keeps failing never hands the batch on, so it is never
// committed: the events are redelivered, not lost.
import type { DeltaRow } from './delta.ts';
import { keyChunksOf, noticeOf, stateMessageOf } from './notification.ts';
import type { Source, SourceBatch } from './source.ts';

export interface EntityReader {
  /** CloudEvent source of the rows (the same as the sweep poll's). */
  readonly name: string;
  entities(keys: readonly string[]): Promise<DeltaRow[]>;
}

/** Runs one ERP read for a batch: within the budget, retried until it succeeds or stops. */
export type ReadCall = (batch: SourceBatch, work: () => Promise<DeltaRow[]>) => Promise<DeltaRow[]>;

export interface NotificationSourceOptions {
  inner: Source;
  reader: EntityReader;
  keyFields: readonly string[];
  keysPerRequest: number;
  call: ReadCall;
}

export class NotificationSource implements Source {
  readonly #options: NotificationSourceOptions;
  /** ERP reads made (a test compares them with the events). */
  requests = 0;

  constructor(options: NotificationSourceOptions) {
    this.#options = options;
  }

  run(handle: (batch: SourceBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    return this.#options.inner.run(async (batch) => handle(await this.#stateOf(batch)), signal);
  }

  async #stateOf(batch: SourceBatch): Promise<SourceBatch> {
    const { reader, keyFields, keysPerRequest, call } = this.#options;
    const notices = batch.messages.map((m) => noticeOf(m, keyFields));
    const chunks = keyChunksOf(notices, keysPerRequest);
    const readAtMs = Date.now();
    const read = await Promise.all(
      chunks.map((keys) =>
        call(batch, () => {
          this.requests += 1;
          return reader.entities(keys);
        }),
      ),
    );
    const rows = new Map(read.flat().map((row) => [row.key, row]));
    const found = { source: reader.name, rows, readAtMs };
    return {
      ...batch,
      messages: batch.messages.map((m, i) => stateMessageOf(m, notices[i], found)),
    };
  }
}
