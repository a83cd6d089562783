/**
 * The executor child process: runs TypeScript cells for ExecutorClient.
 * Started with an IPC channel; fd 1 and fd 2 are pipes read by the client.
 */
import { setPriority } from 'node:os';
import process from 'node:process';
import { joinExecutorGroups } from '../../runner/executor-groups';
import { trustExtraCaCertsWhenUsed } from './extra-ca';
import type * as RunnerShutdown from '../../runner/shutdown';
import { builtinDeclarations } from './builtins-dts';
import { installBuiltins, interruptBuiltins, libcSourceModule } from './builtins';
import { CellRunner } from './cell-runner';
import { ChildChannel, writeStdioDirectly } from './child-channel';
import { Checker } from './checker';
import { CommRegistry, originEnded, runForOrigin } from './comm-api';
import { helpRequest } from '../../cells/help-syntax';
import { ChildInterruptPolicy } from './interrupt-policy';
import { lightCompleteness } from './light-completeness';
import type { ClientMessage, ClientRequest } from '../protocol';
import { FENCE_NONCE_ENV } from '../protocol';
import { SleepTimers } from './sleep-timers';
import type * as DebugRelayHost from './debug-relay-host';

// glibc read the malloc settings the client gave (EXECUTOR_MALLOC_ENV) at start; the programs cells run do not inherit them.
for (const name of ['MALLOC_ARENA_MAX', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_MMAP_THRESHOLD_']) delete process.env[name];

trustExtraCaCertsWhenUsed();

/** The checker thread starts at the latest this long after the executor (ms), if the first cell still runs. */
const CHECKER_START_LATEST_MS = 3000;
/** How long an interrupted comm handler's commands get to end before the message is answered (ms). */
const COMM_SETTLE_LIMIT_MS = 1500;
/**
 * After the first request, the checker waits for this long without a request
 * (ms): a lesson's first minute (twenty kernels compiling and starting their
 * executors at once, or a notebook run from the top) then finishes its cells
 * before the compiler's load takes the CPU. A question someone waits for
 * (completion, inspection) starts it at once.
 */
const CHECKER_START_QUIET_MS = 1500;
let requestDone: () => void = () => undefined;
const firstRequestDone = new Promise<void>((resolve) => (requestDone = resolve));
/** When the last request arrived (performance.now()). */
let lastRequestAt = 0;

/** The checker starts at the latest this long after it began waiting for a quiet moment, even if requests keep coming (ms). */
const CHECKER_START_QUIET_LIMIT_MS = 10000;

/**
 * Resolves once no request has arrived for CHECKER_START_QUIET_MS (a long cell
 * still running does not hold it), or CHECKER_START_QUIET_LIMIT_MS after it
 * began waiting: cells that never stop coming still get their type errors.
 */
async function quietPeriod(): Promise<void> {
  const giveUpAt = performance.now() + CHECKER_START_QUIET_LIMIT_MS;
  while (performance.now() < giveUpAt) {
    const wait = lastRequestAt + CHECKER_START_QUIET_MS - performance.now();
    if (wait <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, giveUpAt - performance.now())).unref());
  }
}

// Into the kernel's cgroups while the modules load; no request runs before (see handle).
const groupsJoined = joinExecutorGroups((text) => process.stderr.write(text));

const channel = new ChildChannel(process.env[FENCE_NONCE_ENV] ?? '');
const sleeps = new SleepTimers();
const checker = new Checker(builtinDeclarations(libcSourceModule()));
const interrupts = new ChildInterruptPolicy({ channel, sleeps, interruptBuiltins });
const runner = new CellRunner(channel, checker, interrupts);
checker.onLoadedChange = (loaded) => channel.checkerLoaded(loaded);
const comms = new CommRegistry(({ origin, comm }) => channel.emit({ kind: 'comm', origin, comm }));
let cells: Promise<unknown> = Promise.resolve();

// The executor runs a little below the kernel (nice 5, this thread; Linux applies it per thread), so
// compiling or running a big cell never takes the CPU the kernel needs for heartbeat and control.
try {
  setPriority(0, 5);
} catch {
  // Not allowed here: the executor runs at the kernel's priority.
}
writeStdioDirectly();
installBuiltins(globalThis, { channel, sleeps, comms });
// What the executor itself defines: the debugger's Globals scope lists the rest, what cells defined.
const startupGlobals = Object.getOwnPropertyNames(globalThis);

