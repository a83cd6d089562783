// The picture functions of TypeScript cells: tcpStates(), strace(cmd),
// packets(cmd), psTree(). Each displays its picture and returns the data it
// shows. The kernel's line magics (%tcpstates, %strace, %packets,
// %ps --tree) draw the same pictures with the same modules.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MimeBundle } from '../../interpreter/mime';
import type { CellEvent } from '../protocol';
import { DEFAULT_LIVE_SECONDS, parsePacketsArgs, parseStraceArgs } from '../../cells/picture-args';
import { shellQuote } from '../../cells/shell-words';
import type { KernelProcesses } from '../../views/system-views';
import { readSetting } from '../../base/settings';

type Emit = (event: CellEvent) => void;
type RunShell = (command: string) => Promise<number>;
type Pictures = typeof import('../../pictures/system-pictures');
type StatePictures = typeof import('../../pictures/tcp-states');

// Graphviz and vega load (on a thread) only when a picture is asked for.
const pictures = (): Pictures => require('../../pictures/system-pictures') as Pictures;
const statePictures = (): StatePictures => require('../../pictures/tcp-states') as StatePictures;

/**
 * The kernel's processes as the executor sees them: under the kernel when its
 * pid is visible here; in a PID namespace of its own, where the kernel is
 * outside, under pid 0 (every process of the namespace whose parent is outside).
 */
function kernelProcesses(): KernelProcesses {
  const kernelPid = Number(readSetting('SOCKBOOK_KERNEL_PID'));
  const visible = Number.isInteger(kernelPid) && kernelPid > 0 && fs.existsSync(`/proc/${kernelPid}/stat`);
  return { rootPid: visible ? kernelPid : 0, executorPid: process.pid, started: [] };
}

export interface TcpStatesOptions {
  live?: boolean;
  seconds?: number;
  intervalMs?: number;
}

export interface TcpStatesHandle {
  readonly id: string;
  /** The counts last shown. */
  readonly data: import('../../pictures/tcp-state-diagram').TcpStateCounts;
  /** Stops a live diagram (it stops by itself after `seconds`). */
  stop(): void;
  /** Resolves when the diagram stops updating. */
  readonly done: Promise<void>;
}

function options(text: string, values: Record<string, string | number | boolean | undefined>): string {
  const words = Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag, value]) => (value === true ? flag : `${flag} ${shellQuote(String(value))}`));
  return [...words, text].join(' ');
}

export function createPictureApi(emit: Emit, runShell: RunShell) {
  const show = (bundle: MimeBundle, displayId?: string) => emit({ kind: 'display', data: bundle, metadata: {}, ...(displayId ? { displayId } : {}) });

  async function tcpStates(opts: TcpStatesOptions = {}): Promise<TcpStatesHandle> {
    const { readTcpStates, tcpStatesPicture, countsKey } = statePictures();
    const id = randomUUID();
    let data = await readTcpStates(kernelProcesses());
    show((await tcpStatesPicture(data)).bundle, id);
    let stopDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (stopDone = resolve));
    let timer: NodeJS.Timeout | undefined;
    let stopped = !opts.live;
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stopDone();
    };
    if (opts.live) {
      const until = Date.now() + (opts.seconds ?? DEFAULT_LIVE_SECONDS) * 1000;
      let lastKey = countsKey(data);
      const poll = async () => {
        if (stopped) return;
        try {
          const next = await readTcpStates(kernelProcesses());
          if (countsKey(next) !== lastKey && !stopped) {
            lastKey = countsKey(next);
            data = next;
            emit({ kind: 'update', displayId: id, data: (await tcpStatesPicture(next)).bundle, metadata: {} });
          }
        } catch {
          // a process ended while read: the next poll reads again
        }
        if (Date.now() >= until) return stop();
        if (!stopped) timer = setTimeout(() => void poll(), opts.intervalMs ?? 400).unref();
      };
      timer = setTimeout(() => void poll(), opts.intervalMs ?? 400).unref();
    } else stopDone();
    return {
      id,
      get data() {
        return data;
      },
      stop,
      done,
    };
  }

  async function strace(command: string, opts: { all?: boolean; maxEvents?: number; logFile?: string } = {}) {
    const args = parseStraceArgs(options(command, { '-o': opts.logFile, '--all': opts.all, '--max-events': opts.maxEvents }));
    if (typeof args === 'string') throw new TypeError(args.replace('%strace', 'strace(cmd, { logFile, all, maxEvents })'));
    const logPath = path.resolve(process.cwd(), args.logFile);
    const status = await runShell(pictures().straceCommandLine(args, logPath));
    const picture = await pictures().stracePicture(args, logPath);
    show(picture.bundle);
    return { ...picture.data, exitStatus: status };
  }

  async function packets(command: string, opts: { maxSegments?: number; logFile?: string } = {}) {
    const args = parsePacketsArgs(options(command, { '-o': opts.logFile, '--max-segments': opts.maxSegments }));
    if (typeof args === 'string') throw new TypeError(args.replace('%packets', 'packets(cmd, { logFile, maxSegments })'));
    if (readSetting('SOCKBOOK_NET_ISOLATED') !== '1') throw new Error(pictures().PACKETS_NEEDS_ISOLATION.replace('%packets', 'packets()'));
    const logPath = path.resolve(process.cwd(), args.logFile);
    const status = await runShell(pictures().packetsCommandLine(args, logPath));
    const picture = await pictures().packetsPicture(args, logPath);
    show(picture.bundle);
    return { ...picture.data, exitStatus: status };
  }

  async function psTree() {
    const picture = await pictures().processTreePicture(kernelProcesses());
    show(picture.bundle);
    return picture.data;
  }

  return { tcpStates, strace, packets, psTree };
}
