import * as path from 'node:path';
import type { CompileRunPlan } from './plan';
import { splitShellWords, shellQuote, ShellWordsError } from './shell-words';
import { invalidPlan, type InvalidPlan } from './usage-error';

/** Leading body lines like `// cflags: -O2 -lm` (also `ldflags:`) add compiler flags. */
const FLAGS_LINE = /^\s*\/\/\s*(?:cflags|ldflags)\s*:(.*)$/i;

/**
 * `%%c [FILE] [-- FLAGS]` / `%%c++ [FILE] [-- FLAGS]` without `%run` lines:
 * the source is compiled and run by the kernel. Flags come from `-- FLAGS`
 * on the magic line, then from the `// cflags:` lines that open the body.
 */
export function planCompileRun(language: 'c' | 'c++', args: string, body: string): CompileRunPlan | InvalidPlan {
  const usage = `usage: %%${language} [FILE] [-- FLAGS]`;
  let words: string[];
  try {
    words = splitShellWords(args);
  } catch (error) {
    if (error instanceof ShellWordsError) return invalidPlan(`%%${language}: ${error.message}\n${usage}`);
    throw error;
  }
  const dashes = words.indexOf('--');
  const before = dashes >= 0 ? words.slice(0, dashes) : words;
  const flags = dashes >= 0 ? words.slice(dashes + 1) : [];
  if (before.length > 1) {
    return invalidPlan(`%%${language}: one file name expected before --, got: ${before.join(' ')}\n${usage}`);
  }
  if (before.length === 1 && before[0].startsWith('-')) {
    return invalidPlan(`%%${language}: flags go after --, got: ${before[0]}\n${usage}`);
  }
  if (before.length === 1 && before[0].endsWith('.exe')) {
    return invalidPlan(`%%${language}: ${before[0]} is the source file; the program is built next to it as NAME.exe\n${usage}`);
  }
  for (const line of body.split('\n')) {
    const match = FLAGS_LINE.exec(line);
    if (!match) break;
    try {
      flags.push(...splitShellWords(match[1]));
    } catch (error) {
      if (error instanceof ShellWordsError) return invalidPlan(`%%${language}: ${error.message}`);
      throw error;
    }
  }
  const source = body === '' || body.endsWith('\n') ? body : `${body}\n`;
  const plan: CompileRunPlan = { kind: 'compile-run', language, flags, source };
  if (before.length === 1) plan.path = before[0];
  return plan;
}

export interface CompileRunCommands {
  /** Where the lead writes plan.source (absolute). */
  sourcePath: string;
  /** The compile command, for bash with cwd = dir. */
  compile: string;
  /** The command that runs the program, for bash with cwd = dir. */
  run: string;
}

/**
 * The shell commands for a compile-run plan, meant to run with cwd = dir.
 * Paths stay relative to dir (so compiler messages read `cell.c:3:5: …`
 * and the compile cache sees the same command each time). The executable
 * sits next to the source: `x.c` → `x.exe`. Flags come after the sources so
 * that `-lm` links.
 */
export function compileRunCommands(plan: CompileRunPlan, dir: string): CompileRunCommands {
  const relativeSource = plan.path ?? (plan.language === 'c' ? 'cell.c' : 'cell.cpp');
  const parsed = path.parse(relativeSource);
  const relativeExe = path.join(parsed.dir, `${parsed.name}.exe`);
  const compiler = plan.language === 'c' ? 'gcc' : 'g++';
  const compile = [compiler, '-Wall', '-g', relativeSource, '-o', relativeExe, ...plan.flags].map(shellQuote).join(' ');
  const runTarget = path.isAbsolute(relativeExe) || relativeExe.startsWith('./') || relativeExe.startsWith('../')
    ? relativeExe
    : `./${relativeExe}`;
  return { sourcePath: path.resolve(dir, relativeSource), compile, run: shellQuote(runTarget) };
}
