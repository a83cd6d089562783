// The C library's manual pages (Debian's manpages-dev): finding a page by
// function name, reading its gzip'ed roff (laid out by groff), and the index
// of names for completion.
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { renderManPage, type RenderedPage } from './groff-page';
import { readStoredPage } from './man-page-cache';
import { readSetting, SETTINGS } from '../base/settings';

const gunzipAsync = promisify(gunzip);

/** Where manual pages live; SOCKBOOK_MAN_DIR overrides it (for a different layout). */
export function manRoot(): string {
  return readSetting('SOCKBOOK_MAN_DIR') ?? SETTINGS.SOCKBOOK_MAN_DIR.shown;
}

/** Sections searched, in order: system calls, library functions, types, then overviews (epoll(7), tcp(7) …). */
const SECTIONS = ['2', '3', '3type', '2type', '7'] as const;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SO_HOPS = 4;

export interface ManPage {
  name: string;
  section: string;
  /** `socket(2)`. */
  reference: string;
  page: RenderedPage;
}

async function readSource(file: string): Promise<string | undefined> {
  for (const candidate of [file, `${file}.gz`]) {
    try {
      const data = await readFile(candidate);
      return candidate.endsWith('.gz') ? (await gunzipAsync(data)).toString('utf8') : data.toString('utf8');
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** A page that is only `.so man2/other.2` stands for that other page. */
function soTarget(source: string): string | undefined {
  const lines = source.split('\n').filter((line) => line.trim() !== '' && !/^[.']\s*\\"/.test(line));
  const match = lines.length === 1 ? /^\.so\s+(\S+)/.exec(lines[0] ?? '') : null;
  return match?.[1];
}

const cache = new Map<string, Promise<ManPage | undefined>>();
const CACHE_LIMIT = 64;

/** The manual page of a C name (socket, epoll_wait, epoll_event, epoll …), from section 2, then 3; undefined if there is none. */
export function findManPage(name: string): Promise<ManPage | undefined> {
  if (!NAME.test(name)) return Promise.resolve(undefined);
  let found = cache.get(name);
  if (!found) {
    found = loadManPage(name);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(name, found);
    // A page groff could not lay out (not installed yet, say) is tried again next time.
    void found.then((page) => {
      if (page && !page.page.ok) cache.delete(name);
    });
  }
  return found;
}

async function loadManPage(name: string): Promise<ManPage | undefined> {
  // Laid out at build time from the system's pages (another man directory is always read live).
  if (readSetting('SOCKBOOK_MAN_DIR') === undefined) {
    const stored = await readStoredPage(name);
    if (stored) return stored;
  }
  for (const section of SECTIONS) {
    const directory = `man${section.replace(/\D.*$/, '')}`;
    let source = await readSource(path.join(manRoot(), directory, `${name}.${section}`));
    for (let hop = 0; source !== undefined && hop < MAX_SO_HOPS; hop++) {
      const target = soTarget(source);
      if (!target) break;
      source = await readSource(path.join(manRoot(), target));
    }
    if (source !== undefined) return { name, section, reference: `${name}(${section})`, page: await renderManPage(source) };
  }
  return undefined;
}

/** Sections shown by detail level: Shift-Tab shows these two, `??`/detail 1 the whole page. */
const BRIEF_SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION'];

/** The page as text: NAME, SYNOPSIS and DESCRIPTION (every section with detail ≥ 1), or why it cannot be shown. */
export function manPageText(page: ManPage, detail = 0): string {
  const title = `${page.reference.toUpperCase()} — Linux manual page`;
  if (!page.page.ok) return `${title}\n\n${page.page.problem}`;
  const parts: string[] = [];
  for (const [name, lines] of page.page.sections) {
    if (name === '' || (detail < 1 && !BRIEF_SECTIONS.includes(name.toUpperCase()))) continue;
    const body = lines.map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
    parts.push(`${name}\n${body}`);
  }
  return `${title}\n\n${parts.join('\n\n')}`;
}

let index: Promise<string[]> | undefined;

/** Every function and type name with a page in sections 2 and 3 (the file names are the names), sorted. */
export function libraryNames(): Promise<string[]> {
  index ??= (async () => {
    const names = new Set<string>();
    for (const directory of ['man2', 'man3']) {
      let files: string[] = [];
      try {
        files = await readdir(path.join(manRoot(), directory));
      } catch {
        continue;
      }
      for (const file of files) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)\.[23](?:type)?(?:\.gz)?$/.exec(file);
        if (match?.[1]) names.add(match[1]);
      }
    }
    return [...names].sort();
  })();
  // No pages (manpages-dev not installed yet): look again next time.
  void index.then((names) => {
    if (names.length === 0) index = undefined;
  });
  return index;
}
