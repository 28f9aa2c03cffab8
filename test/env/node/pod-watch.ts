// Watches the pods bound to the node (field selector spec.nodeName) in every namespace, and
// keeps watching across apiserver restarts: a failed list or watch is retried every second.
import {
  ListWatch,
  Watch,
  type CoreV1Api,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';

export interface PodWatchHandlers {
  changed(pod: V1Pod): void;
  deleted(pod: V1Pod): void;
}

export interface PodWatch {
  stop(): void;
}

const restartAfterMs = 1_000;

export async function watchPods(
  kubeConfig: KubeConfig,
  core: CoreV1Api,
  nodeName: string,
  handlers: PodWatchHandlers,
): Promise<PodWatch> {
  const fieldSelector = `spec.nodeName=${nodeName}`;
  const informer = new ListWatch<V1Pod>(
    '/api/v1/pods',
    new Watch(kubeConfig),
    () => core.listPodForAllNamespaces({ fieldSelector }),
    false,
    undefined,
    fieldSelector,
  );
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  informer.on('add', (pod) => handlers.changed(pod));
  informer.on('update', (pod) => handlers.changed(pod));
  informer.on('delete', (pod) => handlers.deleted(pod));
  informer.on('error', () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void informer.start().catch(() => undefined), restartAfterMs);
  });
  await informer.start();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      void informer.stop();
    },
  };
}
