// One attempt of a container probe, as the kubelet makes it: httpGet succeeds on a status in
// 200–399 (HTTPS without verifying the certificate), tcpSocket on a connection, exec on exit
// code 0 (the command runs as a local process with the container's env). grpc is not supported.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { localIp } from '../pod-worker.ts';

export interface ProbeTarget {
  container: V1Container;
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** Declared container port → the host port its process listens on (container-launch.ts). */
  hostPorts: ReadonlyMap<number, number>;
}

type Port = number | string | undefined;

function portNumber(port: Port, target: ProbeTarget): number {
  const named = target.container.ports?.find((p) => p.name === port);
  const declared = typeof port === 'number' ? port : (named?.containerPort ?? Number(port));
  return target.hostPorts.get(declared) ?? declared;
}

function httpGet(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const get = probe.httpGet;
  if (!get) return Promise.resolve(false);
  const request = get.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
  return new Promise((resolve) => {
    const req = request(
      {
        host: get.host ?? localIp,
        port: portNumber(get.port, target),
        path: get.path ?? '/',
        headers: { 'User-Agent': 'kube-probe/1.34', ...headers },
        timeout: timeoutMs,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpSocket(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const tcp = probe.tcpSocket;
  if (!tcp) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({
      host: tcp.host ?? localIp,
      port: portNumber(tcp.port, target),
      timeout: timeoutMs,
    });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function exec(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const command = probe.exec?.command ?? [];
  if (command.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(
      'setpriv',
      ['--pdeathsig', 'SIGKILL', '--', ...command],
      { env: target.env, cwd: target.cwd, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err) => resolve(err === null),
    );
  });
}

export function probeOnce(probe: V1Probe, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpGet(probe, target, timeoutMs);
  if (probe.tcpSocket) return tcpSocket(probe, target, timeoutMs);
  if (probe.exec) return exec(probe, target, timeoutMs);
  return Promise.resolve(false);
}
