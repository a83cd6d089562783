// Build step (`npm run build`, after the completion table): lays out with
// groff the manual page of every libc binding the table lists (NAME, or the
// call NAME_async wraps) and stores each as JSON for the kernel's first
// Shift-Tab. A name without a page is skipped; the kernel then looks live.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMPLETION_TABLE_FILE, parseCompletionTable } from './completion-table';
import { MAN_PAGE_CACHE_DIR, storedPageFile, type StoredPage } from './man-page-cache';
import { findManPage } from './man-pages';

/** Written last: the pages are complete and as new as it. */
const STAMP = path.join(MAN_PAGE_CACHE_DIR, '.complete');

async function main(): Promise<void> {
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= statSync(COMPLETION_TABLE_FILE).mtimeMs) return;
  const table = parseCompletionTable(readFileSync(COMPLETION_TABLE_FILE, 'utf8'));
  const names = new Set((table.members.libc ?? []).filter((e) => e.kind === 'property' && !/^[A-Z0-9_]+$/.test(e.name)).map((e) => e.name.replace(/_async$/, '')));
  mkdirSync(MAN_PAGE_CACHE_DIR, { recursive: true });
  let stored = 0;
  for (const name of names) {
    const page = await findManPage(name);
    if (!page?.page.ok) continue;
    const record: StoredPage = { name, section: page.section, reference: page.reference, sections: [...page.page.sections].map(([k, v]) => [k, [...v]]) };
    writeFileSync(storedPageFile(name), JSON.stringify(record));
    stored++;
  }
  // None found (manpages-dev or groff not installed yet): the next build tries again.
  if (stored > 0) writeFileSync(STAMP, '');
  console.log(`manual pages laid out for the first Shift-Tab: ${stored} of ${names.size} libc names`);
}

main().catch((error: Error) => {
  // Pages are an extra: without them (no manpages-dev, no groff) the kernel lays pages out live.
  console.error(`man-page-cache-build: ${error.message}`);
});
