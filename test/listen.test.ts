import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeArtifact, projectRoot } from '../kernel/paths';
import { descendantPids } from './support/pids';
import { useKernelPerTest } from './support/kernel-fixture';

/*
 * sockbook-listen, the first program of the installed kernelspec: the
 * kernel's ports accept connections before Node has started, and no process
 * the kernel starts keeps those listening sockets.
 */

const listen = nativeArtifact('sockbook-listen');
const sockbook = path.join(projectRoot, 'bin', 'sockbook.js');

/** The inodes of the sockets listening on these TCP ports (from /proc/net/tcp and tcp6). */
function listeningInodes(ports: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
      const port = parseInt(fields[1].split(':')[1], 16);
      if (ports.includes(port)) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** The socket inodes a process holds open. */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // gone meanwhile
  }
  return fds.flatMap((fd) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      return match ? [match[1]] : [];
    } catch {
      return [];
    }
  });
}

describe('sockbook-listen: the ports listen before Node starts', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();

  it('accepts a connection to the shell port while the kernel has not started yet, and the kernel then answers', async () => {
    // Between sockbook-listen and Node: a probe that connects to the shell port, as Jupyter does at once.
    const probe = [
      'port=$(sed -E \'s/.*"shell_port": *([0-9]+).*/\\1/\' "$1")',
      'if (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "probe: accepted" >&2; else echo "probe: refused" >&2; fi',
      'shift; exec "$@"',
    ].join('\n');
    const kernel = await startKernel({
      argv: [listen, '{connection_file}', '--', 'bash', '-c', probe, 'probe', '{connection_file}', process.execPath, sockbook, 'kernel', '-f', '{connection_file}'],
    });
    assert.match(kernel.stderr, /probe: accepted/);
    const { reply, outputs } = await kernel.execute('40 + 2');
    assert.equal(reply.content.status, 'ok');
    assert.deepEqual(outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data, { 'text/plain': '42' });
  });

  it('leaves the listening sockets to the kernel alone: not to the executor, the helpers, or a daemon a cell started', async () => {
    const kernel = await startKernel({ argv: [listen, '{connection_file}', '--', process.execPath, sockbook, 'kernel', '-f', '{connection_file}'] });
    // The executor, spare helpers, and a helper kept alive by a daemon.
    assert.equal((await kernel.execute('1 + 1')).reply.content.status, 'ok');
    assert.equal((await kernel.execute('!sleep 30 > /dev/null 2>&1 &')).reply.content.status, 'ok');
    const ports = ['shell_port', 'control_port', 'stdin_port', 'iopub_port', 'hb_port'].map((name) => Number(kernel.connection[name]));
    const listening = listeningInodes(ports);
    const pid = kernel.process.pid as number;
    const kernelHolds = socketInodes(pid).filter((inode) => listening.has(inode));
    assert.equal(kernelHolds.length, 5, `the kernel holds its 5 listening sockets (found ${kernelHolds.length})`);
    const others = descendantPids(pid);
    assert.ok(others.length >= 3, `the kernel has started processes: ${others.join(' ')}`);
    const leaks = others.flatMap((child) => socketInodes(child).filter((inode) => listening.has(inode)).map((inode) => `${child}: socket ${inode}`));
    assert.deepEqual(leaks, []);
  });
});
