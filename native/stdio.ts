// C stdio for demos: printf/dprintf (argument types read from the format, as
// a C compiler would) and fflush(NULL) so libc's buffered output reaches fd 1.
import { cfunc } from './koffi-types';
import { check } from './errors';

const printfC = cfunc('int printf(const char *format, ...)');
const dprintfC = cfunc('int dprintf(int fd, const char *format, ...)');
const fflushC = cfunc('int fflush(void *stream)');

/** A value printf can take: numbers/bigints for numeric conversions, strings for %s, null for %p. */
export type PrintfArg = number | bigint | string | null;

const conversion = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L|q)?([diouxXeEfFgGaAcsp%n])/g;

function integerType(length: string | undefined, signed: boolean): string {
  const base = (() => {
    switch (length) {
      case 'l': case 'z': case 't': return 'long';
      case 'll': case 'q': case 'j': return 'long long';
      default: return 'int'; // hh and h are promoted to int
    }
  })();
  return signed ? base : `unsigned ${base}`;
}

/** The C type of each argument the format consumes, in order. */
export function printfTypes(format: string): string[] {
  const types: string[] = [];
  for (const m of format.matchAll(conversion)) {
    const [, , width, precision, length, conv] = m;
    if (conv === '%') continue;
    if (width === '*') types.push('int');
    if (precision === '*') types.push('int');
    if (conv === 'n') throw new Error('printf: %n is not supported');
    if (length === 'L') throw new Error('printf: long double (%L...) is not supported');
    if ('di'.includes(conv)) types.push(integerType(length, true));
    else if ('ouxX'.includes(conv)) types.push(integerType(length, false));
    else if (conv === 'c') types.push('int');
    else if (conv === 's') types.push('const char *');
    else if (conv === 'p') types.push('void *');
    else types.push('double');
  }
  return types;
}

/** Pairs each argument with its C type, as koffi's variadic calls want. */
function variadic(call: string, format: string, args: PrintfArg[]): unknown[] {
  if (typeof format !== 'string') throw new TypeError(`${call}: the format must be a string`);
  const types = printfTypes(format);
  if (types.length !== args.length) {
    throw new TypeError(`${call}: the format takes ${types.length} argument(s), got ${args.length}`);
  }
  return types.flatMap((type, i) => {
    const value = args[i];
    if (type === 'const char *' && typeof value !== 'string') throw new TypeError(`${call}: argument ${i + 1} is for %s and must be a string`);
    if (type !== 'const char *' && type !== 'void *' && typeof value !== 'number' && typeof value !== 'bigint') {
      throw new TypeError(`${call}: argument ${i + 1} must be a number`);
    }
    return [type, value];
  });
}

/**
 * printf(3) through the C library's stdout buffer: argument types follow the
 * format (%d int, %ld long, %s string, %f double ...). Returns the count of
 * characters. The text sits in libc's buffer until a newline (terminal) or
 * fflush(): call fflush() to see it at once.
 */
export function printf(format: string, ...args: PrintfArg[]): number {
  return check('printf', printfC(format, ...variadic('printf', format, args)) as number);
}

/** dprintf(3): printf straight to file descriptor `fd` (no stdio buffer). */
export function dprintf(fd: number, format: string, ...args: PrintfArg[]): number {
  return check('dprintf', dprintfC(fd, format, ...variadic('dprintf', format, args)) as number);
}

/** fflush(NULL): writes out every C stdio buffer (so printf output reaches fd 1 now). */
export function fflush(): number {
  return check('fflush', fflushC(null) as number);
}