interrupts.listen();
process.on('uncaughtException', (error) => runner.reportStray(error, 'Uncaught exception'));
process.on('unhandledRejection', (reason) => runner.reportStray(reason, 'Unhandled promise rejection'));
/** Ends what cells started (launch() programs, commands, their daemons), then the executor. */
function exitAfterCleanup(): void {
  // Read only now: no cell needs the runner's shutdown, and the first cell should not wait for it to load.
  const { shutdownRunner } = require('../../runner/shutdown') as typeof RunnerShutdown;
  void shutdownRunner().finally(() => process.exit(0));
}
// Restart and shutdown: the client sends SIGTERM, and SIGKILL if this does not end in time.
process.on('SIGTERM', exitAfterCleanup);
// The kernel went away: nobody is left to show anything.
process.on('disconnect', exitAfterCleanup);

/** The frontend's comm messages whose handlers are still at work, by request id: an interrupt stops the wait. */
const busyComms = new Map<number, () => void>();

process.on('message', (message: ClientMessage) => {
  lastRequestAt = performance.now();
  if (message.type === 'interrupt') {
    const stopComm = busyComms.get(message.id);
    if (stopComm) stopComm();
    else interrupts.requested(message.id);
  }
  else if (message.type === 'inputReply') channel.inputReply(message);
  else if (message.type === 'execute') {
    // One cell at a time, in order.
    cells = cells.then(() => handle(message));
  } else void handle(message);
});

async function handle(request: ClientRequest): Promise<void> {
  // What a request runs may start processes: they must start inside the kernel's groups.
  await groupsJoined;
  try {
    await answer(request);
  } finally {
    requestDone();
  }
}

async function answer(request: ClientRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'execute': {
        interrupts.requestStarted(request.id);
        let outcome;
        try {
          // What the cell's comms send, even from a timer later, names this request as its origin.
          outcome = await runForOrigin(request.id, request.msgId, () =>
            runner.execute(request.code, request.cellName, request.cwd, request.debugPath),
          );
        } finally {
          originEnded(request.id);
          interrupts.requestEnded();
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
        const empty = request.code.trim() === '' || helpRequest(request.code) !== undefined;
        const answer = empty
          ? { status: 'complete' as const }
          : checker.loaded
            ? await checker.ask('isComplete', { code: request.code })
            : lightCompleteness(request.code);
        channel.reply<'isComplete'>(request.id, answer, false);
        break;
      }
      case 'comm': {
        const pending = runForOrigin(request.id, request.msgId, () => {
          try {
            return comms.receive(request.comm);
          } catch (error) {
            // A handler's error is the cells' bug, shown like a stray one; the comm request itself is done.
            showHandlerError(error);
            return [];
          }
        });
        // A handler that returned a promise (a widget's async click handler) keeps the message busy until it
        // settles, as a Python handler holds ipykernel: its outputs stay parented to the message the frontend sent.
        // The kernel's interrupt stops its commands (sh, !, libc's async calls) and the wait.
        if (pending.length > 0) {
          const interrupted = new Promise<'interrupted'>((resolve) =>
            busyComms.set(request.id, () => resolve(interruptBuiltins(COMM_SETTLE_LIMIT_MS).then(() => 'interrupted' as const))),
          );
          const settled = Promise.allSettled(pending).then((outcomes) => {
            for (const outcome of outcomes) if (outcome.status === 'rejected') showHandlerError(outcome.reason);
            return 'settled' as const;
          });
          if ((await Promise.race([settled, interrupted])) === 'interrupted') {
            // Its commands have ended: the handler's own KeyboardInterrupt usually follows at once.
            const after = await Promise.race([settled, new Promise<'busy'>((resolve) => setTimeout(() => resolve('busy'), 100))]);
            if (after === 'busy') console.error('KeyboardInterrupt: the comm handler was interrupted; it goes on in the background');
          }
          busyComms.delete(request.id);
        }
        originEnded(request.id);
        // Fenced: what the handler printed or sent is delivered before the request ends.
        channel.reply<'comm'>(request.id, null, true);
        break;
      }
      case 'openComms':
        channel.reply<'openComms'>(request.id, comms.list(request.targetName), false);
        break;
      case 'debugRelay': {
        // Read only when the debugger is started: a kernel that never debugs never loads it.
        const { startDebugRelay } = require('./debug-relay-host') as typeof DebugRelayHost;
        channel.reply<'debugRelay'>(request.id, { socketPath: await startDebugRelay(startupGlobals) }, false);
        break;
      }
    }
  } catch (error) {
    channel.failed(request.id, (error as Error)?.message ?? String(error));
  }
}

channel.ready();
// The compiler and the language service load in their own thread once the first request is answered (or a few
// seconds on, if it runs long) and no request came for a moment: loading them takes more CPU than the first
// cell, which should not share it.
checker.startWhen(Promise.race([firstRequestDone, new Promise((resolve) => setTimeout(resolve, CHECKER_START_LATEST_MS).unref())]).then(quietPeriod));

function showHandlerError(error: unknown): void {
  console.error(`Error in a comm handler: ${(error as Error)?.stack ?? String(error)}`);
}
