import type { LineMagicName, LineMagicPlan } from './plan';
import { invalidPlan, type InvalidPlan } from './usage-error';
import { parsePacketsArgs, parseStraceArgs, parseTcpStatesArgs } from './picture-args';

interface LineMagicRule {
  /** Checks the argument; returns an error text when it is wrong. */
  check(argument: string): string | undefined;
}

const noArgument = (name: string) => (argument: string) =>
  argument === '' ? undefined : `%${name} takes no argument, got: ${argument}`;

const RULES: Record<LineMagicName, LineMagicRule> = {
  cd: { check: () => undefined },
  pwd: { check: noArgument('pwd') },
  strict: {
    check: (argument) =>
      argument === '' || argument === 'on' || argument === 'off'
        ? undefined
        : `%strict takes on or off (or nothing, to show the mode), got: ${argument}`,
  },
  ps: { check: (argument) => (argument === '' || argument === '--tree' ? undefined : `%ps takes --tree (a picture) or nothing, got: ${argument}`) },
  ss: { check: noArgument('ss') },
  epoll: { check: (argument) => (/^\d+$/.test(argument) ? undefined : `usage: %epoll PID (a process id), got: ${argument || 'nothing'}`) },
  tcpstates: { check: (argument) => errorOf(parseTcpStatesArgs(argument)) },
  strace: { check: (argument) => errorOf(parseStraceArgs(argument)) },
  packets: { check: (argument) => errorOf(parsePacketsArgs(argument)) },
};

function errorOf(parsed: object | string): string | undefined {
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Line magics that belong to TypeScript cells (the executor handles them). */
const TYPESCRIPT_LINE_MAGICS = new Set(['p']);

function isLineMagicName(name: string): name is LineMagicName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}

/**
 * A cell that is one `%name argument` line (blank lines around it allowed):
 * a line-magic plan, an invalid plan for unknown magics or bad arguments,
 * or undefined when the cell is something else (including `%p EXPR`, which
 * the TypeScript executor evaluates).
 */
export function planLineMagic(code: string): LineMagicPlan | InvalidPlan | undefined {
  const lines = code.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) return undefined;
  const line = lines[0].trim();
  const match = /^%([A-Za-z_]\w*)(?:\s+(.*))?$/s.exec(line);
  if (!match || line.startsWith('%%')) return undefined;
  const name = match[1];
  const argument = (match[2] ?? '').trim();
  if (TYPESCRIPT_LINE_MAGICS.has(name)) return undefined;
  if (!isLineMagicName(name)) {
    const known = Object.keys(RULES).map((known) => `%${known}`).join(', ');
    const hint = name === 'run' ? ' (%run lines belong in a %%cpp FILE cell; to run a command alone use !cmd)' : '';
    return invalidPlan(`Line magic function \`%${name}\` not found${hint}. Line magics: ${known}, %p EXPR.`);
  }
  const error = RULES[name].check(argument);
  if (error) return invalidPlan(error);
  return { kind: 'line-magic', name, argument };
}
