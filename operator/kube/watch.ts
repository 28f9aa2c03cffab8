// One watch request as a stream of events. Resolves when the server ends the watch (routine: it
// closes every watch after timeoutSeconds) or the caller aborts; rejects on an HTTP error, a broken
// stream, or when nothing (not even a bookmark) arrived for `inactivityTimeoutMs` — a half-open
// connection otherwise stalls silently. Requests bookmarks so quiet watches keep a fresh
// resourceVersion. Written on the shared transport instead of client-node's Watch so that it gets
// bookmarks, a configurable inactivity timeout (Watch's is a private 30 s) and the 429 headers.
import type { KubernetesObject } from '@kubernetes/client-node';
import { send, type Http } from './request.ts';
import { pathFor, type ResourceType } from './resource.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubernetesObject = KubernetesObject> {
  type: WatchEventType;
  /** The object; for ERROR a metav1.Status (`code`, `reason`, `message`). */
  object: T;
}

export interface WatchOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  resourceVersion: string;
  /** Server-side end of this watch. */
  timeoutSeconds: number;
  inactivityTimeoutMs: number;
  signal: AbortSignal;
}

function parseLine<T extends KubernetesObject>(line: string): WatchEvent<T> | undefined {
  if (line.trim() === '') return undefined;
  return JSON.parse(line) as WatchEvent<T>;
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  onChunk: () => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream) {
    onChunk();
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered.trim() !== '') onLine(buffered);
}

export async function watch<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  options: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void,
): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', stop, { once: true });
  let inactive = false;
  let timer: NodeJS.Timeout | undefined;
  const resetTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      inactive = true;
      controller.abort();
    }, options.inactivityTimeoutMs);
    timer.unref();
  };
  try {
    resetTimer();
    const response = await send(http, {
      method: 'GET',
      path: pathFor(resource, { namespace: options.namespace }),
      query: {
        watch: true,
        allowWatchBookmarks: true,
        resourceVersion: options.resourceVersion,
        timeoutSeconds: options.timeoutSeconds,
        labelSelector: options.labelSelector,
      },
      signal: controller.signal,
    });
    const stream = response.body.stream();
    if (!stream) return;
    await readLines(
      stream,
      (line) => {
        const event = parseLine<T>(line);
        if (event) onEvent(event);
      },
      resetTimer,
    );
  } catch (err) {
    if (inactive)
      throw new Error(
        `watch ${resource.plural}: nothing received for ${options.inactivityTimeoutMs} ms`,
      );
    if (options.signal.aborted) return;
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', stop);
    controller.abort();
  }
}
