import * as zmq from 'zeromq';
import { ChannelName, ConnectionInfo, endpointOf } from './connection-file';
import { SendQueue } from './send-queue';

export type RoutedChannel = 'shell' | 'control' | 'stdin';
export type FramesHandler = (channel: RoutedChannel, frames: Buffer[]) => void;

/**
 * The kernel's five ZeroMQ sockets, bound. Frames in are passed to the
 * handler without interpretation; frames out go through one SendQueue per
 * socket. The heartbeat echoes on its own.
 */
export class Channels {
  private readonly routers: Record<RoutedChannel, zmq.Router>;
  private readonly iopub = new zmq.Publisher({ linger: 1000 });
  private readonly hb = new zmq.Reply({ linger: 0 });
  private readonly queues: Record<RoutedChannel | 'iopub', SendQueue>;
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly log: (text: string) => void,
  ) {
    this.routers = {
      shell: new zmq.Router({ linger: 1000 }),
      control: new zmq.Router({ linger: 1000 }),
      stdin: new zmq.Router({ linger: 1000 }),
    };
    const queueFor = (name: string, socket: zmq.Writable) =>
      new SendQueue(
        (frames) => socket.send(frames),
        (error) => this.log(`send on ${name} failed: ${String(error)}`),
      );
    this.queues = {
      shell: queueFor('shell', this.routers.shell),
      control: queueFor('control', this.routers.control),
      stdin: queueFor('stdin', this.routers.stdin),
      iopub: queueFor('iopub', this.iopub),
    };
  }

  async bind(): Promise<void> {
    const bindings: [ChannelName, zmq.Socket][] = [
      ['shell', this.routers.shell],
      ['control', this.routers.control],
      ['stdin', this.routers.stdin],
      ['iopub', this.iopub],
      ['hb', this.hb],
    ];
    await Promise.all(bindings.map(([name, socket]) => socket.bind(endpointOf(this.info, name))));
  }

  /** Starts the receive loops; returns at once. */
  listen(onFrames: FramesHandler): void {
    for (const channel of ['shell', 'control', 'stdin'] as const) {
      void this.receiveLoop(channel, onFrames);
    }
    void this.heartbeatLoop();
  }

  send(channel: RoutedChannel | 'iopub', frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queues[channel].push(frames);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(Object.values(this.queues).map((q) => q.drain()));
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub, this.hb]) socket.close();
  }

  private async receiveLoop(channel: RoutedChannel, onFrames: FramesHandler): Promise<void> {
    const socket = this.routers[channel];
    try {
      for await (const frames of socket) onFrames(channel, frames);
    } catch (error) {
      if (!this.closed) this.log(`${channel} receive loop ended: ${String(error)}`);
    }
  }

  private async heartbeatLoop(): Promise<void> {
    try {
      for await (const frames of this.hb) await this.hb.send(frames);
    } catch (error) {
      if (!this.closed) this.log(`heartbeat ended: ${String(error)}`);
    }
  }
}
