// `runtime batch` reading its export over HTTP from the connection's URL (no mounted directory):
// the CSV is streamed — rows land in the Commerce double while the server still holds the rest
// of the file back — and the run's as-of time is the response's Last-Modified. A 404 or a 500
// fails the run with the status in its record and writes nothing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { bearerToken, spawnRuntime } from './runtime-fixture.ts';
import { erpToken, lastRun, runOnce, writeRunRoot, type RunFlowOptions } from './run-fixture.ts';

const env = sharedEnvironment();
const redis = new Redis(env.redisUrl);
let commerce: CommerceDouble;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.writeHead(404).end();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken });
  server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${erpToken}`) res.writeHead(401).end();
    else handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exports`;
});
afterAll(async () => {
  redis.disconnect();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await commerce.close();
});

function httpFlow(): { options: RunFlowOptions; root: string } {
  const options: RunFlowOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('http'),
    redisUrl: env.redisUrl,
    commerceUrl: commerce.url,
    source: { file: { path: '/stock.csv', format: 'csv', keyFields: ['sku'] } },
    connection: { type: 'rest', url: baseUrl },
    fields: {
      sku: { path: 'sku', type: 'string' },
      sourceCode: { path: 'warehouse', type: 'string' },
      quantity: { path: 'onHand', type: 'number' },
    },
    mode: 'batch',
    batchSize: 100,
  };
  return { options, root: writeRunRoot(options) };
}

/** Writes `lines` to the response, waiting for the socket to drain (back-pressure). */
async function writeAll(res: ServerResponse, lines: string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = `${lines.slice(i, i + 500).join('\n')}\n`;
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
}

describe('runtime batch over HTTP', () => {
  it('streams the CSV and takes its as-of time from Last-Modified', async () => {
    const { options, root } = httpFlow();
    const p = uniqueName('H');
    const rows = 6000;
    const lines = Array.from({ length: rows }, (_, i) => `${p}-${i},wh1,${i}`);
    const lastModified = 'Tue, 19 May 2026 02:00:00 GMT';
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const paths: string[] = [];
    handler = (req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': lastModified });
      // The first half, then the rest only once rows of the first half were imported.
      void writeAll(res, ['sku,warehouse,onHand', ...lines.slice(0, rows / 2)])
        .then(() => released)
        .then(() => writeAll(res, lines.slice(rows / 2)))
        .then(() => res.end());
    };
    const runtime = spawnRuntime(root, {}, 'batch');
    await eventually(() => expect(commerce.state.sourceItem(`${p}-0`, 'wh1')?.quantity).toBe(0), {
      timeoutMs: 60_000,
    });
    expect(commerce.state.sourceItem(`${p}-${rows - 1}`, 'wh1')).toBeUndefined();
    release();
    const { code } = await runtime.exited;
    expect(code, runtime.output.join('')).toBe(0);
    expect(paths).toEqual(['/exports/stock.csv']);
    for (const i of [1, rows / 2, rows - 1])
      expect(commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity).toBe(i);
    expect(await lastRun(redis, options)).toMatchObject({
      result: 'succeeded',
      records: rows,
      applied: rows,
      asOfMs: Date.parse(lastModified),
      rowOffset: rows,
    });
  });

  it.each([
    { status: 404, body: 'no such export' },
    { status: 500, body: 'export job crashed' },
  ])('a $status fails the run with the status and writes nothing', async ({ status, body }) => {
    const { options, root } = httpFlow();
    handler = (_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    const writesBefore = commerce.state.writes.length;
    const run = await runOnce(root, 'batch');
    expect(run.code, run.output).toBe(1);
    const record = await lastRun(redis, options);
    expect(record).toMatchObject({ result: 'failed', records: 0, applied: 0 });
    expect(record.message).toContain(`/exports/stock.csv: ${status}`);
    expect(record.message).toContain(body);
    expect(commerce.state.writes.length).toBe(writesBefore);
  });
});
