import { projectRoot } from '../paths';
import { ZmqChannels } from '../transport/zmq-channels';
import { readConnectionFile } from '../transport/connection-file';
import { Session } from '../session/session';
import { Signer } from '../wire/signer';
import { createInterpreter } from '../engine/cell-interpreter';
import { parseIsolation, startIsolation, stopIsolation, type IsolationKind } from '../runner/isolation';
import { FirstCellNotice } from './first-cell-notice';
import { UsageError, type Subcommand } from './command-options';

function log(text: string): void {
  process.stderr.write(`[sockbook ${new Date().toISOString()}] ${text}\n`);
}

export interface KernelOptions {
  /** `--isolate net,tmp` (already checked); when absent, SOCKBOOK_ISOLATE in the environment decides. */
  isolate?: IsolationKind[];
}

const KIND_WORDS: Record<IsolationKind, string> = { net: 'its own network namespace', tmp: 'its own /tmp' };

/**
 * Sets up the isolation asked for. Resolves to what the user
 * must be told once in the first cell when it could not be done.
 */
async function isolate(options: KernelOptions): Promise<string | undefined> {
  let kinds = options.isolate;
  if (!kinds) {
    const spec = process.env.SOCKBOOK_ISOLATE ?? '';
    try {
      kinds = parseIsolation(spec);
    } catch (error) {
      const notice = `sockbook: SOCKBOOK_ISOLATE: ${(error as Error).message}; running without isolation`;
      log(notice);
      return notice;
    }
  }
  if (kinds.length === 0) return undefined;
  // The holder ends with the kernel however it exits (its stdin closes, and PDEATHSIG).
  process.once('exit', stopIsolation);
  // The notebook's directory and sockbook itself (its helpers, the executor's code) stay visible in a private /tmp.
  const status = await startIsolation(kinds, { keep: [process.cwd(), projectRoot] });
  if (status.problem === undefined) {
    log(`isolation: this kernel's commands have ${status.active.map((k) => KIND_WORDS[k]).join(' and ')} (holder pid ${status.holderPid})`);
    return undefined;
  }
  const notice =
    `sockbook: isolation (${kinds.join(',')}) is not available here: ${status.problem}. ` +
    'Commands run without it: ports and /tmp are shared with the rest of the machine.';
  log(notice);
  return notice;
}

/** `sockbook kernel -f CONNECTION_FILE [--isolate net,tmp]`: what Jupyter starts. */
export async function runKernel(connectionFile: string, options: KernelOptions = {}): Promise<void> {
  const info = await readConnectionFile(connectionFile);
  let signer: Signer;
  try {
    signer = new Signer(info.signature_scheme, info.key);
  } catch (error) {
    throw new Error(`${connectionFile}: ${(error as Error).message}`);
  }
  if (!signer.enabled) log('the connection file has an empty key: messages are not signed');
  // Before any command or the executor can start: they start inside the namespaces.
  const notice = await isolate(options);
  const channels = new ZmqChannels(info, log);
  const cells = createInterpreter({ log });
  const interpreter = notice === undefined ? cells : new FirstCellNotice(cells, notice);
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
    value: 'net,tmp',
    help: "give the kernel's commands their own network namespace and/or /tmp: net, tmp, net,tmp or none (default: $SOCKBOOK_ISOLATE)",
  },
} as const;

/** `sockbook kernel`'s command line. */
export const kernelCommand: Subcommand<typeof KERNEL_OPTIONS> = {
  name: 'kernel',
  synopsis: '-f CONNECTION_FILE [--isolate net,tmp]',
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
