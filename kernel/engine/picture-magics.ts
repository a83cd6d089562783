// The picture line magics: %tcpstates [--live], %strace CMD, %packets CMD,
// %ps --tree. The commands run through the runner like any `!cmd`; the
// pictures are drawn on the renderer's thread (kernel/pictures), loaded only
// when one of these runs.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { MimeBundle, OutputSink } from '../interpreter/output-sink';
import { errorOutcome as failure, interruptOutcome, type CellOutcome } from '../interpreter/outcome';
import { parsePacketsArgs, parseStraceArgs, parseTcpStatesArgs } from '../cells/picture-args';
import type { KernelProcesses } from '../views/system-views';
import { packetsCommandLine, packetsPicture, PACKETS_NEEDS_ISOLATION, processTreePicture, straceCommandLine, stracePicture } from '../pictures/system-pictures';
import { countsKey, readTcpStates, tcpStatesPicture } from '../pictures/tcp-states';

export type PictureMagicName = 'tcpstates' | 'strace' | 'packets' | 'ps-tree';

export interface PictureMagicContext {
  sink: OutputSink;
  /**
   * Where a live picture's later updates go: the sink of the cell running at
   * that moment (a frontend updates the display by its id whichever cell the
   * message is parented to; nbclient keeps only the running cell's messages).
   */
  sinkNow(): OutputSink;
  cwd: string;
  kernel: () => KernelProcesses;
  /** True when the kernel's commands run in a network namespace of their own. */
  netIsolated: boolean;
  /** Runs a shell command as a `!cmd` line does (streamed, interruptible). */
  run(command: string): Promise<{ interrupted: boolean }>;
}

/** How often a live diagram reads the sockets again (ms). */
const LIVE_POLL_MS = 200;

/**
 * The one live state diagram of this kernel: after its cell has ended it keeps
 * reading the sockets and updates its display in place (update_display_data,
 * parented to its cell) when the counts change, until its time is up, a new
 * %tcpstates replaces it, or `%tcpstates --stop`.
 */
class LiveStates {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sink: () => OutputSink,
    private readonly kernel: () => KernelProcesses,
    private readonly displayId: string,
    private readonly until: number,
    private lastKey: string,
    /** The picture last shown, to say on it that it stopped. */
    private lastBundle: MimeBundle,
  ) {
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.poll(), LIVE_POLL_MS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const data = await readTcpStates(this.kernel());
      const ending = Date.now() >= this.until;
      const key = countsKey(data);
      if (key !== this.lastKey || ending) {
        this.lastKey = key;
        const picture = await tcpStatesPicture(data);
        if (this.stopped) return;
        this.lastBundle = picture.bundle;
        this.show(ending ? 'live view ended' : LIVE_NOTE);
      }
      if (ending) return this.stop();
    } catch {
      // A snapshot that failed (a process ended while read) is skipped; the next poll reads again.
    }
    if (!this.stopped) this.schedule();
  }

  private show(note: string): void {
    this.sink().updateDisplay(this.displayId, withNote(this.lastBundle, note));
  }

  /** Stops updating. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Stops, and draws the counts of this moment once more, marked as stopped. */
  async finish(): Promise<void> {
    if (this.stopped) return;
    this.stop();
    try {
      this.lastBundle = (await tcpStatesPicture(await readTcpStates(this.kernel()))).bundle;
    } catch {
      // the last picture shown stays
    }
    this.show('live view stopped');
  }
}

const LIVE_NOTE = 'live: updated as the counts change';

function withNote(bundle: MimeBundle, note: string): MimeBundle {
  return { ...bundle, 'text/plain': `${String(bundle['text/plain'])}\n(${note})` };
}

let live: LiveStates | undefined;

/** Ends the live diagram, if any (restart, shutdown, a new one). */
export function stopLiveStates(): void {
  live?.stop();
  live = undefined;
}

export async function runPictureMagic(name: PictureMagicName, argument: string, context: PictureMagicContext): Promise<CellOutcome> {
  const { sink } = context;
  try {
    switch (name) {
      case 'tcpstates': {
        const args = parseTcpStatesArgs(argument);
        if (typeof args === 'string') return failure('UsageError', args);
        if (args.stop) {
          await live?.finish();
          stopLiveStates();
          sink.stream('stdout', 'live TCP state diagram stopped\n');
          return { status: 'ok' };
        }
        stopLiveStates();
        const data = await readTcpStates(context.kernel());
        const picture = await tcpStatesPicture(data);
        if (!args.live) {
          sink.display(picture.bundle);
          return { status: 'ok' };
        }
        const id = randomUUID();
        sink.display(withNote(picture.bundle, LIVE_NOTE), {}, id);
        live = new LiveStates(context.sinkNow, context.kernel, id, Date.now() + args.seconds * 1000, countsKey(data), picture.bundle);
        return { status: 'ok' };
      }
      case 'ps-tree':
        sink.display((await processTreePicture(context.kernel())).bundle);
        return { status: 'ok' };
      case 'strace': {
        const args = parseStraceArgs(argument);
        if (typeof args === 'string') return failure('UsageError', args);
        const logPath = path.resolve(context.cwd, args.logFile);
        const step = await context.run(straceCommandLine(args, logPath));
        if (step.interrupted) return interruptOutcome();
        sink.display((await stracePicture(args, logPath)).bundle);
        return { status: 'ok' };
      }
      case 'packets': {
        const args = parsePacketsArgs(argument);
        if (typeof args === 'string') return failure('UsageError', args);
        if (!context.netIsolated) return failure('NotIsolated', PACKETS_NEEDS_ISOLATION);
        const logPath = path.resolve(context.cwd, args.logFile);
        const step = await context.run(packetsCommandLine(args, logPath));
        if (step.interrupted) return interruptOutcome();
        sink.display((await packetsPicture(args, logPath)).bundle);
        return { status: 'ok' };
      }
    }
  } catch (error) {
    return failure('PictureError', `%${name === 'ps-tree' ? 'ps --tree' : name}: ${(error as Error)?.message ?? String(error)}`);
  }
}
