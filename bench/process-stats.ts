// What the operator bench reads of processes from /proc: CPU seconds, resident memory, and the
// control plane's CPU (to start each phase from a quiet control plane and to report its work).
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of a process so far. */
export function cpuSecondsOf(pid: number | string): number {
  // utime + stime in clock ticks (100 per second on Linux)
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

export const controlPlaneProcesses = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
export type ControlPlaneCpu = Record<(typeof controlPlaneProcesses)[number], number>;

/** CPU seconds so far of each control plane process (etcd, apiserver, controller manager). */
export function controlPlaneCpuSeconds(runDir: string): ControlPlaneCpu {
  const cpu: ControlPlaneCpu = { etcd: 0, 'kube-apiserver': 0, 'kube-controller-manager': 0 };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const name = controlPlaneProcesses.find((n) => cmdline.includes(`/${n}\0`));
      if (name && cmdline.includes(runDir)) cpu[name] += cpuSecondsOf(pid);
    } catch {
      // gone meanwhile
    }
  }
  return cpu;
}

/** What each control plane process spent between two readings. */
export function cpuSpent(before: ControlPlaneCpu, after: ControlPlaneCpu): ControlPlaneCpu {
  return {
    etcd: after.etcd - before.etcd,
    'kube-apiserver': after['kube-apiserver'] - before['kube-apiserver'],
    'kube-controller-manager': after['kube-controller-manager'] - before['kube-controller-manager'],
  };
}

export const totalOf = (cpu: ControlPlaneCpu): number =>
  cpu.etcd + cpu['kube-apiserver'] + cpu['kube-controller-manager'];

/**
 * Waits until the control plane is quiet (under a tenth of a core over 2 s, at most 90 s), so a
 * phase does not pay for the controller manager's tail of work on the previous phase's objects
 * (its garbage collector and CronJob controller take in thousands of new objects).
 */
export async function controlPlaneQuiet(controlPlaneCpu: () => ControlPlaneCpu): Promise<void> {
  const deadline = performance.now() + 90_000;
  for (let before = totalOf(controlPlaneCpu()); performance.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = totalOf(controlPlaneCpu());
    if (now - before < 0.2) return;
    before = now;
  }
}

/** Resident set size of a process now (VmRSS), in kB. */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+([0-9]+) kB/.exec(status)?.[1] ?? 0);
}
