import * as zmq from 'zeromq';
import { ChannelName, ConnectionInfo, endpointOf } from './connection-file';
import type { ChannelEvents, Channels, OutgoingChannel, RoutedChannel } from './channels';
import { takeListeningFds } from './listening-fds';
import { maxMessageSize } from './message-size';
import { SendQueue } from './send-queue';

/** libzmq's option for a socket that binds on a listening descriptor it is given (zeromq.js names no such option). */
const ZMQ_USE_FD = 89;
interface NativeOptions {
  setInt32Option(option: number, value: number): void;
}

/**
 * The kernel's five ZeroMQ sockets, bound. Frames in are passed to the
 * handler without interpretation; frames out go through one SendQueue per
 * socket. The heartbeat echoes on its own. iopub is an XPUB socket, so the
 * kernel learns of each subscription (and can welcome it). The ROUTER
 * sockets refuse messages larger than SOCKBOOK_MAX_MESSAGE_SIZE, so no
 * client can make the kernel hold an unbounded frame.
 */
export class ZmqChannels implements Channels {
  private readonly routers: Record<RoutedChannel, zmq.Router>;
  private readonly iopub: zmq.XPublisher;
  private readonly hb: zmq.Reply;
  private readonly queues: Record<OutgoingChannel, SendQueue>;
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly log: (text: string) => void,
    readonly maxMessageBytes: number = maxMessageSize(),
  ) {
    const router = () => new zmq.Router({ linger: 1000, maxMessageSize: maxMessageBytes });
    this.routers = { shell: router(), control: router(), stdin: router() };
    // What comes in on these (subscriptions, pings) is small: the same cap keeps it so. 'allSubs': every
    // subscription is reported, also a second client's to a topic already subscribed.
    this.iopub = new zmq.XPublisher({ linger: 1000, verbosity: 'allSubs', maxMessageSize: maxMessageBytes });
    this.hb = new zmq.Reply({ linger: 0, maxMessageSize: maxMessageBytes });
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
    // Ports the launcher already listens on are taken over, with the connections waiting there.
    const listening = takeListeningFds(this.info);
    for (const [name, socket] of bindings) {
      const fd = listening[name];
      if (fd !== undefined) (socket as unknown as NativeOptions).setInt32Option(ZMQ_USE_FD, fd);
    }
    await Promise.all(bindings.map(([name, socket]) => socket.bind(endpointOf(this.info, name))));
  }

  /** Starts the receive loops; returns at once. */
  listen(events: ChannelEvents): void {
    for (const channel of ['shell', 'control', 'stdin'] as const) {
      void this.receiveLoop(channel, events);
    }
    void this.subscriptionLoop(events);
    void this.heartbeatLoop();
  }

  send(channel: OutgoingChannel, frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queues[channel].push(frames);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(Object.values(this.queues).map((q) => q.drain()));
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub, this.hb]) socket.close();
  }

  private async receiveLoop(channel: RoutedChannel, events: ChannelEvents): Promise<void> {
    const socket = this.routers[channel];
    try {
      for await (const frames of socket) events.frames(channel, frames);
    } catch (error) {
      if (!this.closed) this.log(`${channel} receive loop ended: ${String(error)}`);
    }
  }

  /** XPUB receives one frame per (un)subscription: byte 1 (subscribe) or 0 (unsubscribe), then the topic. */
  private async subscriptionLoop(events: ChannelEvents): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (frame !== undefined && frame[0] === 1) events.subscribed(frame.subarray(1));
      }
    } catch (error) {
      if (!this.closed) this.log(`iopub subscription loop ended: ${String(error)}`);
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
