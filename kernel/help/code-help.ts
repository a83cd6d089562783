// complete_request and inspect_request: C cells get the C
// library (man pages, the machine's constants) and the cell's own names;
// TypeScript cells get the language service, plus the man page of a libc name.
import type { CompletionResult, InspectionResult } from '../interpreter/interpreter';
import { isLibcMember, prefixAtCursor, wordAtCursor } from './cursor-word';
import { findManPage, libraryNames, manPageText, type ManPage } from './man-pages';
import { isConstantName } from '../../native/constant-table';
import { loadConstants } from './system-constants';

/** What TypeScript cells are completed and explained by (the executor). */
export interface TypeScriptHelp {
  complete(code: string, cursorPos: number): Promise<CompletionResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult>;
}

/** At most this many completions: enough to scroll, few enough to read. */
const MAX_MATCHES = 300;

/** A cell in C, C++ or assembly (the magics that hold such code). */
export function isCCell(code: string): boolean {
  const first = code.trimStart().split('\n', 1)[0] ?? '';
  if (/^%%(cpp|c|c\+\+|asm)(\s|$)/.test(first)) return true;
  return /^%%(save_file|writefile)\s+(?:-a\s+)?\S+\.(c|h|cc|cpp|cxx|hpp|hh|S|s)(\s|$)/.test(first);
}

const C_KEYWORDS = [
  'auto', 'bool', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern',
  'false', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed',
  'sizeof', 'static', 'struct', 'switch', 'true', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while',
  'NULL', 'size_t', 'ssize_t', 'socklen_t', 'pid_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int32_t', 'int64_t',
];

/** The identifiers a C cell uses, outside comments, strings and its `%` lines. */
export function cellIdentifiers(code: string): Set<string> {
  const text = code
    .split('\n')
    .filter((line) => !line.startsWith('%'))
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, ' ');
  return new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

type Kind = 'variable' | 'function' | 'constant' | 'keyword';

async function completeC(code: string, cursor: number): Promise<CompletionResult> {
  const prefix = prefixAtCursor(code, cursor);
  const kinds = new Map<string, Kind>();
  const add = (names: Iterable<string>, kind: Kind) => {
    for (const name of names) if (name.startsWith(prefix.word) && !kinds.has(name)) kinds.set(name, kind);
  };
  // The word being typed is not a suggestion of itself (other uses of it are).
  add(cellIdentifiers(code.slice(0, prefix.start) + code.slice(prefix.end)), 'variable');
  add(C_KEYWORDS, 'keyword');
  add(await libraryNames(), 'function');
  add(Object.keys(await loadConstants().catch(() => ({}))), 'constant');
  const kept = [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_MATCHES);
  return {
    matches: kept.map(([text]) => text),
    cursorStart: prefix.start,
    cursorEnd: prefix.end,
    metadata: {
      _jupyter_types_experimental: kept.map(([text, type]) => ({ start: prefix.start, end: prefix.end, text, type })),
    },
  };
}

const notFound: InspectionResult = { found: false, data: {} };

async function constantHelp(name: string): Promise<string | undefined> {
  const constants = await loadConstants().catch(() => undefined);
  if (constants === undefined || !isConstantName(constants, name)) return undefined;
  const value = constants[name];
  return `${name} = ${value} (0x${value.toString(16)}), from the C headers of this machine`;
}

async function inspectC(code: string, cursor: number, detail: number): Promise<InspectionResult> {
  const word = wordAtCursor(code, cursor);
  if (!word) return notFound;
  const page = await findManPage(word.word);
  const text = page ? manPageText(page, detail) : await constantHelp(word.word);
  return text === undefined ? notFound : { found: true, data: { 'text/plain': text } };
}

/** The man page of a libc binding: NAME itself, or the call NAME_async wraps. */
async function bindingManPage(name: string): Promise<ManPage | undefined> {
  return (await findManPage(name)) ?? (name.endsWith('_async') ? findManPage(name.slice(0, -'_async'.length)) : undefined);
}

/**
 * A reply that says nothing a student can use: no answer, `any` (a name the
 * cells never declared), or a bare koffi type (a function declared with
 * koffi.func: its type line names Koffi and no documentation follows).
 */
export function saysNothing(reply: InspectionResult): boolean {
  const text = reply.data['text/plain'];
  if (!reply.found || typeof text !== 'string' || /^\s*(any)?\s*$/.test(text)) return true;
  return !text.includes('\n\n') && /koffi/i.test(text);
}

async function inspectTypeScript(code: string, cursor: number, detail: number, typescript: TypeScriptHelp): Promise<InspectionResult> {
  const reply = await typescript.inspect(code, cursor, detail);
  const word = wordAtCursor(code, cursor);
  if (!word) return reply;
  const member = isLibcMember(code, word);
  const nothing = saysNothing(reply);
  if (!member && !nothing) return reply;
  const page = await bindingManPage(word.word);
  if (!page) return reply;
  const parts = nothing ? [] : [String(reply.data['text/plain'])];
  parts.push(manPageText(page, detail));
  return { found: true, data: { ...(nothing ? {} : reply.data), 'text/plain': parts.join('\n\n') } };
}

export function completeCode(code: string, cursor: number, typescript: TypeScriptHelp): Promise<CompletionResult> {
  return isCCell(code) ? completeC(code, cursor) : typescript.complete(code, cursor);
}

export function inspectCode(code: string, cursor: number, detail: number, typescript: TypeScriptHelp): Promise<InspectionResult> {
  return isCCell(code) ? inspectC(code, cursor, detail) : inspectTypeScript(code, cursor, detail, typescript);
}
