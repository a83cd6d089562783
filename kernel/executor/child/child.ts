/**
 * The executor child process: runs TypeScript cells for ExecutorClient.
 * Started with an IPC channel; fd 1 and fd 2 are pipes read by the client.
 */
import process from 'node:process';
import { shutdownRunner } from '../../runner/shutdown';
import { builtinDeclarations } from './builtins-dts';
import { installBuiltins, libcSourceModule } from './builtins';
import { CellRunner } from './cell-runner';
import { ChildChannel, writeStdioDirectly } from './child-channel';
import { Checker } from './checker';
import { helpTarget } from './help-request';
import type { ClientMessage, ClientRequest } from '../protocol';
import { FENCE_NONCE_ENV } from '../protocol';
import { SleepTimers } from './sleep-timers';

// glibc read the malloc settings the client gave (EXECUTOR_MALLOC_ENV) at start; the programs cells run do not inherit them.
for (const name of ['MALLOC_ARENA_MAX', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_MMAP_THRESHOLD_']) delete process.env[name];

const channel = new ChildChannel(process.env[FENCE_NONCE_ENV] ?? '');
const sleeps = new SleepTimers();
const checker = new Checker(builtinDeclarations(libcSourceModule()));
const runner = new CellRunner(channel, checker, sleeps);
let cells: Promise<unknown> = Promise.resolve();

writeStdioDirectly();
installBuiltins(globalThis, { channel, sleeps });

// Interrupts are for one cell: a SIGINT handled late, or a request that crossed the reply, must not stop the next.
let runningId: number | undefined;
let interruptWantedFor: number | undefined;
function interruptIfWanted(): void {
  if (runningId === undefined || runningId !== interruptWantedFor) return;
  channel.interruptSeen();
  runner.interrupt();
}
runner.interruptRequested = () => runningId !== undefined && runningId === interruptWantedFor;
// A SIGINT outside a synchronous part (one inside is vm's watchdog's) stops the cell it was meant for.
process.on('SIGINT', interruptIfWanted);
process.on('uncaughtException', (error) => runner.reportStray(error, 'Uncaught exception'));
process.on('unhandledRejection', (reason) => runner.reportStray(reason, 'Unhandled promise rejection'));
/** Ends what cells started (launch() programs, commands, their daemons), then the executor. */
function exitAfterCleanup(): void {
  void shutdownRunner().finally(() => process.exit(0));
}
// Restart and shutdown: the client sends SIGTERM, and SIGKILL if this does not end in time.
process.on('SIGTERM', exitAfterCleanup);
// The kernel went away: nobody is left to show anything.
process.on('disconnect', exitAfterCleanup);

process.on('message', (message: ClientMessage) => {
  if (message.type === 'interrupt') {
    interruptWantedFor = message.id;
    interruptIfWanted();
  }
  else if (message.type === 'inputReply') channel.inputReply(message);
  else if (message.type === 'execute') {
    // One cell at a time, in order.
    cells = cells.then(() => handle(message));
  } else void handle(message);
});

async function handle(request: ClientRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'execute': {
        runningId = request.id;
        let outcome;
        try {
          outcome = await runner.execute(request.code, request.cellName, request.cwd);
        } finally {
          runningId = undefined;
        }
        channel.reply<'execute'>(request.id, outcome, true);
        break;
      }
      case 'expressions':
        channel.reply<'expressions'>(request.id, runner.evaluate(request.expressions), false);
        break;
      case 'complete':
        channel.reply<'complete'>(request.id, await checker.ask('complete', { code: request.code, cursorPos: request.cursorPos }), false);
        break;
      case 'inspect': {
        const text = await checker.ask('quickInfo', { code: request.code, cursorPos: request.cursorPos });
        channel.reply<'inspect'>(request.id, { found: text !== undefined, data: text === undefined ? {} : { 'text/plain': text } }, false);
        break;
      }
      case 'isComplete': {
        const empty = request.code.trim() === '' || helpTarget(request.code) !== undefined;
        channel.reply<'isComplete'>(request.id, empty ? { status: 'complete' } : await checker.ask('isComplete', { code: request.code }), false);
        break;
      }
    }
  } catch (error) {
    channel.failed(request.id, (error as Error)?.message ?? String(error));
  }
}

channel.ready();
// The compiler and the language service load in their own thread while the first cell runs.
checker.start();
