// The poll Source: pages of a DeltaReader from a start bound to the end of the delta, each page
// one batch whose position is the (modified, key) of its last row. Rows travel as CloudEvents
// whose time is the row's version (the gate orders by it) and whose id names the row's change
// time and content, so a row re-read unchanged (the overlap window, the sweep after an event) is
// a duplicate the gate drops.
import { createHash } from 'node:crypto';
import type { MessageIn } from '../flow/flow.ts';
import type { DeltaBound, DeltaCursor, DeltaPage, DeltaReader, DeltaRow } from './delta.ts';
import type { Source, SourceBatch } from './source.ts';

export interface DeltaSourceOptions {
  reader: DeltaReader;
  start: DeltaBound;
  pageSize: number;
}

/**
 * A read row's version. ERPs keep change times to the second, so a row changed twice within one
 * second carries the same time both times and the gate would drop the second state as a
 * duplicate. A read returns the state as of the moment it was sent at the latest, and a row's
 * change lies within the second its time names: the read time, kept within that second, orders
 * two reads of one second (a read after the second has passed gets its last millisecond). Reads
 * of one flow are sequential, so a later state never gets a lower version; when the runtime's
 * clock is behind the ERP's, this falls back to the change time.
 */
export function readVersionOf(modifiedMs: number, readAtMs: number | undefined): number {
  if (readAtMs === undefined || modifiedMs % 1000 !== 0) return modifiedMs;
  return Math.min(Math.max(readAtMs, modifiedMs), modifiedMs + 999);
}

export function messageOfRow(source: string, row: DeltaRow, readAtMs?: number): MessageIn {
  const version = readVersionOf(row.modifiedMs, readAtMs);
  // The content, not the read time: a second read of the same state is the same event.
  const digest = createHash('sha1').update(JSON.stringify(row.data)).digest('base64url');
  const id = `${row.key}@${row.modifiedMs}#${digest.slice(0, 12)}`;
  const event = {
    specversion: '1.0',
    id,
    source,
    type: 'io.syncflow.poll.row',
    time: new Date(version).toISOString(),
    data: row.data,
  };
  return {
    key: row.key,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    timestampMs: row.modifiedMs,
    position: id,
  };
}

export class DeltaSource implements Source {
  readonly #options: DeltaSourceOptions;
  #first: Promise<DeltaPage> | undefined;
  /** Pages read so far (the poll benchmark compares them with the minimum). */
  pagesRead = 0;

  constructor(options: DeltaSourceOptions) {
    this.#options = options;
  }

  /** The first page, read once: the guards look at it before anything is written. */
  peek(): Promise<DeltaPage> {
    this.#first ??= this.#read(this.#options.start);
    return this.#first;
  }

  async run(handle: (batch: SourceBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    let page = await this.peek();
    for (;;) {
      const last = page.rows.at(-1);
      if (last === undefined) return;
      const position: DeltaCursor = { modifiedMs: last.modifiedMs, key: last.key };
      await handle({
        messages: page.rows.map((row) =>
          messageOfRow(this.#options.reader.name, row, page.readAtMs),
        ),
        label: `${this.#options.reader.name}@${new Date(last.modifiedMs).toISOString()}`,
        position,
        heartbeat: () => Promise.resolve(),
        isStale: () => false,
      });
      if (!page.more || signal.aborted) return;
      page = await this.#read({ after: position });
    }
  }

  async #read(bound: DeltaBound): Promise<DeltaPage> {
    this.pagesRead += 1;
    const readAtMs = Date.now();
    const page = await this.#options.reader.page(bound, this.#options.pageSize);
    return { ...page, readAtMs };
  }
}
