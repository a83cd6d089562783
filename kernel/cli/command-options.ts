import { parseArgs } from 'node:util';

/** One option of a subcommand, with what its usage says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the usage text (string options). */
  value?: string;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The values given on the command line; an option not given is absent. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
};

/** A subcommand whose options are parsed by parseCommandLine. */
export interface Subcommand<O extends OptionSpecs> {
  /** `kernel`, `install`. */
  name: string;
  /** What follows `sockbook NAME` in the usage line. */
  synopsis: string;
  /** What the command does, in one line. */
  summary: string;
  options: O;
  /** Runs the command; throws UsageError when the options do not fit together. */
  start(values: OptionValues<O>): Promise<void>;
}

/** Bad command-line input: told with the command's usage line, exit status 2. */
export class UsageError extends Error {}

/** Every subcommand takes -h/--help; the parser answers it before start() runs. */
const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'print this usage and exit' };

export type ParsedCommandLine<O extends OptionSpecs> = { help: true } | { help: false; values: OptionValues<O> };

/**
 * Reads args with node:util's parseArgs, non-strict so that each mistake gets
 * a message naming the option as the user wrote it (parseArgs' own strict
 * errors talk about its API).
 */
export function parseCommandLine<O extends OptionSpecs>(command: Subcommand<O>, args: string[]): ParsedCommandLine<O> {
  const specs: OptionSpecs = { ...command.options, help: HELP };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  const { tokens } = parseArgs({ args, options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument '${token.value}'`);
    if (token.kind === 'option-terminator') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) throw new UsageError(`unknown option '${token.rawName}'`);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    // `--prefix --user` means a forgotten value, not a prefix named "--user".
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      throw new UsageError(`${token.rawName} needs a value (${spec.value ?? 'VALUE'})`);
    }
    values[token.name] = token.value;
  }
  if (values.help === true) return { help: true };
  delete values.help;
  return { help: false, values: values as OptionValues<O> };
}

/** `sockbook NAME SYNOPSIS`, the one line shown with an error. */
export function usageLine(command: Subcommand<OptionSpecs>): string {
  return `sockbook ${command.name} ${command.synopsis}`;
}

/** The usage line, what the command does, and every option, one a line. */
export function usageText(command: Subcommand<OptionSpecs>, indent = ''): string {
  const specs: OptionSpecs = { ...command.options, help: HELP };
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flags = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    return { flags, help: spec.help };
  });
  const width = Math.max(...rows.map((row) => row.flags.length));
  return [
    `${indent}${usageLine(command)}`,
    `${indent}    ${command.summary}`,
    ...rows.map((row) => `${indent}    ${row.flags.padEnd(width)}  ${row.help}`),
  ].join('\n');
}
