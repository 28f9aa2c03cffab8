// A batch flow with spec.archive through the operator, its CronJob's pod and the replay's Job
// run by the local node against Kafka, Redis, the Commerce double and an HTTP export: the
// operator plans the CronJob with the archive's Kafka connection in its config; a Job started
// from the CronJob (as `kubectl create job --from=cronjob/…` does) archives the export in Kafka
// and imports it. Commerce is then changed behind SyncFlow's back, and a reapply replay from
// before the import re-imports the archived export — the export server now serves other values
// — walking to Completed with its counts; applying the same replay again runs nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveTopicFor } from '../../crds/flow-state-keys.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { syncFlowReplays } from '../../operator/controller/replay-controller.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import { cronJobs, jobs } from '../../operator/kube/client.ts';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { bearerToken, kafkaFor } from '../runtime/runtime-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { startReplayOperator, type ReplayOperator } from './replay-fixture.ts';
import type { Manifest } from './syncflow-operator.ts';

const shared = sharedEnvironment();
const namespace = uniqueName('archive');

interface CronJob extends Manifest {
  spec: { jobTemplate: { metadata?: Manifest['metadata']; spec: Record<string, unknown> } };
}

/** What `kubectl create job --from=cronjob/<name>` creates. */
function jobFrom(cronJob: CronJob, name: string): Manifest {
  const template = cronJob.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      labels: { ...template.metadata?.labels },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata?.name ?? '',
          uid: cronJob.metadata?.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: template.spec,
  };
}

describe('a batch flow archived in Kafka, replayed through the operator', () => {
  let operator: ReplayOperator;
  let commerce: CommerceDouble;
  let server: Server;
  let exportBody = '';

  beforeAll(async () => {
    commerce = await startCommerceDouble({ bearerToken });
    server = createServer((req, res) => {
      if (req.url !== '/exports/stock.csv') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/csv' }).end(exportBody);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    operator = await startReplayOperator({ namespace, shared, commerce });
  }, 300_000);

  afterAll(async () => {
    await operator?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await commerce?.close();
  });

  it('imports through the CronJob, archives the export, and a reapply replay restores it once', async () => {
    const { admin } = operator;
    const create = (object: Manifest): Promise<unknown> => operator.create(object);
    const port = (server.address() as AddressInfo).port;
    await create({
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncConnection',
      metadata: { name: 'exports' },
      spec: { type: 'rest', url: `http://127.0.0.1:${port}/exports` },
    });
    const prefix = uniqueName('ARC');
    const asOf = new Date(Date.now() - 3_600_000).toISOString();
    const rows = (base: number): string =>
      [
        'sku,warehouse,onHand,stand',
        ...Array.from({ length: 5 }, (_, i) => `${prefix}-${i},wh1,${base + i},${asOf}`),
      ].join('\n') + '\n';
    exportBody = rows(10);
    await create({
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncFlow',
      metadata: { name: 'stock-daily' },
      spec: {
        flow: 'inventory',
        entity: 'sourceItem',
        maxLag: '24h',
        source: {
          connection: 'exports',
          file: { path: '/stock.csv', format: 'csv', keyFields: ['sku'] },
        },
        mapping: {
          fields: {
            sku: { path: 'sku', type: 'string' },
            sourceCode: { path: 'warehouse', type: 'string' },
            quantity: { path: 'onHand', type: 'number' },
            asOf: { path: 'stand', type: 'dateTime' },
          },
        },
        sink: { connection: 'commerce' },
        state: { connection: 'redis' },
        archive: { connection: 'kafka' },
      },
    });

    // The operator plans a daily CronJob whose config carries the archive's Kafka connection.
    const cronJob = await eventually(
      async () => {
        const flow = await admin.get<Manifest & { status?: SyncFlowStatus }>(syncFlows, {
          namespace,
          name: 'stock-daily',
        });
        expect(flow?.status?.workload?.kind, JSON.stringify(flow?.status)).toBe('CronJob');
        const found = await admin.get<CronJob>(cronJobs, {
          namespace,
          name: flow?.status?.workload?.name ?? '',
        });
        expect(found).toBeDefined();
        return found as CronJob;
      },
      { timeoutMs: 60_000 },
    );
    await create(jobFrom(cronJob, 'stock-daily-manual-1'));
    const quantityOf = (i: number): number | undefined =>
      commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
    await eventually(
      () => {
        for (let i = 0; i < 5; i++) expect(quantityOf(i)).toBe(10 + i);
      },
      { timeoutMs: 120_000 },
    );

    // Behind SyncFlow's back: Commerce is edited by hand, and the ERP's export moves on.
    for (let i = 0; i < 5; i++)
      commerce.state.upsertSourceItem({
        sku: `${prefix}-${i}`,
        source_code: 'wh1',
        quantity: 999,
        status: 1,
      });
    exportBody = rows(500);
    const replay = {
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncFlowReplay',
      metadata: { name: 'restore-stock', namespace },
      spec: {
        flow: 'stock-daily',
        from: new Date(Date.parse(asOf) - 3_600_000).toISOString(),
        mode: 'reapply',
        source: 'log',
      },
    };
    await create(replay);
    const completed = await eventually(
      async () => {
        const status = await operator.replayStatusOf('restore-stock');
        expect(status?.phase, status?.message).toBe('Completed');
        return status;
      },
      { timeoutMs: 180_000 },
    );
    for (let i = 0; i < 5; i++) expect(quantityOf(i)).toBe(10 + i);
    expect(completed?.message).toContain('re-imported 5 rows of 1 archived exports');
    expect(completed?.counts).toMatchObject({ read: 5, applied: 5 });
    expect(completed?.completedAt).toBeDefined();
    const writes = commerce.state.writes.length;

    // The same YAML applied again: handled, nothing run; deleted and re-created: remembered.
    await admin.apply(syncFlowReplays, replay);
    expect(await operator.replayStatusOf('restore-stock')).toMatchObject({
      phase: 'Completed',
      completedAt: completed?.completedAt,
    });
    await admin.delete(syncFlowReplays, { namespace, name: 'restore-stock' });
    await eventually(async () =>
      expect(await operator.replayStatusOf('restore-stock')).toBeUndefined(),
    );
    await create(replay);
    await eventually(async () => {
      const status = await operator.replayStatusOf('restore-stock');
      expect(status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('AlreadyHandled');
    });
    const recreated = await admin.get<Manifest>(syncFlowReplays, {
      namespace,
      name: 'restore-stock',
    });
    const owned = (await admin.list<Manifest>(jobs, { namespace })).items.filter((j) =>
      j.metadata?.ownerReferences?.some((o) => o.uid === recreated?.metadata?.uid),
    );
    expect(owned).toEqual([]);
    expect(commerce.state.writes.length).toBe(writes);
    // The runtime created the archive topic named after the flow, holding the run's export.
    const kafkaAdmin = kafkaFor(shared.kafkaBrokers).admin();
    await kafkaAdmin.connect();
    const topic = archiveTopicFor({ instanceId: 'test', namespace, name: 'stock-daily' });
    const [offsets] = await kafkaAdmin.fetchTopicOffsets(topic);
    await kafkaAdmin.disconnect();
    // One chunk and its end marker.
    expect(Number(offsets?.high)).toBe(2);
    expect(commerce.violations).toEqual([]);
  }, 500_000);
});
