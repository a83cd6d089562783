import type { OutputSink } from '../interpreter/output-sink';
import { htmlBundle } from '../display/markdown';
import { lookupCompile } from '../runner/compile-cache';
import { describeExitStatus, describeInputCut, describeTruncation } from '../runner/describe-exit';
import { showAnnotation } from '../display/annotation';
import { runCommand } from '../runner/run-command';
import type { RunResult } from '../runner/types';
import { formatSpoilerOutput } from '../cells/spoiler';

export interface CommandStepOptions {
  command: string;
  cwd: string;
  sink: OutputSink;
  interrupt: AbortSignal;
  /** The command's whole environment (default: the kernel's). */
  env?: NodeJS.ProcessEnv;
  /** --under-spoiler-threshold N: output shown as one HTML block instead of streamed. */
  spoilerThreshold?: number;
}

export interface CommandStepResult {
  /** Exit 0 (or a compile cache hit). */
  succeeded: boolean;
  interrupted: boolean;
  /** The one line that says how it ended, when not exit 0. */
  summary: string | null;
}

/**
 * Runs one shell command for a cell: through the compile cache when it is a
 * compiler call, streaming its output (or collecting it for a spoiler), and
 * saying how it ended (and that its output was cut) in annotations of their own.
 */
export async function runCommandStep(options: CommandStepOptions): Promise<CommandStepResult> {
  const { command, cwd, env, sink, interrupt, spoilerThreshold } = options;
  const collected: string[] = [];
  const show = (text: string): void => {
    if (spoilerThreshold === undefined) sink.stream('stdout', text);
    else collected.push(text);
  };

  const cached = await lookupCompile(command, cwd, { variant: 'pty', env }).catch(() => ({ cacheable: false as const }));
  let result: RunResult;
  if (cached.cacheable && cached.hit) {
    show(cached.output);
    result = { exitCode: 0, signal: null, signalNumber: null, interrupted: false, truncatedBytes: 0 };
  } else {
    let output = '';
    result = await runCommand({
      command,
      cwd,
      env,
      allowStdin: sink.allowStdin,
      signal: interrupt,
      onOutput: (text) => {
        if (cached.cacheable && output.length < 1 << 20) output += text;
        show(text);
      },
      onInputWanted: sink.allowStdin ? () => sink.input('') : undefined,
      onInputCut: (lineBytes, keptBytes) => showAnnotation(sink, 'notice', describeInputCut(lineBytes, keptBytes)),
    });
    // Not awaited: the next command need not wait for the copy into the cache or its eviction (a later lookup does).
    if (cached.cacheable && !cached.hit && result.exitCode === 0) void cached.store(output, 0).catch(() => undefined);
  }

  if (spoilerThreshold !== undefined && collected.length > 0) {
    const text = collected.join('');
    sink.display(htmlBundle(formatSpoilerOutput(text, spoilerThreshold), text));
  }
  // Beside the program's output, never in its stream: a terminal shows no such lines.
  const exitLine = result.interrupted ? null : describeExitStatus(result);
  const cutLine = describeTruncation(result);
  if (exitLine) showAnnotation(sink, 'exit', exitLine);
  if (cutLine) showAnnotation(sink, 'output-cut', cutLine);
  const summary = result.interrupted ? null : [exitLine, cutLine].filter((line) => line !== null).join('\n') || null;
  return { succeeded: result.exitCode === 0 && !result.interrupted, interrupted: result.interrupted, summary };
}
