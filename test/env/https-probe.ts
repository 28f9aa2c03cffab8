// A health probe over HTTPS that verifies the server against the given CA (TLS verification on).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export interface ProbeTls {
  caFile: string;
  certFile?: string;
  keyFile?: string;
}

export function httpsGet(url: string, tls: ProbeTls): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(tls.caFile),
        ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
        ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
        timeout: 2_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}
