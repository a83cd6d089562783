import * as net from 'node:net';

export type CdpParams = Record<string, unknown>;

/**
 * The kernel's end of the executor's debugger relay: Chrome DevTools
 * Protocol commands over a Unix socket, one JSON message per line. Nothing
 * here blocks: a command is a promise, a notification a callback.
 */
export class InspectorLink {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(result: CdpParams): void; reject(error: Error): void }>();
  private closedWith: Error | undefined;
  private closeListeners: (() => void)[] = [];

  private constructor(
    private readonly socket: net.Socket,
    private readonly onNotification: (method: string, params: CdpParams) => void,
  ) {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        this.received(line);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed(new Error('the TypeScript executor went away')));
  }

  static connect(socketPath: string, onNotification: (method: string, params: CdpParams) => void): Promise<InspectorLink> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('connect', () => resolve(new InspectorLink(socket, onNotification)));
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  send<R extends CdpParams = CdpParams>(method: string, params: CdpParams = {}): Promise<R> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = ++this.nextId;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as R), reject });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private received(line: string): void {
    let message: { id?: number; result?: CdpParams; error?: string; method?: string; params?: CdpParams };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result ?? {});
    } else if (typeof message.method === 'string') {
      this.onNotification(message.method, message.params ?? {});
    }
  }

  private closed(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
  }
}
