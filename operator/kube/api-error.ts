// Reading API failures: status codes of `ApiException` (the typed clients' and ours alike), the
// Retry-After of a 429, and a short summary for logs (ApiException.message embeds whole bodies).
import { ApiException } from '@kubernetes/client-node';

export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => statusCodeOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusCodeOf(err) === 409;
export const isGone = (err: unknown): boolean => statusCodeOf(err) === 410;

/** Retry-After in ms (the apiserver sends whole seconds), bounded to [0, maxMs]. */
export function retryAfterMs(
  headers: Readonly<Record<string, string>> | undefined,
  fallbackMs: number,
  maxMs: number,
): number {
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = raw === undefined ? Number.NaN : Number(raw);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
  return Math.min(ms, maxMs);
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return {};
  try {
    return JSON.parse(body) as StatusBody;
  } catch {
    return { message: body.slice(0, 200) };
  }
}

/** A log-friendly view of an error: code, reason and message of an API failure. */
export function summarizeError(err: unknown): Record<string, unknown> {
  if (err instanceof ApiException) {
    const status = parseStatus(err.body);
    return { code: err.code, reason: status.reason, message: status.message };
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    return { type: err.name, message: err.message, ...(cause ? { cause } : {}) };
  }
  return { message: String(err) };
}
