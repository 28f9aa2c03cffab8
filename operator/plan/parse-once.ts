// A spec object in an informer cache stays the same object until the resource changes, and every
// reconcile and lag refresh reads every flow's and connection's spec: zod parses each object once,
// not once per read (at 1,000 flows the per-read parses of a namespace's connections were a tenth of
// the operator's CPU). Keyed by object identity, so a changed resource is parsed again.

interface Schema<R> {
  safeParse(value: unknown): R;
}

const memos = new WeakMap<object, WeakMap<object, unknown>>();

/** `schema.safeParse(value)`, remembered per (schema, value object). */
export function parseOnce<R>(schema: Schema<R>, value: unknown): R {
  if (typeof value !== 'object' || value === null) return schema.safeParse(value);
  let memo = memos.get(schema);
  if (!memo) {
    memo = new WeakMap();
    memos.set(schema, memo);
  }
  if (memo.has(value)) return memo.get(value) as R;
  const parsed = schema.safeParse(value);
  memo.set(value, parsed);
  return parsed;
}
