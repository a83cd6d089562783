// Which `%run` commands the compile cache takes: a gcc/clang command line
// that compiles and links plain files, parsed into what it reads and writes.
import * as path from 'node:path';

/** What a cacheable compile command reads and writes. */
export interface CompileInvocation {
  /** The words of the command, the compiler first. */
  argv: string[];
  compiler: string;
  /** Input files as written (relative to cwd or absolute). */
  inputs: string[];
  /** The output file as written (`a.out` when no -o). */
  output: string;
  /** -I / -isystem / -idirafter directories, searched for "…" and <…>. */
  includeDirs: string[];
  /** -iquote directories, searched for "…" only. */
  quoteDirs: string[];
  libDirs: string[];
  libs: string[];
}

const COMPILER_NAME = /^(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$/;
/** Characters of a plain word list: anything else may be shell syntax. */
const SIMPLE_COMMAND = /^[A-Za-z0-9_\-./=+,:%^ \t]+$/;
/** Options whose value is the next word (or glued on). */
const OPTIONS_WITH_VALUE = new Set([
  '-o', '-I', '-L', '-l', '-D', '-U', '-x', '-iquote', '-isystem', '-idirafter', '-iprefix', '-iwithprefix',
  '-iwithprefixbefore', '-isysroot', '-imultilib', '-Xlinker', '-Xassembler', '-Xpreprocessor', '-u', '-e', '-z',
  '--param',
]);
/** Modes that do not link into the output, print instead of compiling, or write side files. */
const REJECTED_OPTIONS = new Set([
  '-c', '-E', '-S', '-M', '-MM', '-MD', '-MMD', '-MG', '-MP', '-MF', '-MT', '-MQ', '-v', '-###', '--help', '--version',
  '-save-temps', '-dumpversion', '-dumpmachine', '-dumpspecs', '-dumpfullversion', '--coverage', '-ftest-coverage',
  '-fprofile-arcs', '-include', '-imacros', '-B', '-wrapper', '-specs', '-T', '-aux-info', '-fsyntax-only',
  '-fstack-usage', '-gsplit-dwarf', '-flto-report', '-fcallgraph-info', '-fplugin', '-print-search-dirs',
]);
const REJECTED_PREFIXES = [
  '-save-temps=', '-print-', '-dump', '-fdump-', '-fprofile-', '-fopt-info', '-specs=', '-fplugin=', '-B', '-MF',
  '-MT', '-MQ', '-Wp,-M', '-fcallgraph-info', '-Wa,-a', '--help=', '-T', '@',
];
const LINKER_INPUT = /\.(?:o|a|so(?:\.\d+)*)$/;

/** An input the linker reads as it is (an object file or library): no #include to follow. */
export function isLinkerInput(input: string): boolean {
  return LINKER_INPUT.test(input);
}

/** Parse a command line; a string is the reason it is not cacheable. */
export function parseCompileCommand(command: string): CompileInvocation | string {
  const text = command.trim();
  if (text === '') return 'empty command';
  if (!SIMPLE_COMMAND.test(text)) return 'not a plain word list (shell syntax, quotes or globs)';
  const argv = text.split(/[ \t]+/);
  const compiler = argv[0];
  if (!COMPILER_NAME.test(path.basename(compiler))) return `not a gcc/g++/cc/c++ command: ${compiler}`;
  const invocation: CompileInvocation = {
    argv, compiler, inputs: [], output: 'a.out', includeDirs: [], quoteDirs: [], libDirs: [], libs: [],
  };
  let outputSeen = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '-') return 'reads the source from stdin';
      invocation.inputs.push(arg);
      continue;
    }
    if (REJECTED_OPTIONS.has(arg)) return `option ${arg} is not a plain compile-and-link`;
    const option = OPTIONS_WITH_VALUE.has(arg) ? arg : gluedOption(arg);
    if (option === undefined) {
      if (REJECTED_PREFIXES.some((prefix) => arg.startsWith(prefix))) return `option ${arg} is not a plain compile-and-link`;
      continue;
    }
    let value: string;
    if (option === arg) {
      if (i + 1 >= argv.length) return `option ${arg} lacks its value`;
      value = argv[++i];
    } else {
      value = arg.slice(option.length);
    }
    switch (option) {
      case '-o':
        if (outputSeen) return 'more than one -o';
        if (value === '-') return 'writes to stdout';
        outputSeen = true;
        invocation.output = value;
        break;
      case '-I':
      case '-isystem':
      case '-idirafter':
        invocation.includeDirs.push(value);
        break;
      case '-iquote':
        invocation.quoteDirs.push(value);
        break;
      case '-L':
        invocation.libDirs.push(value);
        break;
      case '-l':
        invocation.libs.push(value);
        break;
    }
  }
  if (invocation.inputs.length === 0) return 'no input files';
  return invocation;
}

/** `-Iinclude` → `-I`, `-lm` → `-l`, `-DDEBUG` → `-D`, `-ox` → `-o`; undefined for other options. */
function gluedOption(arg: string): string | undefined {
  for (const option of ['-I', '-L', '-l', '-D', '-U', '-o', '-x']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  for (const option of ['-iquote', '-isystem', '-idirafter']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  return undefined;
}
