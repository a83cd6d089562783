import * as path from 'node:path';
import { inspect } from 'node:util';
import type { CellError } from '../../interpreter/outcome';
import { errorHeader, marker, place } from '../../interpreter/traceback-colour';
import type { CompiledCell, SyntaxProblem } from './cell-compiler';

/** The cells run so far, by the file name their scripts were given (`cell[3]`). */
export type CellRegistry = ReadonlyMap<string, CompiledCell>;

const FRAME = /^\s*at (?:(.*) \()?(.+?):(\d+):(\d+)\)?$/;
/** The executor's own frames (child and protocol) are hidden from tracebacks. */
const EXECUTOR_DIR = path.dirname(__dirname) + path.sep;

/**
 * Turns a thrown value into the error a user sees: its name and message, and
 * the stack with cell positions mapped back to the TypeScript the user wrote;
 * the executor's own frames and Node internals are left out.
 */
export function cellErrorFrom(thrown: unknown, cells: CellRegistry): CellError {
  if (!(thrown instanceof Error)) {
    const evalue = inspect(thrown);
    return { ename: 'Error', evalue, traceback: [`${marker('Uncaught')} ${evalue}`] };
  }
  const ename = thrown.name || 'Error';
  const evalue = thrown.message;
  const frames: string[] = [];
  let excerpt: string[] = [];
  for (const line of (thrown.stack ?? '').split('\n')) {
    const frame = FRAME.exec(line);
    if (!frame || !line.trimStart().startsWith('at ')) continue;
    const [, fn, file = '', lineText = '0', columnText = '0'] = frame;
    const cell = cells.get(file);
    if (cell) {
      const position = cell.toCellPosition(Number(lineText), Number(columnText));
      if (!position) continue;
      const where = `${file}:${position.line}:${position.column}`;
      frames.push(fn ? `    at ${fn} (${place(where)})` : `    at ${place(where)}`);
      if (excerpt.length === 0) excerpt = sourceExcerpt(cell.source, position.line, position.column, where);
    } else if (file === 'node:vm' || file.startsWith(EXECUTOR_DIR)) {
      // Below this frame is the executor calling the user's code.
      break;
    } else if (!file.startsWith('node:internal')) {
      frames.push(line.replace(/^\s*/, '    '));
    }
  }
  return { ename, evalue, traceback: [errorHeader(ename, evalue), ...frames, ...excerpt] };
}

/** The error for a cell the parser rejects: nothing of it has run. */
export function syntaxErrorOf(problems: SyntaxProblem[], cellName: string, source: string): CellError {
  const first = problems[0];
  if (!first) return { ename: 'SyntaxError', evalue: 'invalid syntax', traceback: [errorHeader('SyntaxError', 'invalid syntax')] };
  const where = `${cellName}:${first.line}:${first.column}`;
  return {
    ename: 'SyntaxError',
    evalue: `${first.message} (${where})`,
    traceback: [
      ...problems.map((p) => `${place(`${cellName}:${p.line}:${p.column}`)} - ${marker('error')}${p.code === undefined ? '' : ` TS${p.code}`}: ${p.message}`),
      ...sourceExcerpt(source, first.line, first.column, where),
    ],
  };
}

/** A longer source line is shown around the column only: a 1 MB line would flood every frontend twice (reply and iopub). */
const LONG_LINE = 240;
const AROUND = 80;

/** The source line with a caret under the column, as compilers print it. */
function sourceExcerpt(source: string, line: number, column: number, where: string): string[] {
  const full = source.split('\n')[line - 1];
  if (full === undefined) return [];
  const at = Math.max(0, column - 1);
  let text = full;
  let caret = at;
  if (full.length > LONG_LINE) {
    const start = Math.max(0, at - AROUND);
    const end = Math.min(full.length, at + AROUND);
    text = `${start > 0 ? '…' : ''}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
    caret = at - start + (start > 0 ? 1 : 0);
  }
  const number = String(line);
  return ['', place(where), `${number} | ${text}`, `${' '.repeat(number.length)} | ${' '.repeat(caret)}${marker('^')}`];
}
