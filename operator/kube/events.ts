// Records Kubernetes Events (events.k8s.io/v1) about objects for `kubectl describe`: best effort
// (a failed write is logged, never thrown into the reconcile) and rate-limited per object.
import { randomUUID } from 'node:crypto';
import { V1MicroTime, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { summarizeError } from './api-error.ts';
import { EventRateLimit, type EventRateLimitOptions } from './event-rate-limit.ts';
import { apiVersionOf, events, type ResourceType } from './resource.ts';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  /** CamelCase, machine-readable: `Created`, `Stalled`. */
  reason: string;
  /** What the operator did or failed to do: `Apply`, `Validate`. */
  action: string;
  /** Human-readable sentence, at most 1 kB. */
  note: string;
}

export interface EventRecorderOptions {
  create: (resource: ResourceType, object: KubernetesObject) => Promise<unknown>;
  /** `reportingController`, e.g. `syncflow.io/operator`. */
  controller: string;
  /** `reportingInstance`: this process's identity. */
  instance: string;
  clock: Clock;
  log: Logger;
  rateLimit?: EventRateLimitOptions;
}

export class EventRecorder {
  private readonly limit: EventRateLimit;
  private readonly options: EventRecorderOptions;

  constructor(options: EventRecorderOptions) {
    this.options = options;
    this.limit = new EventRateLimit(options.rateLimit);
  }

  /** Sends the event unless rate-limited; resolves when done, never rejects. */
  async record(regarding: KubernetesObject, event: EventSpec): Promise<void> {
    const meta = regarding.metadata ?? {};
    const objectId = meta.uid ?? `${meta.namespace}/${meta.name}`;
    const now = this.options.clock.now();
    if (!this.limit.allow(objectId, `${event.type}/${event.reason}/${event.note}`, now)) return;
    const body = {
      apiVersion: apiVersionOf(events),
      kind: 'Event',
      // client-go's naming: <object>.<hex time>; a suffix keeps two events in one ms apart.
      metadata: {
        name: `${meta.name ?? 'object'}.${now.toString(16)}${randomUUID().slice(0, 4)}`,
        namespace: meta.namespace ?? 'default',
      },
      eventTime: new V1MicroTime(now).toISOString(),
      reportingController: this.options.controller,
      reportingInstance: this.options.instance,
      type: event.type,
      reason: event.reason,
      action: event.action,
      note: event.note.slice(0, 1024),
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    };
    try {
      await this.options.create(events, body);
    } catch (err) {
      this.options.log.warn(
        { err: summarizeError(err), reason: event.reason },
        'event not recorded',
      );
    }
  }
}
