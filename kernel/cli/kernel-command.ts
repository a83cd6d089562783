import { Channels } from '../transport/channels';
import { readConnectionFile } from '../transport/connection-file';
import { Session } from '../session/session';
import { Signer } from '../wire/signer';
import { createInterpreter } from '../cells/cell-interpreter';

function log(text: string): void {
  process.stderr.write(`[sockbook ${new Date().toISOString()}] ${text}\n`);
}

/** `sockbook kernel -f CONNECTION_FILE`: what Jupyter starts. */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = await readConnectionFile(connectionFile);
  const signer = new Signer(info.signature_scheme, info.key);
  if (!signer.enabled) log('the connection file has an empty key: messages are not signed');
  const channels = new Channels(info, log);
  const interpreter = createInterpreter({ log });
  let exiting = false;
  const session = new Session({
    channels,
    signer,
    interpreter,
    log,
    onShutdown: () => {
      exiting = true;
      setImmediate(() => process.exit(0));
    },
  });
  await channels.bind();
  channels.listen((channel, frames) => session.onFrames(channel, frames));

  // A terminal's Ctrl-C or `kill -INT` interrupts the running cell, like interrupt_request.
  process.on('SIGINT', () => session.interrupt());
  const terminate = (): void => {
    if (exiting) return;
    exiting = true;
    void interpreter.shutdown(false).finally(() => process.exit(0));
  };
  process.on('SIGTERM', terminate);
  process.on('SIGHUP', terminate);
  process.on('uncaughtException', (error) => log(`uncaught: ${error.stack ?? String(error)}`));
  process.on('unhandledRejection', (error) => log(`unhandled rejection: ${String(error)}`));
}
