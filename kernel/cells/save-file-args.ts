import { pythonSplit } from './python-text';
import { UsageError } from './usage-error';

/** The arguments of the course's save_file family of magics. */
export interface SaveFileArgs {
  file: string;
  ejudgeStyle: boolean;
  /** Absent when not given or 0 (the course tests it for truthiness). */
  spoilerThreshold?: number;
}

const EJUDGE = '--ejudge-style';
const SPOILER = '--under-spoiler-threshold';
const LONG_OPTIONS = [EJUDGE, SPOILER];

/**
 * Parse `FILE [--ejudge-style] [--under-spoiler-threshold N]` the way the
 * course's argparse parser does: words split on Python whitespace, options
 * anywhere, unique prefixes of long options accepted, `--opt=value` form,
 * `--` ends the options. Errors carry argparse's wording.
 */
export function parseSaveFileArgs(args: string, magic: string): SaveFileArgs {
  const words = pythonSplit(args);
  const positionals: string[] = [];
  let ejudgeStyle = false;
  let spoilerThreshold: number | undefined;
  let optionsEnded = false;
  const fail = (message: string): never => {
    throw new UsageError(`%%${magic}: error: ${message}\nusage: %%${magic} FILE [--ejudge-style] [--under-spoiler-threshold N]`);
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (optionsEnded || !word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq >= 0 ? word.slice(0, eq) : word;
    const matches = LONG_OPTIONS.filter((option) => name.startsWith('--') && option.startsWith(name));
    const option = LONG_OPTIONS.includes(name) ? name : matches.length === 1 ? matches[0] : undefined;
    if (!option) {
      if (matches.length > 1) fail(`ambiguous option: ${name} could match ${matches.join(', ')}`);
      fail(`unrecognized arguments: ${word}`);
    }
    if (option === EJUDGE) {
      if (eq >= 0) fail(`argument ${EJUDGE}: ignored explicit argument '${word.slice(eq + 1)}'`);
      ejudgeStyle = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? word.slice(eq + 1) : words[i + 1];
    if (eq < 0) {
      if (value === undefined || (value.startsWith('-') && !/^-\d+$/.test(value))) value = undefined;
      else i++;
    }
    if (value === undefined) fail(`argument ${SPOILER}: expected one argument`);
    else {
      // Python's int(): optional sign, digits, single underscores between digits.
      if (!/^[+-]?\d+(_\d+)*$/.test(value)) fail(`argument ${SPOILER}: invalid int value: '${value}'`);
      const parsed = Number.parseInt(value.replace(/_/g, ''), 10);
      spoilerThreshold = parsed === 0 ? undefined : parsed;
    }
  }
  if (positionals.length === 0) fail('the following arguments are required: FILE');
  if (positionals.length > 1) fail(`unrecognized arguments: ${positionals.slice(1).join(' ')}`);
  const result: SaveFileArgs = { file: positionals[0], ejudgeStyle };
  if (spoilerThreshold !== undefined) result.spoilerThreshold = spoilerThreshold;
  return result;
}
