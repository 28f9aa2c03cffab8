// What a runtime pod finds on its file system, written under a fresh folder for a runtime child
// process: the flow document at /etc/syncflow/flow.json (the ConfigMap's mount) and each
// connection's Secret files (their mounts); and the Commerce connection most tests use.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretDirFor } from '../../crds/flow-config.ts';

/**
 * A fresh root holding `document` and, per connection name, its Secret's files (key → value);
 * a string stands for a `token` key ending in a newline, as a bearer-token Secret is mounted.
 */
export function writePodRoot(
  prefix: string,
  document: unknown,
  secrets: Record<string, string | Record<string, string>>,
): string {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  mkdirSync(join(root, 'etc/syncflow'), { recursive: true });
  writeFileSync(join(root, 'etc/syncflow/flow.json'), JSON.stringify(document, null, 2));
  for (const [connection, files] of Object.entries(secrets)) {
    const dir = join(root, secretDirFor(connection));
    mkdirSync(dir, { recursive: true });
    const entries = typeof files === 'string' ? { token: `${files}\n` } : files;
    for (const [key, value] of Object.entries(entries)) writeFileSync(join(dir, key), value);
  }
  return root;
}

/**
 * The `commerce` connection of a flow document: the double at `url`, token from its Secret,
 * `maxInFlight` requests at once (null: the connection's default).
 */
export function commerceConnection(
  url: string,
  maxInFlight: number | null | undefined = 8,
): Record<string, unknown> {
  return {
    spec: {
      type: 'commerce',
      url,
      auth: { bearer: { secretRef: { name: 'commerce-token' } } },
      ...(maxInFlight === null ? {} : { concurrency: { maxInFlight } }),
      commerce: { storeCode: 'all' },
    },
    secretDir: secretDirFor('commerce'),
  };
}
