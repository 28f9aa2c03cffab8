// One Redis client and one Kafka admin client per SyncConnection, shared by every flow that names
// it, rebuilt when the connection's spec changes (at once) or its Secret changes (noticed by
// re-reading it at most every `recheckMs`). TLS verification stays on; a private CA comes from
// the connection's caBundle. The only place the operator builds Redis and Kafka clients: main.ts
// constructs this pool, the pool constructs the clients it is asked for.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { KubeClient } from '../kube/client.ts';
import { credentialsOf, type ConnectionRef, type Credentials } from './connection-credentials.ts';
import { StateReadError } from './state-errors.ts';

export interface ConnectionClientsOptions {
  kube: Pick<KubeClient, 'get'>;
  log: Logger;
  clock: Clock;
  /** How often a client's Secret is read again to notice a rotation. Default: 60,000 ms. */
  recheckMs?: number;
  /** Connect and request deadline of the clients. Default: 5,000 ms. */
  timeoutMs?: number;
  /**
   * After a client could not be built (Secret missing, Redis or Kafka away), asks for it fail at
   * once with the same error for this long, so 1,000 flows on one unreachable connection cost one
   * attempt, not 1,000 Secret reads and connects. Default: 5,000 ms.
   */
  retryAfterFailureMs?: number;
}

interface Entry<T> {
  client?: T;
  specHash: string;
  fingerprint: string;
  checkedAtMs: number;
  pending?: Promise<T>;
  failed?: { error: Error; atMs: number; specHash: string };
}

interface Kind<T> {
  build(ref: ConnectionRef, credentials: Credentials): Promise<T>;
  close(client: T): Promise<void>;
}

