/** The channels that carry a routing identity with every message (ROUTER sockets). */
export type RoutedChannel = 'shell' | 'control' | 'stdin';
export type OutgoingChannel = RoutedChannel | 'iopub';

/** What the transport reports; frames are passed on uninterpreted. */
export interface ChannelEvents {
  frames(channel: RoutedChannel, frames: Buffer[]): void;
  /** A client subscribed to iopub with this topic prefix (empty: everything). */
  subscribed(topic: Buffer): void;
}

/**
 * What the session needs of the transport: frames in, frames out, close.
 * ZmqChannels implements it over the kernel's ZeroMQ sockets; the session's
 * tests implement it in memory.
 */
export interface Channels {
  /** Starts delivering incoming frames; returns at once. */
  listen(events: ChannelEvents): void;
  /** Sends one multipart message; resolves once it is handed over (never rejects: failures are logged). */
  send(channel: OutgoingChannel, frames: Buffer[]): Promise<void>;
  /** Sends what is queued, then closes; later sends are dropped. */
  close(): Promise<void>;
}
