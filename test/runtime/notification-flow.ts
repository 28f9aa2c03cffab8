// An event flow of notification events (each event names an entity; the runtime reads it from the
// ERP through source.poll), as the operator renders it for the pod and for its sweep CronJob.
import { secretDirFor } from '../../crds/flow-config.ts';
import { erpToken } from './run-fixture.ts';
import type { DialectCase } from './poll-dialects.ts';
import { commerceConnection, writePodRoot } from './pod-root.ts';
import { bearerToken } from './runtime-fixture.ts';

export interface NotificationFlowOptions {
  ids: { instanceId: string; name: string };
  topic: string;
  dialect: Pick<DialectCase, 'connectionType' | 'source' | 'fields'>;
  erpUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
  commerceUrl: string;
  /** The ERP connection's requests in flight; its default when omitted. */
  erpMaxInFlight?: number;
  /** The Commerce connection's requests in flight; null: its default. */
  commerceMaxInFlight?: number | null;
  deletes?: 'ignore' | 'apply';
  guards?: Record<string, unknown>;
}

function flowDocument(options: NotificationFlowOptions): unknown {
  const { ids, topic, dialect } = options;
  return {
    configVersion: 1,
    instanceId: ids.instanceId,
    flow: {
      namespace: 'shop',
      name: ids.name,
      uid: `uid-${ids.name}`,
      generation: 1,
      spec: {
        flow: 'inventory',
        entity: 'sourceItem',
        maxLag: '30s',
        source: {
          connection: 'kafka',
          kafka: { topic, payload: 'notification', deadLetterTopic: `${topic}.dlq` },
          poll: { connection: 'erp', ...dialect.source },
        },
        mapping: { fields: dialect.fields },
        sink: { connection: 'commerce', commerce: { batchSize: 20 } },
        state: { connection: 'redis' },
        ...(options.deletes ? { deletes: options.deletes } : {}),
        initialSync: { from: 'beginning' },
        ...(options.guards ? { guards: options.guards } : {}),
      },
    },
    plan: { pattern: 'event', mode: 'consume', maxLagSeconds: 30 },
    connections: {
      kafka: { spec: { type: 'kafka', brokers: options.kafkaBrokers } },
      redis: { spec: { type: 'redis', url: options.redisUrl } },
      erp: {
        spec: {
          type: dialect.connectionType,
          url: options.erpUrl,
          auth: { bearer: { secretRef: { name: 'erp-token' } } },
          ...(options.erpMaxInFlight === undefined
            ? {}
            : { concurrency: { maxInFlight: options.erpMaxInFlight } }),
        },
        secretDir: secretDirFor('erp'),
      },
      commerce: commerceConnection(options.commerceUrl, options.commerceMaxInFlight),
    },
  };
}

/** The pod's root for a notification flow: its document and the ERP and Commerce tokens. */
export function writeNotificationFlowRoot(
  prefix: string,
  options: NotificationFlowOptions,
): string {
  return writePodRoot(`${prefix}-${options.ids.name}`, flowDocument(options), {
    commerce: bearerToken,
    erp: erpToken,
  });
}
