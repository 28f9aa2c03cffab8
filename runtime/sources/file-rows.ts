// Streams the rows of an export — CSV (csv-parse), NDJSON, XML (saxes) — from bytes in the
// declared encoding, with bounded memory: one chunk of text and one record at a time. Each row
// carries its line; a row that cannot be a record (wrong column count, unparsable JSON) comes
// back with an error instead, and numbers written with a decimal comma are normalised.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { SaxesParser } from 'saxes';
import type { FileSource } from './source-specs.ts';

export interface FileRow {
  /** 1-based line of the file where the row ends (CSV, NDJSON) or starts (XML). */
  line: number;
  record?: Record<string, unknown>;
  error?: string;
}

export interface RowOptions {
  spec: FileSource;
  /** Columns the mapping reads as numbers: a decimal comma there becomes a point. */
  numericColumns: ReadonlySet<string>;
  /** Called with the CSV header (or the column numbers `0`, `1`, … without one). */
  onColumns?: (columns: string[]) => void;
}

async function* textOf(bytes: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: false });
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

const commaNumber = /^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/;

/** `1.234,56` → `1234.56` in a comma-decimal file; anything else is left for the mapping to judge. */
export function normaliseDecimal(value: string): string {
  const trimmed = value.trim();
  return commaNumber.test(trimmed) ? trimmed.replaceAll('.', '').replace(',', '.') : value;
}

function normalise(record: Record<string, unknown>, options: RowOptions): Record<string, unknown> {
  if (options.spec.decimalSeparator !== ',') return record;
  for (const column of options.numericColumns) {
    const value = record[column];
    if (typeof value === 'string') record[column] = normaliseDecimal(value);
  }
  return record;
}

/**
 * The text in pieces of at most `sliceChars`. csv-parse turns a whole piece into records at once
 * and they wait in its buffer until read; from a 256 KiB read that is some 10,000 records, which
 * outlive two young-generation GCs and fill the old one with garbage. Small pieces keep the
 * records a chunk needs young.
 */
async function* slicesOf(text: AsyncIterable<string>, sliceChars: number): AsyncGenerator<string> {
  for await (const piece of text) {
    for (let at = 0; at < piece.length; at += sliceChars) yield piece.slice(at, at + sliceChars);
  }
}

async function* csvRows(text: AsyncIterable<string>, options: RowOptions): AsyncGenerator<FileRow> {
  const { spec } = options;
  const parser = Readable.from(slicesOf(text, 16 * 1024)).pipe(
    parse({
      delimiter: spec.delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }),
  );
  let columns: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { record, info } = item;
    if (columns === undefined) {
      columns = spec.header ? record.map((c) => c.trim()) : record.map((_, i) => String(i));
      options.onColumns?.(columns);
      if (spec.header) continue;
    }
    if (record.length !== columns.length) {
      yield { line: info.lines, error: `expected ${columns.length} columns, got ${record.length}` };
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i] ?? ''] = record[i];
    yield { line: info.lines, record: normalise(row, options) };
  }
}

async function* ndjsonRows(
  text: AsyncIterable<string>,
  options: RowOptions,
): AsyncGenerator<FileRow> {
  let pending = '';
  let line = 0;
  const rowOf = (raw: string): FileRow | undefined => {
    line += 1;
    if (raw.trim() === '') return undefined;
    try {
      const value = JSON.parse(raw) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return { line, error: 'line is not a JSON object' };
      return { line, record: normalise(value as Record<string, unknown>, options) };
    } catch (err) {
      return { line, error: `not JSON: ${(err as Error).message}` };
    }
  };
  for await (const chunk of text) {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const row = rowOf(raw);
      if (row) yield row;
    }
  }
  const last = rowOf(pending);
  if (last) yield last;
}

async function* xmlRows(text: AsyncIterable<string>, options: RowOptions): AsyncGenerator<FileRow> {
  const element = options.spec.recordElement ?? '';
  const parser = new SaxesParser();
  const ready: FileRow[] = [];
  let current: { line: number; record: Record<string, unknown> } | undefined;
  let field: string | undefined;
  let value = '';
  parser.on('opentag', (tag) => {
    if (tag.name === element) {
      const attributes = Object.fromEntries(
        Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]),
      );
      current = { line: parser.line, record: attributes };
    } else if (current) {
      field = tag.name;
      value = '';
    }
  });
  parser.on('text', (t) => {
    if (field !== undefined) value += t;
  });
  parser.on('closetag', (tag) => {
    if (current && tag.name === element) {
      ready.push({ line: current.line, record: normalise(current.record, options) });
      current = undefined;
    } else if (current && tag.name === field) {
      current.record[field] = value.trim();
      field = undefined;
    }
  });
  for await (const chunk of text) {
    parser.write(chunk);
    yield* ready.splice(0);
  }
  parser.close();
  yield* ready.splice(0);
}

/** The data rows of an export, in file order. */
export function rowsOf(
  bytes: AsyncIterable<Uint8Array>,
  options: RowOptions,
): AsyncGenerator<FileRow> {
  const text = textOf(bytes, options.spec.encoding);
  if (options.spec.format === 'csv') return csvRows(text, options);
  if (options.spec.format === 'ndjson') return ndjsonRows(text, options);
  return xmlRows(text, options);
}
