import { planCompileRun } from './compile-run';
import { detectDialect, type MagicDialect } from './dialect';
import { planFileMagic, type CourseFileMagic } from './file-magic';
import { planLineMagic } from './line-magic';
import type { CellPlan } from './plan';
import { findPython, pythonMessage } from './python-detect';
import { shellCommandsOf } from './shell-cell';
import { invalidPlan } from './usage-error';
import { planWritefile } from './writefile-magic';

/** The first line of the course notebooks' Python setup cell. */
export const COURSE_SETUP_LINE = '# look at tools/set_up_magics.ipynb';

const COURSE_FILE_MAGICS: readonly CourseFileMagic[] = ['cpp', 'save_file', 'asm', 'cmake', 'makefile'];
const CELL_MAGICS = ['cpp', 'save_file', 'asm', 'cmake', 'makefile', 'c', 'c++', 'writefile', 'bash', 'sh'];
const PYTHON_CELL_MAGICS = new Set(['python', 'python2', 'python3', 'pypy']);

export interface MagicLine {
  /** The word after `%%`. */
  name: string;
  /** The rest of the line after the first space, as IPython passes it. */
  args: string;
  /** The text after the magic line's newline. */
  body: string;
}

/**
 * Split a cell whose first line starts with `%%` as IPython does: the
 * first line without its line end is right-stripped and split at its first
 * space into name and arguments; the body is everything after the first
 * newline.
 */
export function splitMagicLine(cell: string): MagicLine | undefined {
  if (!cell.startsWith('%%')) return undefined;
  const newline = cell.indexOf('\n');
  const firstLine = newline < 0 ? cell : cell.slice(0, newline);
  const body = newline < 0 ? '' : cell.slice(newline + 1);
  // trimEnd, not /\s+$/: that regex is quadratic on a long run of inner whitespace.
  const stripped = firstLine.slice(2).trimEnd();
  const space = stripped.indexOf(' ');
  return space < 0
    ? { name: stripped, args: '', body }
    : { name: stripped.slice(0, space), args: stripped.slice(space + 1), body };
}

/** IPython drops whitespace-only lines before the first line of a cell. */
function dropLeadingBlankLines(code: string): string {
  return code.replace(/^(?:[ \t\r\f\v]*\n)+/, '');
}

/** The cell magic line of a cell whose first non-blank line starts with `%%`. */
export function cellMagicOf(code: string): MagicLine | undefined {
  return splitMagicLine(dropLeadingBlankLines(code));
}

/**
 * Decide what a cell asks for, from its text. Pure. `dialect` is the one the
 * notebook's setup cell chose (the union when it chose none).
 */
export function planCell(code: string, dialect: MagicDialect = 'union'): CellPlan {
  const cell = dropLeadingBlankLines(code);
  const firstLine = cell.split('\n', 1)[0];
  if (firstLine.trim() === COURSE_SETUP_LINE) {
    const detected = detectDialect(cell);
    return detected ? { kind: 'setup', dialect: detected } : { kind: 'setup' };
  }

  const magic = splitMagicLine(cell); // cell has no leading blank lines left
  if (magic) return planCellMagic(magic, dialect);

  const commands = shellCommandsOf(cell);
  if (commands) return { kind: 'shell', commands };

  const lineMagic = planLineMagic(cell);
  if (lineMagic) return lineMagic;

  const python = findPython(code);
  if (python) return { kind: 'python', message: pythonMessage(python) };

  return { kind: 'typescript', code };
}

function planCellMagic({ name, args, body }: MagicLine, dialect: MagicDialect): CellPlan {
  if ((COURSE_FILE_MAGICS as readonly string[]).includes(name)) {
    return planFileMagic(name as CourseFileMagic, args, body, dialect);
  }
  switch (name) {
    case 'writefile':
      return planWritefile(args, body);
    case 'bash':
    case 'sh':
      return { kind: 'bash', script: body };
    case 'c':
    case 'c++':
      // With % lines it is a course file cell, written and run like %%cpp.
      if (body.split('\n').some((line) => line.startsWith('%'))) return planFileMagic('cpp', args, body, dialect);
      return planCompileRun(name, args, body);
  }
  if (PYTHON_CELL_MAGICS.has(name)) {
    return {
      kind: 'python',
      message: pythonMessage({
        line: 1,
        text: `%%${name}`,
        hints: ['Python cells cannot run here: write TypeScript, or C in a %%cpp FILE / %%c cell'],
      }),
    };
  }
  const known = CELL_MAGICS.map((magic) => `%%${magic}`).join(', ');
  return invalidPlan(`Cell magic \`%%${name}\` not found. Cell magics: ${known}.`);
}
