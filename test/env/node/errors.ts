/**
 * A container cannot be configured yet (a missing Secret, ConfigMap or key): the kubelet's
 * `CreateContainerConfigError`. The node retries until the reference resolves.
 */
export class ContainerConfigError extends Error {
  readonly code = 'SF_NODE_CONTAINER_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainerConfigError';
  }
}
