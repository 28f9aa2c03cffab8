// `runtime replay`: wiring only — a one-off run beside the live flow, started by the operator's
// Job for a SyncFlowReplay. Event flows re-read the log (or the dead-letter topic) in a consumer
// group of their own between the ranges recorded at the start (replay-kafka.ts); poll flows
// re-read from `from` with a cursor of their own; batch flows re-import the exports archived
// since `from` (replay-batch.ts). The gate is the flow's (`fillGaps` = normal
// mode, `reapply` = reapply mode), with its own lease token, so the live flow and the replay
// never interleave on one key, and its figures land in the replay's progress hash, not in the
// live flow's heartbeat. Resolves with the outcome; a finished replay is never run twice.
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { Gate, stateKeysFor } from '../gate/gate.ts';
import type { PipelineDeps } from '../pipeline/pipeline.ts';
import { baseSettingsFor, settingsFor, type FileAccess } from '../settings.ts';
import { KafkaDeadLetter } from '../sinks/dead-letter.ts';
import { sinkFor } from '../sinks/sink-for.ts';
import { DeltaSource } from '../sources/delta-source.ts';
import { pollSourceFor } from '../sources/delta-readers.ts';
import { RedisCursor } from '../state/cursor.ts';
import { RejectedRows } from '../state/rejected-rows.ts';
import type { BatchArchive } from './batch-archive.ts';
import { ReplayProgress, replayProgressKeyFor } from './replay-progress.ts';
import { runBatchReplay } from './replay-batch.ts';
import { runKafkaReplay } from './replay-kafka.ts';
import { drain, type GateSettings } from './run.ts';

export { replayRefusedExitCode } from './replay-progress.ts';

export interface ReplayRequest {
  /** `{replay name}.{spec hash}`: names the progress hash and the consumer group. */
  id: string;
  fromIso: string;
  source: 'log' | 'deadLetter';
}

export interface ReplayDeps {
  config: FlowConfig;
  files: FileAccess;
  redis: Redis;
  kafkaFor: (settings: ReturnType<typeof settingsFor>) => Kafka;
  log: Logger;
  signal: AbortSignal;
  gate: GateSettings;
  replay: ReplayRequest;
  nowMs: () => number;
  /** Batch flows: `spec.archive`, where the runs archived their exports. */
  archive?: BatchArchive | undefined;
}

export type ReplayOutcome =
  | { phase: 'Completed'; message: string }
  | { phase: 'Failed'; message: string; refused: boolean }
  | { phase: 'Stopped' };

type BasePipeline = Omit<PipelineDeps, 'checkpoint' | 'deadLetter'> & {
  close: () => Promise<void>;
};

function pipelineOf(deps: ReplayDeps, progress: ReplayProgress): BasePipeline {
  const settings = baseSettingsFor(deps.config, deps.files);
  const stateKeys = stateKeysFor(settings.identity, settings.sink);
  // Figures and heartbeat fields go to the replay's hash: the live flow's lag stays its own.
  // A redrive retries what the live flow refused: the live flow's refusals must not drop it, so
  // it remembers its own (and still dead-letters each of them once).
  const keys = {
    ...stateKeys,
    heartbeat: progress.key,
    ...(deps.replay.source === 'deadLetter' ? { refused: `${progress.key}:refused` } : {}),
  };
  const sink = sinkFor(settings, deps.redis);
  return {
    flow: settings.flow,
    gate: new Gate(deps.redis, {
      keys,
      leaseToken: `${stateKeys.flow}#replay:${deps.replay.id}`,
      ...deps.gate,
      nowMs: deps.nowMs,
    }),
    sink,
    log: deps.log,
    nowMs: deps.nowMs,
    signal: deps.signal,
    retry: { initialBackoffMs: 200, maxBackoffMs: 5000 },
    busyWaitMs: 200,
    close: () => sink.close(),
  };
}

