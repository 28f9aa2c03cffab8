// The consumer is SIGKILLed at random points while 50,000 events flow — also right between the
// sink's write and the gate's record (SYNCFLOW_FAULT_AFTER_SINK) — and restarted each time: in
// the end Commerce holds exactly the newest state of every SKU, nothing lost, nothing rolled back.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  bearerToken,
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
  writeFlowRoot,
  type FlowFixtureOptions,
  type InventoryEvent,
} from './runtime-fixture.ts';

const env = sharedEnvironment();
const kafka = kafkaFor(env.kafkaBrokers);
let commerce: CommerceDouble;
const spawned: ReturnType<typeof spawnRuntime>[] = [];

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken });
});
afterAll(async () => {
  // A failed assertion must not leave a consumer running.
  for (const runtime of spawned)
    if (runtime.child.exitCode === null && runtime.child.signalCode === null)
      runtime.child.kill('SIGKILL');
  await commerce.close();
});

describe('runtime consume under SIGKILL', () => {
  it(
    'converges to the newest state of 2,000 SKUs after 50,000 events and repeated kills',
    { timeout: 600_000 },
    async () => {
      const topic = uniqueName('crash');
      const options: FlowFixtureOptions = {
        instanceId: uniqueName('i'),
        name: uniqueName('flow'),
        flow: 'inventory',
        topic,
        deadLetterTopic: `${topic}.dlq`,
        kafkaBrokers: env.kafkaBrokers,
        redisUrl: env.redisUrl,
        commerceUrl: commerce.url,
        batchSize: 50,
      };
      await createTopics(kafka, [
        { topic, partitions: 3 },
        { topic: options.deadLetterTopic, partitions: 1 },
      ]);
      const prefix = uniqueName('K');
      const skus = 2000;
      const events: InventoryEvent[] = Array.from({ length: 50_000 }, (_, i) => ({
        id: `k${i}`,
        sku: `${prefix}-${i % skus}`,
        onHand: i,
        seq: i + 1,
      }));
      const expected = new Map<string, number>();
      for (const e of events) expected.set(e.sku, e.onHand);
      const root = writeFlowRoot(options);
      // Events keep arriving while the consumer dies and restarts.
      let produced = false;
      const producing = (async () => {
        const messages = events.map(inventoryMessage);
        for (let i = 0; i < messages.length; i += 500) {
          await produce(kafka, topic, messages.slice(i, i + 500));
          await new Promise((r) => setTimeout(r, 300));
        }
        produced = true;
      })();

      const redis = new Redis(env.redisUrl);
      const heartbeat = `sf:${options.instanceId}:shop/${options.name}:heartbeat`;
      const testEnv = { SYNCFLOW_KAFKA_SESSION_TIMEOUT_MS: '6000' };
      let killsBetweenSinkAndRecord = 0;
      let kills = 0;
      for (let round = 0; round < 6 && !produced; round++) {
        const batchesBefore = Number((await redis.hget(heartbeat, 'batches')) ?? 0);
        const faulty = round % 2 === 0;
        const runtime = spawnRuntime(
          root,
          faulty ? { ...testEnv, SYNCFLOW_FAULT_AFTER_SINK: '0.3' } : testEnv,
        );
        spawned.push(runtime);
        const exited = runtime.exited.then(() => 'exited' as const);
        // Kill only once the consumer is working: at a random moment, or let the fault point
        // kill it between the sink's write and the gate's record.
        await eventually(
          async () =>
            expect(
              runtime.child.exitCode !== null ||
                runtime.child.signalCode !== null ||
                produced ||
                Number((await redis.hget(heartbeat, 'batches')) ?? 0) > batchesBefore,
            ).toBe(true),
          { timeoutMs: 90_000 },
        );
        const waitMs = faulty ? 20_000 : Math.floor(Math.random() * 1500);
        const outcome = await Promise.race([
          exited,
          new Promise<'alive'>((r) => setTimeout(() => r('alive'), waitMs)),
        ]);
        if (outcome === 'alive') runtime.child.kill('SIGKILL');
        expect((await runtime.exited).signal).toBe('SIGKILL');
        kills += 1;
        if (outcome === 'exited') killsBetweenSinkAndRecord += 1;
      }
      await producing;
      const final = spawnRuntime(root, testEnv);
      spawned.push(final);
      // The killed consumers may have applied everything already; the stop asserted below is
      // the graceful one of a running consumer, not a SIGTERM while Node still loads the runtime.
      await eventually(() => expect(final.output.join('')).toContain('"msg":"consuming"'), {
        timeoutMs: 90_000,
      });
      const convergence = await eventually(
        () => {
          for (const [sku, quantity] of expected)
            expect(commerce.state.sourceItem(sku, 'wh1')?.quantity, sku).toBe(quantity);
        },
        { timeoutMs: 180_000, intervalMs: 1000 },
      ).then(
        () => 'converged',
        (err: unknown) => err,
      );
      // Stop first, then report the convergence failure itself rather than the exit status.
      const stopped = await stopRuntime(final);
      expect(convergence).toBe('converged');
      expect(stopped).toEqual({ code: 0, signal: null });
      const versions = await redis.hgetall(`sf:${options.instanceId}:v:commerce:sourceItem`);
      redis.disconnect();
      for (let s = 0; s < skus; s++)
        expect(Number(versions[`${prefix}-${s}|wh1`])).toBe(50_000 - skus + s + 1);
      expect(kills).toBeGreaterThanOrEqual(4);
      expect(killsBetweenSinkAndRecord).toBeGreaterThan(0);
      expect(commerce.violations).toEqual([]);
    },
  );
});
