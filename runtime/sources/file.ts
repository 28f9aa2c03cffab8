// The batch Source: the data rows of one export, from a mounted directory or over HTTP, in
// chunks whose position is the count of data rows done (the row offset a restarted Job resumes
// after). Rows travel as CloudEvents whose time is the export's as-of time (the version) and
// whose id is the row's line. Rows that cannot be records go to the rejected-row report.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageIn } from '../flow/flow.ts';
import type { RejectedRow } from '../state/rejected-rows.ts';
import type { ErpClient } from './erp-client.ts';
import { rowsOf, type FileRow, type RowOptions } from './file-rows.ts';
import type { Source, SourceBatch } from './source.ts';

export { normaliseDecimal } from './file-rows.ts';

export interface ExportFile {
  /** Identity of this export: where, how big, when written (a new export is a new run). */
  id: string;
  /** File mtime or HTTP Last-Modified, when known. */
  modifiedMs: number | undefined;
  bytes(): AsyncIterable<Uint8Array>;
}

/** An export below a mounted directory (`SYNCFLOW_BATCH_DIR`, already resolved). */
export async function mountedExport(dir: string, path: string): Promise<ExportFile> {
  const full = join(dir, path);
  const info = await stat(full);
  return {
    id: `${full}|${info.size}|${info.mtimeMs}`,
    modifiedMs: Math.floor(info.mtimeMs),
    bytes: () => createReadStream(full, { highWaterMark: 256 * 1024 }),
  };
}

/** An export below the connection URL, streamed; its validators identify it. */
export async function httpExport(client: ErpClient, path: string): Promise<ExportFile> {
  const url = client.urlOf(path);
  const head = await client.send('GET', url, { headers: { accept: '*/*' } });
  if (head.status >= 300) {
    const text = (await head.body.text()).slice(0, 300);
    throw new Error(`GET ${url.pathname}: ${head.status} ${text}`);
  }
  const header = (name: string): string => String(head.headers[name] ?? '');
  const lastModified = Date.parse(header('last-modified'));
  let first = true;
  return {
    id: `${url.toString()}|${header('content-length')}|${header('etag')}|${header('last-modified')}`,
    modifiedMs: Number.isNaN(lastModified) ? undefined : lastModified,
    bytes: () => {
      if (first) {
        first = false;
        return head.body;
      }
      return (async function* again() {
        const response = await client.send('GET', url, { headers: { accept: '*/*' } });
        yield* response.body;
      })();
    },
  };
}

export interface FileSourceOptions {
  file: ExportFile;
  rows: RowOptions;
  chunkRows: number;
  /** Data rows already done by an earlier attempt of this run. */
  resumeAfter: number;
  /** CloudEvent source: the export's identity, shortened. */
  sourceName: string;
  onRejected: (rows: RejectedRow[]) => Promise<void>;
}

interface Chunk {
  messages: MessageIn[];
  rejected: RejectedRow[];
  /** Data rows of the export up to the end of this chunk. */
  rowOffset: number;
}

export interface RowPosition {
  rowOffset: number;
}

export class FileSource implements Source {
  readonly #options: FileSourceOptions;
  readonly #rows: AsyncGenerator<FileRow>;
  readonly #peeked: FileRow[] = [];
  #columns: string[] | undefined;
  #eventHead: { asOfMs: number; json: string; timeMs: number } | undefined;
  /** Version of every row: set before `run` (from the as-of column or the file time). */
  asOfMs = 0;

