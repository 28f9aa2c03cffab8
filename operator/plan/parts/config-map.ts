// ConfigMap: the flow's resolved configuration (FlowConfig) as flow.json — spec, plan and the
// connections it names, without secrets: a connection with credentials or TLS material only gets
// the directory its Secret keys are mounted in.
import type { SyncConnectionSpec } from '../../../crds/connection.ts';
import {
  connectionNamesOf,
  flowConfigKey,
  flowConfigVersion,
  secretDirFor,
  type FlowConfig,
} from '../../../crds/flow-config.ts';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

/** Whether the pods need files for this connection (credentials, CA bundle, client certificate). */
export function hasSecretFiles(connection: SyncConnectionSpec): boolean {
  const tls = connection.tls;
  return (
    connection.auth !== undefined ||
    tls?.caBundle !== undefined ||
    tls?.clientCertificate !== undefined
  );
}

export function flowConfigFor(ctx: Readonly<PlanContext>): FlowConfig {
  const { decision } = ctx;
  const connections: FlowConfig['connections'] = {};
  for (const name of connectionNamesOf(ctx.spec)) {
    const spec = ctx.connections[name];
    if (spec === undefined) continue;
    connections[name] = hasSecretFiles(spec) ? { spec, secretDir: secretDirFor(name) } : { spec };
  }
  return {
    configVersion: flowConfigVersion,
    instanceId: ctx.settings.instanceId,
    flow: { ...ctx.flow, spec: ctx.spec },
    plan: {
      pattern: decision.pattern,
      mode: decision.mode,
      ...(decision.schedule === undefined ? {} : { schedule: decision.schedule }),
      ...(decision.pollIntervalSeconds === undefined
        ? {}
        : { pollIntervalSeconds: decision.pollIntervalSeconds }),
      maxLagSeconds: decision.maxLagSeconds,
    },
    connections,
  };
}

export function configMap(ctx: Readonly<PlanContext>, draft: Draft): void {
  draft.add('config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: ctx.names.configMap, namespace: ctx.flow.namespace },
    data: { [flowConfigKey]: `${JSON.stringify(flowConfigFor(ctx), null, 2)}\n` },
  });
}
