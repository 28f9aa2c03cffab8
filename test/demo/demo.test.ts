// `npm run demo` as a user runs it, on its own local components: at speed 60 for a short
// duration, with a runtime process SIGKILLed every 20 s, it exits 0 with zero drift, and SIGINT
// stops it leaving no process behind. It runs all ten flows of examples/acme-distributor/.
import { CoreV1Api } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleFlowNames } from '../../demo/flows.ts';
import { kubeConfigFrom, repositoryRoot } from '../api/api-server.ts';
import { startEnvironment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';

function startDemo(args: string[]) {
  const child = spawn(process.execPath, ['demo/main.ts', ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Every process below `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parents)
      if (parent === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const flows = exampleFlowNames();

describe('npm run demo', () => {
  // With --chaos, which is the harder claim: a clean run of the same flows is what chaos adds to.
  it('exits 0 with all ten flows within budget and zero drift at speed 60, a runtime SIGKILLed every 20 s', async () => {
    const demo = startDemo(['--speed', '60', '--duration', '60', '--chaos']);
    const code = await demo.exited;
    const output = demo.output();
    expect(flows).toHaveLength(10);
    expect(output).toMatch(/^chaos: SIGKILLed the runtime of pod /m);
    expect(output).toMatch(/^final convergence: \d{5,} entities, 0 drifted$/m);
    for (const flow of flows) expect(output).toMatch(new RegExp(`^ok {3}${flow}( |$)`, 'm'));
    expect(code, output.slice(-3000)).toBe(0);
  }, 600_000);

  it('runs on the cluster --kubeconfig names (here one with a run-mode node) and removes its namespace after', async () => {
    const cluster = await startEnvironment({ kube: true, node: 'run' });
    try {
      const kubeconfig = cluster.kubeconfig ?? '';
      const demo = startDemo([
        ...['--kubeconfig', kubeconfig, '--speed', '60', '--duration', '30'],
        ...['--flows', 'credit'],
      ]);
      const code = await demo.exited;
      const output = demo.output();
      expect(output).not.toContain('starting the control plane');
      expect(output).toMatch(/^ok {3}credit /m);
      expect(code, output.slice(-3000)).toBe(0);
      const core = kubeConfigFrom(kubeconfig).makeApiClient(CoreV1Api);
      await eventually(async () => {
        const namespaces = await core.listNamespace();
        const left = namespaces.items.filter(
          (n) => n.metadata?.name?.startsWith('acme-demo-') && !n.metadata.deletionTimestamp,
        );
        expect(left).toEqual([]);
      });
    } finally {
      await cluster.stop();
    }
  }, 300_000);

  it('stops everything on SIGINT and leaves no process behind', async () => {
    const demo = startDemo(['--speed', '60', '--flows', 'inventory-slow']);
    await eventually(() => expect(demo.output()).toMatch(/ready in \d+s/), { timeoutMs: 120_000 });
    const pids = descendantsOf(demo.child.pid ?? -1);
    expect(pids.length).toBeGreaterThan(3); // etcd, apiserver, KCM, scheduler, Kafka, Redis, operator…
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(130);
    expect(demo.output()).toContain('stopped: no process of the demo is left');
    expect(pids.filter(isAlive)).toEqual([]);
  }, 170_000);
});