async function replayLog(deps: ReplayDeps, progress: ReplayProgress): Promise<ReplayOutcome> {
  const settings = settingsFor(deps.config, deps.files);
  const kafka = deps.kafkaFor(settings);
  const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 10 } });
  await producer.connect();
  const { close, ...base } = pipelineOf(deps, progress);
  const deadLetter = new KafkaDeadLetter({
    producer,
    topic: settings.kafka.deadLetterTopic,
    flow: `${settings.identity.namespace}/${settings.identity.name}`,
    nowMs: deps.nowMs,
  });
  try {
    const result = await runKafkaReplay({
      settings,
      kafka,
      log: deps.log,
      signal: deps.signal,
      replay: { ...deps.replay, fromMs: Date.parse(deps.replay.fromIso) },
      progress,
      pipeline: { ...base, deadLetter },
    });
    if (result === undefined) return { phase: 'Stopped' };
    if ('refused' in result) return { phase: 'Failed', message: result.refused, refused: true };
    return { phase: 'Completed', message: result.completed };
  } finally {
    await Promise.allSettled([producer.disconnect(), close()]);
  }
}

async function replayPoll(deps: ReplayDeps, progress: ReplayProgress): Promise<ReplayOutcome> {
  const poll = pollSourceFor(deps.config, deps.files);
  const cursor = new RedisCursor(deps.redis, `${progress.key}:cursor`, deps.nowMs);
  const reached = await cursor.read();
  const fromMs = Date.parse(deps.replay.fromIso);
  const sinceMs = reached ? reached.modifiedMs - poll.overlapMs : fromMs;
  const source = new DeltaSource({
    reader: poll.reader,
    start: { sinceMs },
    pageSize: poll.pageSize,
  });
  const { close, ...base } = pipelineOf(deps, progress);
  const report = new RejectedRows(deps.redis, `${progress.key}:rejected`, deps.log);
  await progress.start({ from: deps.replay.fromIso, reader: poll.reader.name });
  try {
    const totals = await drain(source, { ...base, deadLetter: report, checkpoint: cursor });
    if (deps.signal.aborted) return { phase: 'Stopped' };
    const after = await cursor.read();
    if (after) await progress.set({ cursor: new Date(after.modifiedMs).toISOString() });
    return {
      phase: 'Completed',
      message: `re-read ${totals.records} records of ${poll.reader.name} changed since ${deps.replay.fromIso}`,
    };
  } finally {
    await Promise.allSettled([close(), poll.client.close()]);
  }
}

async function replayBatch(deps: ReplayDeps, progress: ReplayProgress): Promise<ReplayOutcome> {
  const { close, ...base } = pipelineOf(deps, progress);
  try {
    const result = await runBatchReplay({
      config: deps.config,
      settings: baseSettingsFor(deps.config, deps.files),
      redis: deps.redis,
      log: deps.log,
      archive: deps.archive,
      from: { ms: Date.parse(deps.replay.fromIso), iso: deps.replay.fromIso },
      progress,
      pipeline: base,
    });
    if (result === undefined) return { phase: 'Stopped' };
    if ('refused' in result) return { phase: 'Failed', message: result.refused, refused: true };
    return { phase: 'Completed', message: result.completed };
  } finally {
    await close();
  }
}

function refusalOf(deps: ReplayDeps): string | undefined {
  const { mode } = deps.config.plan;
  if (deps.replay.source === 'deadLetter' && mode !== 'consume')
    return `source deadLetter redrives the dead-letter topic of an event flow; this flow runs in ${mode} mode, whose rejected rows are in its run records: use source log`;
  return undefined;
}

const replayOf = {
  consume: replayLog,
  poll: replayPoll,
  batch: replayBatch,
} as const;

/** Runs the replay once; a replay already completed or refused is not run again. */
export async function runReplay(deps: ReplayDeps): Promise<ReplayOutcome> {
  const identity = {
    instanceId: deps.config.instanceId,
    namespace: deps.config.flow.namespace,
    name: deps.config.flow.name,
  };
  const progress = new ReplayProgress(
    deps.redis,
    replayProgressKeyFor(identity, deps.replay.id),
    deps.nowMs,
  );
  const log = deps.log.child({ replay: deps.replay.id, source: deps.replay.source });
  const before = await progress.read();
  if (before.phase === 'Completed') {
    log.info('replay already completed: not running it again');
    return { phase: 'Completed', message: 'already completed' };
  }
  const refusal = before.phase === 'Failed' ? 'refused before' : refusalOf(deps);
  const outcome: ReplayOutcome =
    refusal !== undefined
      ? { phase: 'Failed', message: refusal, refused: true }
      : await replayOf[deps.config.plan.mode]({ ...deps, log }, progress);
  if (outcome.phase !== 'Stopped' && before.phase !== 'Failed')
    await progress.finish(outcome.phase, outcome.message);
  log.info({ outcome }, 'replay finished');
  return outcome;
}
