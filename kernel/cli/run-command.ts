import { ExitCode } from '../grading/exit-codes';
import { parseRunOptions, RUN_HELP, RUN_USAGE, UsageError, type RunOptions } from './run/options';

/**
 * `sockbook run`: one notebook runs in this process (-o, --junit FILE,
 * --results FILE); with --out-dir every notebook runs in a `sockbook run` of
 * its own, --jobs at a time. Resolves to the exit status (see exit-codes).
 */
export async function runNotebookCommand(argv: string[]): Promise<number> {
  let options: RunOptions;
  try {
    options = parseRunOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sockbook run: ${error.message}\n${RUN_USAGE}\n(sockbook run --help lists every option)\n`);
    return ExitCode.usage;
  }
  if (options.help) {
    process.stdout.write(`${RUN_HELP}\n`);
    return ExitCode.ok;
  }
  try {
    if (options.outDir !== undefined) {
      const { runBatch } = await import('./run/batch');
      return await runBatch(options);
    }
    const { runOneNotebook } = await import('./run/single-run');
    return await runOneNotebook(options, options.notebooks[0]);
  } catch (error) {
    // A usage error found late, or a file that cannot be read or written (an -o in a read-only place).
    process.stderr.write(`sockbook run: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.usage;
  }
}
