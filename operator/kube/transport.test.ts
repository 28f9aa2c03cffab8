import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestContext } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.ts';
import { retryAfterMs } from './api-error.ts';
import { RequestCounter, requestMethodOf } from './request-counter.ts';
import { transportFor } from './transport.ts';

/** A local HTTP endpoint answering with the given statuses in turn (the last one repeats). */
async function answering(
  statuses: number[],
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(hits, statuses.length - 1)]!;
    hits++;
    res.writeHead(status, status === 429 ? { 'retry-after': '7' } : {}).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/configmaps`, hits: () => hits, server };
}

describe('transport', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('waits out Retry-After on 429, then retries, counting both requests', async () => {
    const endpoint = await answering([429, 200]);
    server = endpoint.server;
    const clock = new ManualClock();
    const counter = new RequestCounter();
    const pending = transportFor({ counter, clock })
      .send(new RequestContext(endpoint.url, 'GET'))
      .toPromise();
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1));
    clock.advance(6_999);
    expect(endpoint.hits()).toBe(1);
    clock.advance(1);
    expect((await pending).httpStatusCode).toBe(200);
    expect(endpoint.hits()).toBe(2);
    expect(counter.byMethod()).toEqual({ GET: 2 });
  });

  it('gives the 429 to the caller after the retry budget', async () => {
    const endpoint = await answering([429]);
    server = endpoint.server;
    const clock = new ManualClock();
    const pending = transportFor({ counter: new RequestCounter(), clock, maxRetriesOn429: 2 })
      .send(new RequestContext(endpoint.url, 'POST'))
      .toPromise();
    for (let retry = 1; retry <= 2; retry++) {
      await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1));
      clock.advance(7_000);
    }
    expect((await pending).httpStatusCode).toBe(429);
    expect(endpoint.hits()).toBe(3);
  });
});

describe('retryAfterMs', () => {
  it.each([
    { headers: { 'retry-after': '3' }, expected: 3000 },
    { headers: { 'retry-after': '0' }, expected: 0 },
    { headers: { 'retry-after': '600' }, expected: 30_000 },
    { headers: { 'retry-after': 'soon' }, expected: 1000 },
    { headers: {}, expected: 1000 },
  ])('$headers → $expected ms', ({ headers, expected }) => {
    expect(retryAfterMs(headers, 1000, 30_000)).toBe(expected);
  });
});

describe('requestMethodOf', () => {
  it.each([
    { method: 'GET', url: '/api/v1/configmaps', expected: 'GET' },
    { method: 'GET', url: '/api/v1/configmaps?watch=true&resourceVersion=1', expected: 'WATCH' },
    { method: 'PATCH', url: '/apis/x/v1/a/b', expected: 'PATCH' },
    { method: 'HEAD', url: '/', expected: 'OTHER' },
  ])('$method $url → $expected', ({ method, url, expected }) => {
    expect(requestMethodOf(method, url)).toBe(expected);
  });

  it('counts writes separately from reads', () => {
    const counter = new RequestCounter();
    for (const m of ['GET', 'WATCH', 'PATCH', 'POST', 'DELETE', 'PUT'] as const)
      counter.record(m, '200');
    expect(counter.writes()).toBe(4);
    expect(counter.total()).toBe(6);
  });
});
