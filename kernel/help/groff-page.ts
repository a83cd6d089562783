// Lays out a manual page with groff (Debian's groff-base, what `man` itself
// uses) as plain text, then cuts it into its sections. groff runs as a child
// process, so the kernel's event loop never waits on it.
import { execFile } from 'node:child_process';

/** A page laid out by section, or why it could not be. */
export type RenderedPage =
  | { ok: true; /** Section name (as the page writes it) → its lines, unindented, in page order. */ sections: ReadonlyMap<string, readonly string[]> }
  | { ok: false; problem: string };

export const GROFF_MISSING = 'man pages need groff (Debian package groff-base): apt-get install groff-base';

/** Text width of a section's body, as the pages were laid out before (body indent 7 + 74). */
const LINE_LENGTH = 81;
const BODY_INDENT = 7;
const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Read before the page: ragged right and no hyphenation throughout (a page's
 * own `.ad b` / `.hy` are turned into that too), since a notebook pane is no
 * printed page and a word split in two cannot be searched or copied.
 */
const PRELUDE = [
  '.ad l', '.nh',
  '.rn ad sockbook-ad', '.de ad', '.sockbook-ad l', '..',
  '.rn hy sockbook-hy', '.de hy', '..',
  '',
].join('\n');

/** -K utf8: the pages are UTF-8 (preconv); -t: tables (tbl); -P-cbou: grotty prints neither SGR nor overstrikes. */
const GROFF_ARGS = ['-K', 'utf8', '-t', '-man', '-Tutf8', '-P-cbou', `-rLL=${LINE_LENGTH}n`, '-rHY=0'];

/** SGR sequences and backspace overstrikes, in case a groff build prints them all the same. */
const SGR = /\x1b\[[0-9;]*m/g;
const OVERSTRIKE = /.\x08/gu;

function runGroff(source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'groff',
      GROFF_ARGS,
      { encoding: 'utf8', maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS, env: { ...process.env, GROFF_NO_SGR: '1' } },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
    // groff missing or ending early: the write fails with EPIPE, and the callback says why.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(PRELUDE + source);
  });
}

/** groff's text cut into sections: headings start in column 0; the running header and footer are dropped. */
export function pageSections(text: string): Map<string, string[]> {
  const lines = text.replace(SGR, '').replace(OVERSTRIKE, '').split('\n').map((line) => line.trimEnd());
  const first = lines.findIndex((line) => line !== '');
  let last = lines.length - 1;
  while (last > first && lines[last] === '') last--;
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  sections.set('', current);
  for (const line of lines.slice(first + 1, last)) {
    if (line !== '' && !line.startsWith(' ')) {
      current = [];
      sections.set(line.trim(), current);
    } else if (line !== '' || (current.length > 0 && current[current.length - 1] !== '')) {
      // Subsection headings sit at indent 3, the body at 7: both end up flush left.
      current.push(line.replace(new RegExp(`^ {1,${BODY_INDENT}}`), ''));
    }
  }
  for (const body of sections.values()) while (body.length > 0 && body[body.length - 1] === '') body.pop();
  return sections;
}

/** The man(7) source of a page laid out as plain text, by section. */
export async function renderManPage(source: string): Promise<RenderedPage> {
  try {
    return { ok: true, sections: pageSections(await runGroff(source)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, problem: GROFF_MISSING };
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, problem: `groff could not lay out this page: ${reason}` };
  }
}
