// A throw-away CA for the local control plane: apiserver serving cert, admin client cert,
// service-account signing key. Generated with the system's openssl, valid for one week.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

const SERVER_SANS = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  'IP:10.0.0.1',
].join(',');

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

async function signedCert(
  dir: string,
  name: string,
  subject: string,
  ext: string[],
): Promise<void> {
  const addext = ext.flatMap((e) => ['-addext', e]);
  await openssl(dir, [
    'req',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
    ...addext,
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '7',
    '-copy_extensions',
    'copy',
    '-out',
    `${name}.crt`,
  ]);
}

export async function createPki(runDir: string): Promise<Pki> {
  const dir = join(runDir, 'pki');
  mkdirSync(dir, { recursive: true });
  await openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '7',
    '-subj',
    '/CN=syncflow-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  await signedCert(dir, 'apiserver', '/CN=kube-apiserver', [
    `subjectAltName=${SERVER_SANS}`,
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
  ]);
  await signedCert(dir, 'admin', '/O=system:masters/CN=admin', [
    'extendedKeyUsage=clientAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
  ]);
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  const at = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: at('ca.crt'),
    caKey: at('ca.key'),
    serverCert: at('apiserver.crt'),
    serverKey: at('apiserver.key'),
    adminCert: at('admin.crt'),
    adminKey: at('admin.key'),
    saKey: at('sa.key'),
    saPub: at('sa.pub'),
  };
}
