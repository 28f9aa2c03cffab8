// The operator's requests share keep-alive connections to the apiserver. client-node 2.0.1 builds a
// new undici Agent per request, which would mean one TLS handshake per request; the transport
// sends every request through one pool, which still verifies the apiserver's certificate.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { configMaps, createKubeClient } from '../../../operator/kube/client.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { kubeConfigFrom } from './gadget-operator.ts';

describe('the kube client', () => {
  it('sends 30 sequential requests over at most two TLS connections', async () => {
    const kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
    const client = createKubeClient(kc);
    const port = new URL(kc.getCurrentCluster()!.server).port;
    let connections = 0;
    const onConnected = (message: unknown): void => {
      const { connectParams } = message as { connectParams: { port: string | number } };
      if (String(connectParams.port) === port) connections++;
    };
    subscribe('undici:client:connected', onConnected);
    try {
      for (let i = 0; i < 30; i++) {
        await client.get(configMaps, { namespace: 'default', name: `absent-${i}` });
      }
    } finally {
      unsubscribe('undici:client:connected', onConnected);
    }
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('refuses an apiserver whose certificate the kubeconfig does not trust', async () => {
    const { kubeconfig, runDir } = sharedEnvironment();
    const trusted = kubeConfigFrom(kubeconfig);
    const cluster = trusted.getCurrentCluster()!;
    // A certificate that did not sign the apiserver's (the admin's client certificate).
    const wrongCa = readFileSync(join(runDir, 'pki', 'admin.crt')).toString('base64');
    const distrusting = new KubeConfig();
    distrusting.loadFromOptions({
      clusters: [{ name: cluster.name, server: cluster.server, caData: wrongCa }],
      users: trusted.users,
      contexts: trusted.contexts,
      currentContext: trusted.currentContext,
    });
    const client = createKubeClient(distrusting);
    await expect(client.get(configMaps, { namespace: 'default', name: 'any' })).rejects.toThrow(
      /certificate/i,
    );
    // The same request with the kubeconfig's own CA reaches the apiserver (404: no such map).
    await expect(
      createKubeClient(trusted).get(configMaps, { namespace: 'default', name: 'any' }),
    ).resolves.toBeUndefined();
  });
});
