// Unique names per test: namespaces, topics, consumer groups and Redis prefixes never collide.
import { randomUUID } from 'node:crypto';

export function uniqueName(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
