// A container's environment as the kubelet builds it: the variables the kubelet itself sets,
// then `envFrom` (ConfigMaps and Secrets, with prefix), then `env` in order, each value with
// `$(VAR)` expanded from what came before.
import type { V1Container, V1EnvFromSource, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { ContainerConfigError } from '../errors.ts';
import { fieldValue } from './field-ref.ts';
import type { References } from './references.ts';
import { expandVars } from './var-expansion.ts';

export interface ContainerEnvInput {
  pod: V1Pod;
  container: V1Container;
  refs: References;
  /** What the kubelet sets before the container's own variables (HOSTNAME, KUBERNETES_*). */
  base: Readonly<Record<string, string>>;
}

const validName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

async function addEnvFrom(
  env: Record<string, string>,
  from: V1EnvFromSource,
  refs: References,
): Promise<void> {
  const source = from.configMapRef
    ? { kind: 'ConfigMap' as const, ref: from.configMapRef }
    : from.secretRef
      ? { kind: 'Secret' as const, ref: from.secretRef }
      : undefined;
  if (!source) return;
  const data = await refs.data(source.kind, source.ref.name ?? '', source.ref.optional ?? false);
  for (const [key, value] of data ?? []) {
    const name = `${from.prefix ?? ''}${key}`;
    // The kubelet skips keys that are not valid variable names (and reports an event).
    if (validName.test(name)) env[name] = value.toString('utf8');
  }
}

async function valueOf(
  variable: V1EnvVar,
  env: Readonly<Record<string, string>>,
  input: ContainerEnvInput,
): Promise<string | undefined> {
  if (variable.value !== undefined) return expandVars(variable.value, env);
  const from = variable.valueFrom;
  if (!from) return '';
  if (from.configMapKeyRef) return input.refs.key('ConfigMap', from.configMapKeyRef);
  if (from.secretKeyRef) return input.refs.key('Secret', from.secretKeyRef);
  if (from.fieldRef) return fieldValue(input.pod, from.fieldRef.fieldPath);
  throw new ContainerConfigError(
    `env ${variable.name}: only value, configMapKeyRef, secretKeyRef and fieldRef are supported on the local node`,
  );
}

export async function containerEnvFor(input: ContainerEnvInput): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...input.base };
  for (const from of input.container.envFrom ?? []) await addEnvFrom(env, from, input.refs);
  for (const variable of input.container.env ?? []) {
    const value = await valueOf(variable, env, input);
    // An optional reference that does not resolve leaves the variable unset, as in Kubernetes.
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}