  constructor(options: FileSourceOptions) {
    this.#options = options;
    this.#rows = rowsOf(options.file.bytes(), {
      ...options.rows,
      onColumns: (columns) => (this.#columns = columns),
    });
  }

  /** CloudEvent source of the rows: with the row number, their dedup id. */
  get sourceName(): string {
    return this.#options.sourceName;
  }

  /** The first `count` data rows (and the CSV header), read once and kept for `run`. */
  async peek(count: number): Promise<{ rows: FileRow[]; columns: string[] | undefined }> {
    while (this.#peeked.length < count) {
      const next = await this.#rows.next();
      if (next.done) break;
      this.#peeked.push(next.value);
    }
    return { rows: this.#peeked.slice(0, count), columns: this.#columns };
  }

  /**
   * Parses the next chunk while the pipeline works on the current one (the pipeline waits on
   * Redis and the sink, the parser on the CPU), never more than one chunk ahead.
   */
  async run(handle: (batch: SourceBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    const chunks = this.#chunks();
    let next = chunks.next();
    try {
      for (;;) {
        const chunk = await next;
        if (chunk.done === true) return;
        next = chunks.next();
        await this.#options.onRejected(chunk.value.rejected);
        if (chunk.value.messages.length > 0)
          await handle(this.#batchOf(chunk.value.messages, chunk.value.rowOffset));
        if (signal.aborted) return;
      }
    } finally {
      // A chunk read ahead and not handled is dropped; its rows are read again on resume.
      void next.catch(() => undefined);
      void chunks.return(undefined).catch(() => undefined);
    }
  }

  /** Chunks of `chunkRows` records after the resume offset, with the rows rejected among them. */
  async *#chunks(): AsyncGenerator<Chunk> {
    const { chunkRows, resumeAfter } = this.#options;
    let index = 0;
    let chunk: Chunk = { messages: [], rejected: [], rowOffset: 0 };
    for await (const row of this.#all()) {
      index += 1;
      if (index <= resumeAfter) continue;
      const position = this.positionOf(row.line, index);
      if (row.error !== undefined || row.record === undefined)
        chunk.rejected.push({
          position,
          reasonCode: 'SF_INVALID_ROW',
          reason: row.error ?? 'empty row',
        });
      else chunk.messages.push(this.messageOf(index, position, row.record));
      if (chunk.messages.length >= chunkRows) {
        yield { ...chunk, rowOffset: index };
        chunk = { messages: [], rejected: [], rowOffset: 0 };
      }
    }
    yield { ...chunk, rowOffset: index };
  }

  /** Data rows counted so far (for progress). */
  async *#all(): AsyncGenerator<FileRow> {
    yield* this.#peeked.splice(0);
    yield* this.#rows;
  }

  /** Where a row is, for the report: its line, or in XML (many records a line) its record number. */
  positionOf(line: number, index: number): string {
    return this.#options.rows.spec.format === 'xml' ? `record:${index}` : `line:${line}`;
  }

  /**
   * The row as a CloudEvent: id = its data-row number in the export, time = the as-of time. The
   * pipeline takes the event as it is; its JSON is only built if something reads `value`.
   */
  messageOf(index: number, position: string, record: Record<string, unknown>): MessageIn {
    // Every row shares source, type and time: they are built once per as-of time.
    if (this.#eventHead?.asOfMs !== this.asOfMs) {
      const head = {
        specversion: '1.0',
        source: this.#options.sourceName,
        type: 'io.syncflow.batch.row',
        time: new Date(this.asOfMs).toISOString(),
      };
      const json = JSON.stringify(head).slice(0, -1);
      this.#eventHead = { asOfMs: this.asOfMs, json, timeMs: Date.parse(head.time) };
    }
    const { json: head, timeMs } = this.#eventHead;
    const id = `row:${index}`;
    return {
      key: null,
      get value(): Uint8Array {
        return Buffer.from(`${head},"id":"${id}","data":${JSON.stringify(record)}}`);
      },
      headers: {},
      timestampMs: this.asOfMs,
      position,
      event: {
        data: record,
        eventId: `${this.#options.sourceName}#${id}`,
        eventTimeMs: timeMs,
        type: 'io.syncflow.batch.row',
      },
    };
  }

  #batchOf(messages: MessageIn[], rowOffset: number): SourceBatch {
    const position: RowPosition = { rowOffset };
    return {
      messages,
      label: `rows ${rowOffset - messages.length + 1}..${rowOffset}`,
      position,
      heartbeat: () => Promise.resolve(),
      isStale: () => false,
    };
  }
}
