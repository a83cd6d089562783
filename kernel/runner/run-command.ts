/** Runs one shell command under a pseudo-terminal. */
import * as fs from 'node:fs';
import { HelperProcess, type MainExit } from './helper-process';
import { OutputCoalescer } from './output-coalescer';
import { watchMemoryLimit } from './process-guard';
import { signalName } from './signal-names';
import type { RunOptions, RunResult } from './types';

export const DEFAULT_OUTPUT_LIMIT = 1 << 20;

function validate(options: RunOptions): void {
  if (typeof options.command !== 'string' || options.command.trim() === '') throw new Error('runCommand: empty command');
  if (options.command.includes('\0')) throw new Error('runCommand: the command contains a NUL byte');
  const limit = options.outputLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new Error(`runCommand: outputLimit must be a non-negative integer, got ${limit}`);
  }
}

async function checkDirectory(cwd: string): Promise<void> {
  const stat = await fs.promises.stat(cwd).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`runCommand: working directory ${cwd} does not exist`);
}

/**
 * Runs `bash -c command` under a new terminal, streaming its output to
 * options.onOutput. Resolves when the main process has ended and its output
 * is drained; daemons it started live on (see killAllStarted).
 */
export async function runCommand(options: RunOptions): Promise<RunResult> {
  validate(options);
  await checkDirectory(options.cwd);
  const { signal } = options;

  return new Promise<RunResult>((resolve, reject) => {
    let exit: MainExit | undefined;
    let truncatedBytes = 0;
    let fullOutputFile: string | undefined;
    let droppedBytes = 0;
    const memoryLimitHit = watchMemoryLimit();
    let interrupted = false;
    let askingForInput = false;
    let settled = false;
    const output = new OutputCoalescer((text) => options.onOutput(text));

    const onAbort = (): void => {
      interrupted = true;
      helper.interrupt();
    };
    const finish = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
    };

    const limit = options.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
    const helper: HelperProcess = new HelperProcess(
      {
        command: options.command,
        cwd: options.cwd,
        env: options.env,
        mode: 'pty',
        allowStdin: options.allowStdin,
        outputLimit: limit,
        kind: 'command',
      },
      {
        onOutput: (bytes) => output.push(bytes),
        onInputWanted: () => {
          if (askingForInput || !options.onInputWanted) return;
          askingForInput = true;
          output.flush(); // the prompt is shown before the question
          options.onInputWanted().then(
            (answer) => {
              askingForInput = false;
              if (!settled) helper.type(`${answer}\n`);
            },
            () => {
              askingForInput = false; // no answer: the program keeps waiting, as at a terminal
            },
          );
        },
        onInputCut: (lineBytes, keptBytes) => {
          output.flush(); // the notice comes after what the program printed before
          options.onInputCut?.(lineBytes, keptBytes);
        },
        onExit: (e) => {
          exit = e;
        },
        onTruncated: (total, file, dropped) => {
          truncatedBytes = Math.max(0, total - limit);
          fullOutputFile = file;
          droppedBytes = dropped;
        },
        onDone: () => {
          output.end();
          finish();
          const signalNumber = exit?.signalNumber ?? null;
          resolve({
            exitCode: exit?.exitCode ?? null,
            signal: signalNumber === null ? null : signalName(signalNumber),
            signalNumber,
            interrupted,
            truncatedBytes,
            fullOutputFile,
            droppedBytes,
            memoryLimit: signalNumber === 9 ? memoryLimitHit() : undefined,
          });
        },
        onError: (message) => {
          output.end();
          finish();
          reject(new Error(`cannot run ${JSON.stringify(options.command)}: ${message}`));
        },
      },
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

