// The poll Source: pages of a DeltaReader from a start bound to the end of the delta, each page
// one batch whose position is the (modified, key) of its last row. Rows travel as CloudEvents
// whose time is the row's change time (the version the gate orders by) and whose id is
// `key@modifiedMs`, so a row re-read by the overlap window is a duplicate the gate drops.
import type { MessageIn } from '../flow/flow.ts';
import type { DeltaBound, DeltaCursor, DeltaPage, DeltaReader, DeltaRow } from './delta.ts';
import type { Source, SourceBatch } from './source.ts';

export interface DeltaSourceOptions {
  reader: DeltaReader;
  start: DeltaBound;
  pageSize: number;
}

export function messageOfRow(source: string, row: DeltaRow): MessageIn {
  const id = `${row.key}@${row.modifiedMs}`;
  const event = {
    specversion: '1.0',
    id,
    source,
    type: 'io.syncflow.poll.row',
    time: new Date(row.modifiedMs).toISOString(),
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
        messages: page.rows.map((row) => messageOfRow(this.#options.reader.name, row)),
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
    return this.#options.reader.page(bound, this.#options.pageSize);
  }
}
