// The local Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler built from the Kubernetes release's Go modules, on free loopback ports.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, type Child } from './child-process.ts';
import { httpsGet } from './https-probe.ts';
import { createPki, type Pki } from './pki.ts';
import { portFor } from './ports.ts';
import { waitUntil } from './wait-until.ts';

export interface KubeOptions {
  runDir: string;
  binDir: string;
  apiserverPort?: number | undefined;
}

export interface KubeControlPlane {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly pki: Pki;
  /** Stops only kube-apiserver (etcd keeps the data), for outage tests. */
  stopApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  stop(): Promise<void>;
}

interface Ports {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  scheduler: number;
}

function etcdArgs(runDir: string, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcd}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    `--data-dir=${join(runDir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=4294967296',
  ];
}

function apiserverArgs(runDir: string, pki: Pki, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
    `--cert-dir=${join(runDir, 'apiserver')}`,
    '--profiling=false',
  ];
}

function writeKubeconfig(path: string, server: string, pki: Pki): void {
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: syncflow-test',
      `  cluster: { server: '${server}', certificate-authority: '${pki.caCert}' }`,
      'users:',
      '- name: admin',
      `  user: { client-certificate: '${pki.adminCert}', client-key: '${pki.adminKey}' }`,
      'contexts:',
      '- name: syncflow-test',
      '  context: { cluster: syncflow-test, user: admin }',
      'current-context: syncflow-test',
      '',
    ].join('\n'),
  );
}

interface SchedulerStart {
  runDir: string;
  kubeconfigPath: string;
  bin: (name: string) => string;
  log: (name: string) => string;
  port: number;
}

function schedulerArgs(kubeconfigPath: string, port: number, certDir: string): string[] {
  return [
    `--kubeconfig=${kubeconfigPath}`,
    `--authentication-kubeconfig=${kubeconfigPath}`,
    `--authorization-kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
  ];
}

/**
 * Starts the scheduler and waits for its healthz. A free port found at the start can be taken
 * by an outgoing connection's ephemeral port before the scheduler binds it (seen in CI: "bind:
 * address already in use"), so a scheduler that exits early is started again on a new port.
 */
async function startScheduler(options: SchedulerStart): Promise<Child> {
  const certDir = join(options.runDir, 'scheduler');
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 ? options.port : await portFor('kube-scheduler');
    const scheduler = startChild({
      name: 'kube-scheduler',
      command: options.bin('kube-scheduler'),
      args: schedulerArgs(options.kubeconfigPath, port, certDir),
      logFile: options.log('kube-scheduler'),
    });
    try {
      await waitUntil(
        async () =>
          (
            await httpsGet(`https://127.0.0.1:${port}/healthz`, {
              caFile: join(certDir, 'kube-scheduler.crt'),
            })
          ).body === 'ok',
        { what: 'kube-scheduler', timeoutMs: 60_000, child: scheduler },
      );
      return scheduler;
    } catch (err) {
      const exitedEarly = !scheduler.isRunning();
      await scheduler.stop(2_000);
      if (attempt >= 3 || !exitedEarly) throw err;
    }
  }
}

async function allocatePorts(apiserverPort?: number): Promise<Ports> {
  return {
    etcd: await portFor('etcd'),
    etcdPeer: await portFor('etcd peer'),
    apiserver: await portFor('kube-apiserver', apiserverPort),
    scheduler: await portFor('kube-scheduler'),
  };
}

export async function startKube(options: KubeOptions): Promise<KubeControlPlane> {
  const { runDir, binDir } = options;
  const ports = await allocatePorts(options.apiserverPort);
  const pki = await createPki(runDir);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigPath = join(runDir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfigPath, server, pki);
  const admin = { caFile: pki.caCert, certFile: pki.adminCert, keyFile: pki.adminKey };
  const children: Child[] = [];
  const bin = (name: string): string => join(binDir, name);
  const log = (name: string): string => join(runDir, `${name}.log`);

  const etcd = startChild({
    name: 'etcd',
    command: bin('etcd'),
    args: etcdArgs(runDir, ports),
    logFile: log('etcd'),
  });
  children.push(etcd);
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${ports.etcd}/health`)).ok, {
    what: 'etcd',
    timeoutMs: 30_000,
    child: etcd,
  });

  const current: { apiserver?: Child } = {};
  const startApiserver = async (): Promise<void> => {
    mkdirSync(join(runDir, 'apiserver'), { recursive: true });
    const child = startChild({
      name: 'kube-apiserver',
      command: bin('kube-apiserver'),
      args: apiserverArgs(runDir, pki, ports),
      logFile: log('kube-apiserver'),
    });
    current.apiserver = child;
    await waitUntil(async () => (await httpsGet(`${server}/readyz`, admin)).body === 'ok', {
      what: 'kube-apiserver',
      timeoutMs: 60_000,
      child,
    });
  };
  try {
    await startApiserver();
    const kcm = startChild({
      name: 'kube-controller-manager',
      command: bin('kube-controller-manager'),
      args: [
        `--kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        '--kube-api-qps=1000',
        '--kube-api-burst=2000',
        '--concurrent-cron-job-syncs=5',
        // The local node renews its lease from the test's own process, whose event loop a busy
        // 2-core machine can hold for longer than the default 50 s: a node marked NotReady has
        // its pods marked not ready too, and its workloads look unavailable.
        '--node-monitor-grace-period=2m',
      ],
      logFile: log('kube-controller-manager'),
    });
    children.push(kcm);
    // The controller manager is working once it has created the `default` ServiceAccount.
    await waitUntil(
      async () =>
        (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, admin))
          .status === 200,
      { what: 'kube-controller-manager', timeoutMs: 60_000, child: kcm },
    );
    children.push(
      await startScheduler({ runDir, kubeconfigPath, bin, log, port: ports.scheduler }),
    );
  } catch (err) {
    const started = current.apiserver ? [current.apiserver, ...children] : children;
    await Promise.allSettled(started.map((c) => c.stop(2_000)));
    throw err;
  }

  const stopAll = async (): Promise<void> => {
    // Clients first, then the apiserver, then its storage.
    await Promise.allSettled(children.slice(1).map((c) => c.stop()));
    await current.apiserver?.stop();
    await etcd.stop();
  };
  return {
    server,
    kubeconfigPath,
    pki,
    stopApiserver: async () => current.apiserver?.stop(),
    startApiserver,
    stop: stopAll,
  };
}
