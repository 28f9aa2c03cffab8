// The node's table of pods, driven by the pod watch: a worker per pod (by uid) for as long as
// the pod exists; a pod marked for deletion is stopped within its grace period and then removed
// from the API (delete with gracePeriodSeconds 0), as the kubelet does.
import { ApiException, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { graceMs, type PodWorker } from './pod-worker.ts';
import { statusWriterFor, type PodRef, type StatusWriter } from './status-writer.ts';

export interface NodeProcess {
  namespace: string;
  pod: string;
  container: string;
  pid: number;
}

export interface NodePodsOptions {
  core: CoreV1Api;
  createWorker(pod: V1Pod, writer: StatusWriter): PodWorker;
  log(line: string): void;
}

interface Entry {
  pod: V1Pod;
  worker: PodWorker;
  writer: StatusWriter;
}

const refOf = (pod: V1Pod): PodRef => ({
  namespace: pod.metadata?.namespace ?? '',
  name: pod.metadata?.name ?? '',
  uid: pod.metadata?.uid ?? '',
});

const isTerminal = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class NodePods {
  readonly #options: NodePodsOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #removing = new Set<string>();
  #stopped = false;

  constructor(options: NodePodsOptions) {
    this.#options = options;
  }

  changed(pod: V1Pod): void {
    const ref = refOf(pod);
    const { uid } = ref;
    if (this.#stopped || this.#removing.has(uid)) return;
    if (pod.metadata?.deletionTimestamp) {
      void this.#remove(pod);
      return;
    }
    const entry = this.#entries.get(uid);
    if (entry) {
      entry.pod = pod;
      entry.worker.observe(pod);
      entry.writer.reconcile(pod.status);
      return;
    }
    // A pod that ended before this node saw it is history: never run it again.
    if (isTerminal(pod)) return;
    const writer = statusWriterFor(this.#options.core, ref, (line) => this.#options.log(line));
    this.#entries.set(uid, { pod, writer, worker: this.#options.createWorker(pod, writer) });
  }

  deleted(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    this.#removing.delete(uid);
    const entry = this.#entries.get(uid);
    this.#entries.delete(uid);
    void entry?.worker.terminate(0);
  }

  processes(): NodeProcess[] {
    return [...this.#entries.values()].flatMap(({ pod, worker }) => {
      const { namespace, name } = refOf(pod);
      return worker.processes().map((p) => ({ namespace, pod: name, ...p }));
    });
  }

  /** Stops every pod's processes (the node shuts down); pod objects are left as they are. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    const workers = [...this.#entries.values()].map((e) => e.worker);
    this.#entries.clear();
    await Promise.allSettled(workers.map((w) => w.terminate(graceMs)));
  }

  async #remove(pod: V1Pod): Promise<void> {
    const { uid, namespace, name } = refOf(pod);
    this.#removing.add(uid);
    const entry = this.#entries.get(uid);
    await entry?.worker.terminate(graceMs(pod));
    this.#entries.delete(uid);
    if (this.#stopped) return;
    try {
      await this.#options.core.deleteNamespacedPod({
        namespace,
        name,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
    } catch (err) {
      if (err instanceof ApiException && (err.code === 404 || err.code === 409)) return;
      this.#options.log(`pod ${namespace}/${name}: removal failed, retrying: ${String(err)}`);
      this.#removing.delete(uid);
      setTimeout(() => this.changed(pod), 1_000);
    }
  }
}
