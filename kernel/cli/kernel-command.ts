import { ZmqChannels } from '../transport/zmq-channels';
import { readConnectionFile } from '../transport/connection-file';
import { parseIsolation, type IsolationKind } from '../runner/isolation';
import { UsageError, type Subcommand } from './command-options';
import { restoreExtraCaCerts } from '../runner/extra-ca-certs';

function log(text: string): void {
  process.stderr.write(`[sockbook ${new Date().toISOString()}] ${text}\n`);
}

export interface KernelOptions {
  /** `--isolate net,tmp,pid` (already checked); when absent, SOCKBOOK_ISOLATE in the environment decides. */
  isolate?: IsolationKind[];
}

/** `sockbook kernel -f CONNECTION_FILE [--isolate net,tmp,pid]`: what Jupyter starts. */
export async function runKernel(connectionFile: string, options: KernelOptions = {}): Promise<void> {
  restoreExtraCaCerts();
  const info = await readConnectionFile(connectionFile);
  // Bound before the rest of the kernel loads: a client that connects meanwhile is not refused (ZeroMQ would
  // try again only 100-200 ms later); what it sends waits in the sockets until the session listens.
  const channels = new ZmqChannels(info, log);
  await channels.bind();
  const [{ Session }, { Signer }, { createInterpreter }, { setUpIsolation }, { FirstCellNotice }, { unlimitedProcessesNotice }] = await Promise.all([
    import('../session/session'),
    import('../wire/signer'),
    import('../engine/cell-interpreter'),
    import('./kernel-isolation'),
    import('./first-cell-notice'),
    import('../runner/process-guard'),
  ]);
  let signer: InstanceType<typeof Signer>;
  try {
    signer = new Signer(info.signature_scheme, info.key);
  } catch (error) {
    throw new Error(`${connectionFile}: ${(error as Error).message}`);
  }
  if (!signer.enabled) log('the connection file has an empty key: messages are not signed');
  // Before any command or the executor can start: they start inside the namespaces.
  // The limits are set up now (not at the first command), so what cannot hold is known for the first cell.
  const notices = [await setUpIsolation(options.isolate, log), unlimitedProcessesNotice()].filter((n): n is string => n !== undefined);
  const cells = createInterpreter({ log });
  const interpreter = notices.length === 0 ? cells : new FirstCellNotice(cells, notices.join('\n'));
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
  session.start();

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

const KERNEL_OPTIONS = {
  'connection-file': { type: 'string', short: 'f', value: 'CONNECTION_FILE', help: 'the connection file Jupyter writes (required)' },
  isolate: {
    type: 'string',
    value: 'net,tmp,pid',
    help: "give the kernel's commands their own network namespace, /tmp and/or PID namespace: a comma separated list of net, tmp and pid, or none (default: $SOCKBOOK_ISOLATE)",
  },
} as const;

/** `sockbook kernel`'s command line. */
export const kernelCommand: Subcommand<typeof KERNEL_OPTIONS> = {
  name: 'kernel',
  synopsis: '-f CONNECTION_FILE [--isolate net,tmp,pid]',
  summary: 'run the kernel (what Jupyter starts)',
  options: KERNEL_OPTIONS,
  start(values) {
    const file = values['connection-file'];
    if (file === undefined) throw new UsageError('-f CONNECTION_FILE is required');
    let kinds: IsolationKind[] | undefined;
    try {
      kinds = values.isolate === undefined ? undefined : parseIsolation(values.isolate);
    } catch (error) {
      throw new UsageError(`--isolate: ${(error as Error).message}`);
    }
    return runKernel(file, { isolate: kinds });
  },
};
