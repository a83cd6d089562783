/**
 * Worker thread of the executor child: an inspector session on the main
 * thread (Session.connectToMainThread), relayed to the kernel over a Unix
 * socket, one JSON message per line. Requests are Chrome DevTools Protocol
 * commands `{id, method, params}`, answered `{id, result}` or `{id, error}`;
 * the inspector's notifications go out as `{method, params}`. It runs on its
 * own thread, so it answers while the main thread is paused.
 */
import { Session } from 'node:inspector';
import * as net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

interface RelayRequest {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

const { socketPath } = workerData as { socketPath: string };
let client: net.Socket | undefined;
let session: Session | undefined;

function send(socket: net.Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** One kernel at a time; a new connection replaces the old one, with a fresh session (no breakpoints, not paused). */
function serve(socket: net.Socket): void {
  client?.destroy();
  session?.disconnect();
  client = socket;
  const own = new Session();
  own.connectToMainThread();
  session = own;
  own.on('inspectorNotification', (message) => send(socket, { method: message.method, params: message.params }));
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim() === '') continue;
      let request: RelayRequest;
      try {
        request = JSON.parse(line) as RelayRequest;
      } catch {
        continue;
      }
      own.post(request.method, request.params ?? {}, (error, result) => {
        send(socket, error ? { id: request.id, error: error.message } : { id: request.id, result: result ?? {} });
      });
    }
  });
  // The kernel went away (disconnect, restart): the session goes, and with it its breakpoints and any pause.
  socket.on('close', () => {
    if (session === own) {
      own.disconnect();
      session = undefined;
      client = undefined;
    }
  });
  socket.on('error', () => undefined);
}

const server = net.createServer(serve);
server.listen(socketPath, () => parentPort?.postMessage('listening'));
