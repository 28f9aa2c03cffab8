// Checks what the local environment needs from the machine, so a missing tool fails with one
// line saying what is missing and how to get it, not with a stack trace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from './errors.ts';

const run = promisify(execFile);

export interface Prerequisite {
  what: string;
  command: string;
  args: string[];
  /** Returns a reason when the installed version is not good enough. */
  check?: (output: string) => string | undefined;
  install: string;
}

function minVersion(pattern: RegExp, min: [number, number], label: string) {
  return (output: string): string | undefined => {
    const m = pattern.exec(output);
    if (!m) return `could not read the ${label} version`;
    const [major, minor] = [Number(m[1]), Number(m[2] ?? 0)];
    const ok = major > min[0] || (major === min[0] && minor >= min[1]);
    return ok ? undefined : `${label} ${major}.${minor} is older than ${min.join('.')}`;
  };
}

export const prerequisites = {
  java: {
    what: 'Java 17+ (runs the Kafka broker)',
    command: 'java',
    args: ['-version'],
    check: minVersion(/version "(\d+)(?:\.(\d+))?/, [17, 0], 'Java'),
    install: 'apt-get install -y openjdk-17-jre-headless',
  },
  go: {
    what: 'Go 1.24+ (builds kube-apiserver, etcd, the controller manager and scheduler once)',
    command: 'go',
    args: ['version'],
    check: minVersion(/go(\d+)\.(\d+)/, [1, 24], 'Go'),
    install: 'install Go 1.24 or newer from the Go toolchain and put it on PATH',
  },
  maven: {
    what: 'Maven (fetches the Kafka jars from Maven Central once)',
    command: 'mvn',
    args: ['-v'],
    install: 'apt-get install -y maven',
  },
  redis: {
    what: 'redis-server',
    command: 'redis-server',
    args: ['--version'],
    install: 'apt-get install -y redis-server',
  },
  openssl: {
    what: 'openssl (creates the test CA)',
    command: 'openssl',
    args: ['version'],
    install: 'apt-get install -y openssl',
  },
  setpriv: {
    what: 'setpriv (stops every component when its parent dies)',
    command: 'setpriv',
    args: ['--version'],
    install: 'apt-get install -y util-linux',
  },
} satisfies Record<string, Prerequisite>;

/** Resolves when the tool is there and recent enough; otherwise rejects with one clear line. */
export async function requirePrerequisite(p: Prerequisite): Promise<void> {
  let output: string;
  try {
    const { stdout, stderr } = await run(p.command, p.args);
    output = `${stdout}${stderr}`;
  } catch {
    throw new EnvironmentError(`missing prerequisite: ${p.what} — ${p.install}`);
  }
  const problem = p.check?.(output);
  if (problem) throw new EnvironmentError(`prerequisite too old: ${problem} — ${p.install}`);
}
