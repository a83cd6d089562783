// Manual pages laid out at build time: groff takes a few hundred
// milliseconds on a busy machine, too long for a first Shift-Tab, so
// `npm run build` lays out the pages of the libc bindings once
// (man-page-cache-build.ts) and the kernel reads them as JSON.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import type { RenderedPage } from './groff-page';

export const MAN_PAGE_CACHE_DIR = path.join(projectRoot, 'build', 'help', 'man-pages');

/** A laid-out page as stored: the sections in page order. */
export interface StoredPage {
  name: string;
  section: string;
  reference: string;
  sections: Array<[string, string[]]>;
}

/** The stored file of a name (names are C identifiers, checked by the caller). */
export function storedPageFile(name: string): string {
  return path.join(MAN_PAGE_CACHE_DIR, `${name}.json`);
}

/** The page laid out at build time, or undefined when there is none (or it cannot be read). */
export async function readStoredPage(name: string): Promise<{ name: string; section: string; reference: string; page: RenderedPage } | undefined> {
  try {
    const stored = JSON.parse(await readFile(storedPageFile(name), 'utf8')) as StoredPage;
    if (stored.name !== name || !Array.isArray(stored.sections)) return undefined;
    return { name, section: stored.section, reference: stored.reference, page: { ok: true, sections: new Map(stored.sections) } };
  } catch {
    return undefined;
  }
}
