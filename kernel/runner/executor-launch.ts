/**
 * How the kernel starts its TypeScript executor child so that it never
 * outlives the kernel: through sockbook-launch (native/c/sockbook-launch.c),
 * which sets PR_SET_PDEATHSIG to SIGKILL before it executes Node. A signal
 * from the kernel (the OS, in fact) is the one thing that ends a process
 * spinning in a synchronous loop, whose event loop never sees its IPC channel
 * close. The executor joins the kernel's cgroups itself, while it loads its
 * modules (a cgroup v1 write can wait 20 ms for an RCU grace period), and
 * runs no cell before it has: the cgroups let shutdown and the reaper end
 * what it started.
 */
import * as fs from 'node:fs';
import { nativeArtifact } from '../paths';
import { enterIsolation, isolationStatus, type LaunchCommand } from './isolation';
import { EXECUTOR_GROUPS_ENV } from './executor-groups';
import { executorGroupFiles, guardEnvironment } from './process-guard';

/** The command that starts the executor's Node (file with args) inside the kernel's guard and namespaces. */
export function executorLaunch(file: string, args: string[]): LaunchCommand {
  const inner = enterIsolation(file, args);
  const launcher = nativeArtifact('sockbook-launch');
  if (!fs.existsSync(launcher)) return inner;
  return { file: launcher, args: [String(process.pid), '--', inner.file, ...inner.args] };
}

/** The kernel's pid, for the executor's pictures of the kernel's processes. */
export const KERNEL_PID_ENV = 'SOCKBOOK_KERNEL_PID';
/** `net` when the kernel's commands have a network namespace of their own (what %packets needs). */
export const NET_ISOLATED_ENV = 'SOCKBOOK_NET_ISOLATED';

/** What the executor child must know of the kernel's guard, and the cgroups it joins. */
export function executorEnvironment(): Record<string, string> {
  return {
    ...guardEnvironment(),
    [EXECUTOR_GROUPS_ENV]: JSON.stringify(executorGroupFiles()),
    [KERNEL_PID_ENV]: String(process.pid),
    [NET_ISOLATED_ENV]: isolationStatus()?.active.includes('net') ? '1' : '0',
  };
}
