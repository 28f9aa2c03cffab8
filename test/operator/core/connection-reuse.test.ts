// The operator's requests share keep-alive connections to the apiserver. client-node 2.0.1 builds a
// new undici Agent per request, which would mean one TLS handshake per request; the transport
// reuses the first one.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
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
});
