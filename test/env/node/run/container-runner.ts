// One container of a running pod, from first start to its end, as the kubelet runs it: launch
// (retrying CreateContainerConfigError), run the process under `setpriv --pdeathsig SIGKILL`,
// probe it (startup, readiness, liveness), record how it exited, and restart it per
// restartPolicy with the crash-loop back-off.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, type Child } from '../../child-process.ts';
import { ContainerConfigError } from '../errors.ts';
import { logFileFor } from '../pod-logs.ts';
import type { ContainerRecord, RestartPolicy, Terminated } from '../pod-status.ts';
import { graceMs } from '../pod-worker.ts';
import { launchFor, type LaunchInput, type LaunchSpec } from './container-launch.ts';
import { startProber, type Prober } from './prober.ts';
import {
  isStreakReset,
  restartDelayMs,
  shouldRestart,
  type RestartBackoff,
} from './restart-backoff.ts';

export interface ContainerRunnerOptions extends Omit<LaunchInput, 'pod'> {
  pod(): V1Pod;
  restartPolicy: RestartPolicy;
  backoff: RestartBackoff;
  configRetryMs: number;
  onChange(): void;
  onProcess(pid: number): void;
  log(line: string): void;
}

export interface ContainerRunner {
  record(): ContainerRecord;
  pid(): number | undefined;
  /** Stops the process (SIGTERM, SIGKILL after graceMs) and every restart. Idempotent. */
  stop(graceMs: number): Promise<void>;
}

function terminatedFor(code: number | string, startedAtMs: number): Terminated {
  const signal = typeof code === 'string' ? constants.signals[code as NodeJS.Signals] : undefined;
  const exitCode = typeof code === 'number' ? code : 128 + (signal ?? 0);
  return {
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    ...(signal === undefined ? {} : { signal }),
    startedAtMs,
    finishedAtMs: Date.now(),
  };
}

export function startContainer(options: ContainerRunnerOptions): ContainerRunner {
  return new ContainerRun(options);
}

class ContainerRun implements ContainerRunner {
  readonly #options: ContainerRunnerOptions;
  readonly #container: V1Container;
  readonly #record: ContainerRecord;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  #child: Child | undefined;
  #probers: Prober[] = [];
  #starts = 0;

  constructor(options: ContainerRunnerOptions) {
    this.#options = options;
    this.#container = options.container;
    this.#record = {
      name: options.container.name,
      image: options.container.image ?? '',
      state: { waiting: { reason: 'ContainerCreating' } },
      ready: false,
      started: false,
      restartCount: 0,
    };
    this.#done = this.#loop().catch((err: unknown) =>
      options.log(`container ${options.container.name}: ${String(err)}`),
    );
  }

  record(): ContainerRecord {
    return { ...this.#record };
  }

  pid(): number | undefined {
    return this.#child?.isRunning() ? this.#child.pid : undefined;
  }

  async stop(graceMs: number): Promise<void> {
    this.#abort.abort();
    this.#stopProbers();
    await this.#child?.stop(graceMs);
    await this.#done;
  }

  #set(change: Partial<ContainerRecord>): void {
    Object.assign(this.#record, change);
    this.#options.onChange();
  }

  #pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }

  #stopProbers(): void {
    for (const p of this.#probers) p.stop();
    this.#probers = [];
  }

  async #loop(): Promise<void> {
    let crashes = 0;
    while (!this.#abort.signal.aborted) {
      const spec = await this.#prepare();
      if (spec === 'never' || this.#abort.signal.aborted) return;
      if (!spec) {
        await this.#pause(this.#options.configRetryMs);
        continue;
      }
      const ended = await this.#runOnce(spec);
      if (this.#abort.signal.aborted) return;
      if (!shouldRestart(this.#options.restartPolicy, ended.exitCode)) return;
      const ranMs = ended.finishedAtMs - ended.startedAtMs;
      crashes = isStreakReset(ranMs, this.#options.backoff) ? 1 : crashes + 1;
      await this.#backOff(ended, restartDelayMs(crashes, this.#options.backoff));
    }
  }

  /** The launch spec, or undefined after a retryable failure, or 'never' if it cannot run. */
  async #prepare(): Promise<LaunchSpec | 'never' | undefined> {
    try {
      const result = await launchFor({ ...this.#options, pod: this.#options.pod() });
      if ('launch' in result) return result.launch;
      this.#set({
        state: { waiting: { reason: 'CreateContainerError', message: result.cannotRun } },
      });
      return 'never';
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) {
        this.#options.log(
          `container ${this.#container.name}: launch failed, retrying: ${String(err)}`,
        );
        return undefined;
      }
      this.#set({
        state: { waiting: { reason: 'CreateContainerConfigError', message: err.message } },
      });
      return undefined;
    }
  }

  async #runOnce(spec: LaunchSpec): Promise<Terminated> {
    const { podDir } = this.#options;
    const name = this.#container.name;
    const logFile = logFileFor(podDir, name);
    mkdirSync(dirname(logFile), { recursive: true });
    const { command, args, cwd, env } = spec;
    const child = startChild({ name, command, args, logFile, cwd, env });
    this.#child = child;
    this.#options.onProcess(child.pid);
    const startedAtMs = Date.now();
    const restartCount = this.#starts++;
    this.#set({ state: { running: { startedAtMs } }, restartCount, ready: false, started: false });
    this.#probe(spec, child);
    const code = await child.exited;
    this.#stopProbers();
    const terminated = terminatedFor(code, startedAtMs);
    this.#set({ state: { terminated }, ready: false, started: false });
    return terminated;
  }

  async #backOff(ended: Terminated, delayMs: number): Promise<void> {
    this.#set({ lastTerminated: ended });
    if (delayMs === 0) return;
    const { name = '', namespace = '', uid = '' } = this.#options.pod().metadata ?? {};
    const seconds = Math.round(delayMs / 1000);
    const message = `back-off ${seconds}s restarting failed container=${this.#container.name} pod=${name}_${namespace}(${uid})`;
    this.#set({ state: { waiting: { reason: 'CrashLoopBackOff', message } } });
    await this.#pause(delayMs);
  }

  #probe(spec: LaunchSpec, child: Child): void {
    const target = {
      container: this.#container,
      env: spec.containerEnv,
      cwd: spec.cwd,
      hostPorts: spec.hostPorts,
    };
    const { readinessProbe, livenessProbe, startupProbe } = this.#container;
    const afterStart = (): void => {
      this.#set({ started: true, ready: !readinessProbe });
      if (readinessProbe) {
        const onResult = (ready: boolean): void => this.#set({ ready });
        this.#probers.push(
          startProber({ probe: readinessProbe, target, initial: false, onResult }),
        );
      }
      if (livenessProbe) {
        const onResult = (alive: boolean): void => {
          if (!alive) void child.stop(graceMs(this.#options.pod()));
        };
        this.#probers.push(startProber({ probe: livenessProbe, target, initial: true, onResult }));
      }
    };
    if (!startupProbe) return afterStart();
    const onResult = (started: boolean): void => {
      if (started && !this.#record.started) afterStart();
    };
    this.#probers.push(startProber({ probe: startupProbe, target, initial: false, onResult }));
  }
}