const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');
const keyOf = (ref: ConnectionRef): string => `${ref.namespace}/${ref.name}`;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class ConnectionClients {
  readonly #options: Required<ConnectionClientsOptions>;
  readonly #redis = new Map<string, Entry<Redis>>();
  readonly #kafka = new Map<string, Entry<Admin>>();

  constructor(options: ConnectionClientsOptions) {
    this.#options = { recheckMs: 60_000, timeoutMs: 5_000, retryAfterFailureMs: 5_000, ...options };
  }

  /** A connected Redis client of a connection of type redis. */
  redisFor(ref: ConnectionRef): Promise<Redis> {
    return this.#clientFor(this.#redis, ref, {
      build: (r, c) => this.#buildRedis(r, c),
      close: (client) => {
        client.disconnect();
        return Promise.resolve();
      },
    });
  }

  /** A connected Kafka admin client of a connection of type kafka. */
  kafkaAdminFor(ref: ConnectionRef): Promise<Admin> {
    return this.#clientFor(this.#kafka, ref, {
      build: (r, c) => this.#buildKafkaAdmin(r, c),
      close: (admin) => admin.disconnect(),
    });
  }

  /** Closes the clients of connections not in `keep` (`namespace/name`): deleted connections. */
  async retain(keep: ReadonlySet<string>): Promise<void> {
    await Promise.allSettled([
      ...this.#drop(this.#redis, keep, (c) => void c.disconnect()),
      ...this.#drop(this.#kafka, keep, (c) => c.disconnect()),
    ]);
  }

  close(): Promise<void> {
    return this.retain(new Set());
  }

  #drop<T>(
    entries: Map<string, Entry<T>>,
    keep: ReadonlySet<string>,
    close: (client: T) => Promise<void> | void,
  ): Promise<void>[] {
    const closing: Promise<void>[] = [];
    for (const [key, entry] of entries) {
      if (keep.has(key)) continue;
      entries.delete(key);
      if (entry.client) closing.push(Promise.resolve(close(entry.client)));
    }
    return closing;
  }

  async #clientFor<T>(
    entries: Map<string, Entry<T>>,
    ref: ConnectionRef,
    kind: Kind<T>,
  ): Promise<T> {
    const key = keyOf(ref);
    const entry = entries.get(key);
    const specHash = hashOf(ref.spec);
    const now = this.#options.clock.now();
    const reused = entry && this.#reuse(entry, specHash, now);
    if (reused) return reused;
    const next: Entry<T> = entry ?? { specHash, fingerprint: '', checkedAtMs: now };
    next.pending = this.#refresh(next, ref, kind, specHash).finally(() => delete next.pending);
    entries.set(key, next);
    return next.pending;
  }

  /** The client (or the build under way, or the recent failure) when no new build is due. */
  #reuse<T>(entry: Entry<T>, specHash: string, now: number): Promise<T> | undefined {
    if (entry.pending) return entry.pending;
    if (entry.failed && this.#failedRecently(entry.failed, specHash, now))
      return Promise.reject(entry.failed.error);
    const fresh = now - entry.checkedAtMs < this.#options.recheckMs;
    if (entry.client && entry.specHash === specHash && fresh) return Promise.resolve(entry.client);
    return undefined;
  }

  #failedRecently(failed: NonNullable<Entry<unknown>['failed']>, specHash: string, now: number) {
    return failed.specHash === specHash && now - failed.atMs < this.#options.retryAfterFailureMs;
  }

  async #refresh<T>(
    entry: Entry<T>,
    ref: ConnectionRef,
    kind: Kind<T>,
    specHash: string,
  ): Promise<T> {
    try {
      const client = await this.#build(entry, ref, kind, specHash);
      delete entry.failed;
      return client;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      entry.failed = { error: failure, atMs: this.#options.clock.now(), specHash };
      throw failure;
    }
  }

  async #build<T>(
    entry: Entry<T>,
    ref: ConnectionRef,
    kind: Kind<T>,
    specHash: string,
  ): Promise<T> {
    const credentials = await credentialsOf(this.#options.kube, ref);
    entry.checkedAtMs = this.#options.clock.now();
    if (entry.client && entry.fingerprint === credentials.fingerprint) return entry.client;
    const client = await kind.build(ref, credentials);
    const old = entry.client;
    Object.assign(entry, { client, specHash, fingerprint: credentials.fingerprint });
    if (old) {
      this.#options.log.info({ connection: keyOf(ref) }, 'connection changed; client replaced');
      await kind.close(old).catch(() => undefined);
    }
    return client;
  }

  async #buildRedis(ref: ConnectionRef, credentials: Credentials): Promise<Redis> {
    const url = ref.spec.url ?? '';
    const tls = url.startsWith('rediss://') || credentials.ca !== undefined;
    const redis = new Redis(url, {
      ...(credentials.username ? { username: credentials.username } : {}),
      ...(credentials.password ? { password: credentials.password } : {}),
      ...(tls ? { tls: tlsOptionsOf(ref, credentials) } : {}),
      lazyConnect: true,
      connectTimeout: this.#options.timeoutMs,
      commandTimeout: this.#options.timeoutMs,
      // Reads fail at once while Redis is away; the next refresh tries again.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 500, 5_000),
    });
    redis.on('error', (err: unknown) =>
      this.#options.log.debug({ err, connection: keyOf(ref) }, 'redis connection error'),
    );
    try {
      await redis.connect();
      return redis;
    } catch (err) {
      redis.disconnect();
      throw new StateReadError(`connect to Redis of connection ${ref.name}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }

  async #buildKafkaAdmin(ref: ConnectionRef, credentials: Credentials): Promise<Admin> {
    const log = this.#options.log.child({ component: 'kafkajs', connection: keyOf(ref) });
    const kafka = new Kafka({
      clientId: 'syncflow-operator',
      brokers: ref.spec.brokers ?? [],
      ssl: ref.spec.tls ? tlsOptionsOf(ref, credentials) : false,
      ...(credentials.username !== undefined && credentials.password !== undefined
        ? {
            sasl: {
              mechanism: ref.spec.kafka?.saslMechanism ?? 'scram-sha-512',
              username: credentials.username,
              password: credentials.password,
            } as SASLOptions,
          }
        : {}),
      connectionTimeout: this.#options.timeoutMs,
      requestTimeout: this.#options.timeoutMs,
      retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => log.debug({ kafka: entry.log.message }, 'kafkajs'),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      return admin;
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      throw new StateReadError(`connect to Kafka of connection ${ref.name}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }
}

function tlsOptionsOf(
  ref: ConnectionRef,
  credentials: Credentials,
): { rejectUnauthorized: true; ca?: string[]; cert?: string; key?: string; servername?: string } {
  return {
    rejectUnauthorized: true,
    ...(credentials.ca !== undefined ? { ca: [credentials.ca] } : {}),
    ...(credentials.cert !== undefined ? { cert: credentials.cert } : {}),
    ...(credentials.key !== undefined ? { key: credentials.key } : {}),
    ...(ref.spec.tls?.serverName ? { servername: ref.spec.tls.serverName } : {}),
  };
}
