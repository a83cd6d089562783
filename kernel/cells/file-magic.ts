import type { MagicDialect } from './dialect';
import type { FileAction, FileCellPlan } from './plan';
import { pythonRstrip, pythonStrip } from './python-text';
import { parseSaveFileArgs } from './save-file-args';
import { invalidPlan, UsageError, type InvalidPlan } from './usage-error';

/** The course's magics that write a file and then act on its `%` lines. */
export type CourseFileMagic = 'cpp' | 'save_file' | 'asm' | 'cmake' | 'makefile';

/** Line comment start of the written file, per magic. */
export function commentStartOf(magic: CourseFileMagic): '//' | '#' {
  return magic === 'cpp' || magic === 'asm' ? '//' : '#';
}

/**
 * Build the file and the actions of a course file magic, byte for byte as
 * the course's Python `save_file` does.
 *
 * `args` is the magic line after the magic's name, as IPython passes it:
 * the line is right-stripped and split at its first space, so `%%cpp a.c`
 * gives `a.c`. `body` is the text after the magic line's newline.
 *
 * With C the comment start (`//` for cpp and asm, `#` otherwise):
 *  1. `%%makefile` first replaces every run of 4 spaces in the body with a
 *     tab (left to right, so 8 spaces become 2 tabs, 5 become tab + space)
 *     and uses `makefile` when no arguments are given.
 *  2. ARGS are parsed (FILE, --ejudge-style, --under-spoiler-threshold N).
 *  3. If the body does not end in `\n`, one is added (an empty body becomes
 *     `\n`).
 *  4. The file starts with `C %%cpp ARGS\n` (ARGS exactly as written).
 *  5. The body is split on `\n`; since it ends in `\n` the last piece is
 *     empty and is written too, so the file ends with an empty line. Each
 *     piece is written followed by `\n`, right-stripped first (Python
 *     whitespace) with --ejudge-style. Pieces starting with `%` are written
 *     as `C ` + piece and must be `%run CMD` (action: Markdown
 *     "Run: `CMD`", then run CMD, CMD stripped), `%MD TEXT` (action:
 *     Markdown TEXT, stripped) or `%C TEXT` (action: Markdown
 *     `\#\#\#\# \`TEXT\``, the course's escaped heading), as the dialect
 *     says (dialect.ts: in the 2019-21 magics `%# TEXT` and `%C TEXT` are
 *     silent comments and `%MD` does not exist); anything else makes the
 *     whole cell invalid.
 *  6. With --ejudge-style the file ends with `C line without \n` (a
 *     literal backslash-n) and no newline after it.
 *
 * An invalid `%` line gives an invalid plan: nothing is written and nothing
 * runs (the course would have left a half-written file behind).
 */
export function planFileMagic(
  magic: CourseFileMagic,
  args: string,
  body: string,
  dialect: MagicDialect = 'union',
): FileCellPlan | InvalidPlan {
  const comment = commentStartOf(magic);
  let text = body;
  let argsAsWritten = args;
  if (magic === 'makefile') {
    text = text.replaceAll('    ', '\t');
    if (pythonStrip(argsAsWritten) === '') argsAsWritten = 'makefile';
  }
  let parsed;
  try {
    parsed = parseSaveFileArgs(argsAsWritten, magic);
  } catch (error) {
    if (error instanceof UsageError) return invalidPlan(error.message);
    throw error;
  }
  if (!text.endsWith('\n')) text += '\n';

  let content = `${comment} %%cpp ${argsAsWritten}\n`;
  const actions: FileAction[] = [];
  for (const line of text.split('\n')) {
    const lineToWrite = (parsed.ejudgeStyle ? pythonRstrip(line) : line) + '\n';
    if (!line.startsWith('%')) {
      content += lineToWrite;
      continue;
    }
    const action = actionsOfPercentLine(line, comment, dialect);
    if (!action) {
      return invalidPlan(`Unknown %%${magic} subcommand: '${line}' (a % line is ${acceptedLines(comment, dialect)}${DIALECT_NOTE[dialect]})`);
    }
    actions.push(...action);
    content += `${comment} ${lineToWrite}`;
  }
  if (parsed.ejudgeStyle) content += `${comment} line without \\n`;

  const plan: FileCellPlan = { kind: 'file', magic, path: parsed.file, content, actions };
  if (parsed.spoilerThreshold !== undefined) plan.spoilerThreshold = parsed.spoilerThreshold;
  return plan;
}

/** Said after the accepted lines, so a user sees which year's magics the notebook's setup cell chose. */
const DIALECT_NOTE: Record<MagicDialect, string> = {
  'silent-comments': ", as in this notebook's 2019-21 magics",
  headings: ", as in this notebook's magics",
  union: '',
};

const RUN_PREFIX = '%run ';
const MD_PREFIX = '%MD ';
const HASH_COMMENT_PREFIX = '%# ';

/**
 * What one `%` line does in a dialect: its actions (none for a silent
 * comment), or undefined when the dialect rejects it. See dialect.ts.
 */
function actionsOfPercentLine(line: string, comment: string, dialect: MagicDialect): FileAction[] | undefined {
  if (line.startsWith(RUN_PREFIX)) {
    const command = pythonStrip(line.slice(RUN_PREFIX.length));
    return [
      { kind: 'markdown', text: `Run: \`${command}\`` },
      { kind: 'run', command },
    ];
  }
  const commentPrefix = `%${comment}`;
  if (dialect === 'silent-comments') {
    if (line.startsWith(HASH_COMMENT_PREFIX) || line.startsWith(`${commentPrefix} `)) return [];
    return undefined;
  }
  if (line.startsWith(MD_PREFIX)) {
    return [{ kind: 'markdown', text: pythonStrip(line.slice(MD_PREFIX.length)) }];
  }
  if (line.startsWith(commentPrefix)) {
    const text = pythonStrip(line.slice(commentPrefix.length));
    return [{ kind: 'markdown', text: `\\#\\#\\#\\# \`${text}\`` }];
  }
  if (dialect === 'union' && line.startsWith(HASH_COMMENT_PREFIX)) return [];
  return undefined;
}

/** The `%` lines a dialect accepts, for the error naming a rejected one. */
function acceptedLines(comment: string, dialect: MagicDialect): string {
  if (dialect === 'silent-comments') {
    return comment === '#' ? '%run CMD or %# TEXT' : `%run CMD, %# TEXT or %${comment} TEXT`;
  }
  const silent = dialect === 'union' && comment !== '#' ? ', %# TEXT' : '';
  return `%run CMD, %MD TEXT${silent} or %${comment} TEXT`;
}
