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
  /** Linker scripts (`-T script`): their content is keyed. */
  linkerScripts: string[];
  /** Response files (`@file`) as written; their words are part of the command (see expandResponseFiles). */
  responseFiles: string[];
  /** `--sysroot` / `-isysroot`: where system headers and libraries come from instead. */
  sysroot?: string;
}

const COMPILER_NAME = /^(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$/;
/** Characters of a plain word list: anything else may be shell syntax. */
const SIMPLE_COMMAND = /^[A-Za-z0-9_\-./=+,:%^ \t]+$/;
/** Options whose value is the next word (or glued on). */
const OPTIONS_WITH_VALUE = new Set([
  '-o', '-I', '-L', '-l', '-D', '-U', '-x', '-iquote', '-isystem', '-idirafter', '-iprefix', '-iwithprefix',
  '-iwithprefixbefore', '-isysroot', '-imultilib', '-Xlinker', '-Xassembler', '-Xpreprocessor', '-u', '-e', '-z',
  '--param', '-T', '--sysroot',
]);
/** Modes that do not link into the output, print instead of compiling, or write side files. */
const REJECTED_OPTIONS = new Set([
  '-c', '-E', '-S', '-M', '-MM', '-MD', '-MMD', '-MG', '-MP', '-MF', '-MT', '-MQ', '-v', '-###', '--help', '--version',
  '-save-temps', '-dumpversion', '-dumpmachine', '-dumpspecs', '-dumpfullversion', '--coverage', '-ftest-coverage',
  '-fprofile-arcs', '-include', '-imacros', '-B', '-wrapper', '-specs', '-aux-info', '-fsyntax-only',
  '-fstack-usage', '-gsplit-dwarf', '-flto-report', '-fcallgraph-info', '-fplugin', '-print-search-dirs',
]);
const REJECTED_PREFIXES = [
  '-save-temps=', '-print-', '-dump', '-fdump-', '-fprofile-', '-fopt-info', '-specs=', '-fplugin=', '-B', '-MF',
  '-MT', '-MQ', '-Wp,-M', '-fcallgraph-info', '-Wa,-a', '--help=', '-Ttext', '-Tdata', '-Tbss',
];
/** Linker options that read files the key does not know (a script given to the linker directly). */
const REJECTED_LINKER_WORDS = /(?:^|,)(?:-T|--script|-dT|--default-script|@)/;
const LINKER_INPUT = /\.(?:o|a|so(?:\.\d+)*)$/;

/** An input the linker reads as it is (an object file or library): no #include to follow. */
export function isLinkerInput(input: string): boolean {
  return LINKER_INPUT.test(input);
}

/** Parse a command line; a string is the reason it is not cacheable. */
export function parseCompileCommand(command: string): CompileInvocation | string {
  const text = command.trim();
  if (text === '') return 'empty command';
  if (!SIMPLE_COMMAND.test(text.replace(/(^|[ \t])@/g, '$1'))) return 'not a plain word list (shell syntax, quotes or globs)';
  return parseCompileWords(text.split(/[ \t]+/));
}

/**
 * The words of a gcc response file: separated by white space, with '…' and
 * "…" quoting and \ escaping the next character, as gcc reads them.
 */
export function responseFileWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The invocation with each `@file` replaced by its words (read by `read`),
 * parsed again; argv and responseFiles stay as written. A response file that
 * names another one is not followed (not cacheable).
 */
export function expandResponseFiles(invocation: CompileInvocation, contents: ReadonlyMap<string, string>): CompileInvocation | string {
  if (invocation.responseFiles.length === 0) return invocation;
  const words = invocation.argv.flatMap((word, i) => {
    if (i === 0 || !word.startsWith('@')) return [word];
    return responseFileWords(contents.get(word.slice(1)) ?? '');
  });
  const expanded = parseCompileWords(words);
  if (typeof expanded === 'string') return `in a response file: ${expanded}`;
  if (expanded.responseFiles.length > 0) return 'a response file names another one';
  return { ...expanded, argv: invocation.argv, responseFiles: invocation.responseFiles };
}

/** Parse the words of a compile command (the compiler first). */
export function parseCompileWords(argv: string[]): CompileInvocation | string {
  const compiler = argv[0];
  if (compiler === undefined || !COMPILER_NAME.test(path.basename(compiler))) return `not a gcc/g++/cc/c++ command: ${compiler}`;
  const invocation: CompileInvocation = {
    argv, compiler, inputs: [], output: 'a.out', includeDirs: [], quoteDirs: [], libDirs: [], libs: [], linkerScripts: [], responseFiles: [],
  };
  let outputSeen = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('@') && arg.length > 1) {
      invocation.responseFiles.push(arg.slice(1));
      continue;
    }
    if ((arg.startsWith('-Wl,') || arg === '-Xlinker') && REJECTED_LINKER_WORDS.test(arg === '-Xlinker' ? argv[i + 1] ?? '' : arg.slice(4))) {
      return `linker option ${arg} reads a file the cache does not key`;
    }
    if (/^-T(?:text|data|bss)/.test(arg)) return `option ${arg} is not a plain compile-and-link`;
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '-') return 'reads the source from stdin';
      invocation.inputs.push(arg);
      continue;
    }
    if (REJECTED_OPTIONS.has(arg)) return `option ${arg} is not a plain compile-and-link`;
    const option = OPTIONS_WITH_VALUE.has(arg) ? arg : gluedOption(arg);
    if (option === undefined) {
      if (REJECTED_PREFIXES.some((prefix) => arg.startsWith(prefix))) return `option ${arg} is not a plain compile-and-link`;
      if (arg.startsWith('--sysroot=')) invocation.sysroot = arg.slice('--sysroot='.length);
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
      case '-T':
        invocation.linkerScripts.push(value);
        break;
      case '--sysroot':
      case '-isysroot':
        invocation.sysroot = value;
        break;
    }
  }
  // Inputs may come from a response file: checked again once it is read in.
  if (invocation.inputs.length === 0 && invocation.responseFiles.length === 0) return 'no input files';
  return invocation;
}

/** `-Iinclude` → `-I`, `-lm` → `-l`, `-DDEBUG` → `-D`, `-ox` → `-o`; undefined for other options. */
function gluedOption(arg: string): string | undefined {
  for (const option of ['-I', '-L', '-l', '-D', '-U', '-o', '-x', '-T']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  for (const option of ['-iquote', '-isystem', '-idirafter']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  return undefined;
}
