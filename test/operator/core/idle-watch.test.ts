// A quiet watch stays useful. The apiserver closes every watch on its own schedule (30–60 min by
// default, `timeoutSeconds` when the client asks — the informer asks for 5–10 min); in between,
// bookmarks (about one a minute) keep the resourceVersion fresh and prove the connection alive.
// Waiting out more than 5 idle minutes in a test is too slow, so the same mechanisms are shown
// scaled down over a 75 s idle period: watches ended by the server every 20 s are resumed from the
// bookmarked version without a relist, and an event after the idle period still arrives. A second
// informer with a 3 s staleness limit shows the watchdog relisting a silent watch without losing
// events. The 5-minute arithmetic itself is unit-tested in watch-progress.test.ts.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer, type Change } from '../../../operator/controller/manager.ts';
import {
  configMaps,
  createKubeClient,
  type KubernetesObject,
} from '../../../operator/kube/client.ts';
import { eventually } from '../../support/eventually.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { uniqueName } from '../../support/unique-name.ts';
import { createNamespace, deleteNamespace, kubeConfigFrom } from './gadget-operator.ts';

describe('idle watches', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('idle');
  const abort = new AbortController();
  const log = pino({ level: process.env['OPCORE_LOG'] ?? 'silent' });

  beforeAll(() => createNamespace(kc, namespace));
  afterAll(async () => {
    abort.abort();
    await deleteNamespace(kc, namespace);
  });

  it('still deliver events after a long idle period, resumed by bookmarks and the watchdog', async () => {
    const client = createKubeClient(kc);
    const seen = (informer: Informer): string[] => {
      const names: string[] = [];
      informer.on((change: Change) => names.push(`${change.type} ${change.object.metadata?.name}`));
      return names;
    };
    const resumed = new Informer({
      client,
      resource: configMaps,
      namespace,
      log,
      watchTimeoutSeconds: [20, 20],
    });
    const watchdog = new Informer({
      client,
      resource: configMaps,
      namespace,
      log,
      staleAfterMs: 3_000,
    });
    const resumedSeen = seen(resumed);
    const watchdogSeen = seen(watchdog);
    const runs = [resumed.run(abort.signal), watchdog.run(abort.signal)];
    await eventually(() => expect(resumed.hasSynced() && watchdog.hasSynced()).toBe(true));

    await new Promise((resolve) => setTimeout(resolve, 75_000));
    const idle = resumed.stats();
    expect(idle.bookmarks).toBeGreaterThanOrEqual(1);
    expect(idle.watches).toBeGreaterThanOrEqual(3);
    expect(idle.lists).toBe(1);
    expect(idle.staleRelists).toBe(0);
    expect(watchdog.stats().staleRelists).toBeGreaterThanOrEqual(1);
    process.stderr.write(
      `[idle] resumed: ${JSON.stringify(idle)} watchdog: ${JSON.stringify(watchdog.stats())}\n`,
    );

    const body: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late', namespace },
    };
    await client.create(configMaps, body);
    await eventually(() => expect(resumedSeen).toContain('added late'), { timeoutMs: 5_000 });
    await eventually(() => expect(watchdogSeen).toContain('added late'), { timeoutMs: 10_000 });
    expect(resumed.get(`${namespace}/late`)).toBeDefined();
    abort.abort();
    await Promise.all(runs);
  }, 120_000);
});
