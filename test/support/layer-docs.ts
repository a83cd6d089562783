// docs/architecture.md's table of which layer may import which, rendered from
// kernel/layers.ts. test/layout.test.ts holds the page to it; after changing
// the table, `node build/js/test/support/layer-docs.js --write` rewrites the
// part of the page between the two markers.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LAYER_EXCEPTIONS, LAYERS } from '../../kernel/layers';
import { projectRoot } from '../../kernel/paths';

export const BEGIN_MARKER = '<!-- layer table: generated from kernel/layers.ts -->';
export const END_MARKER = '<!-- end of layer table -->';
export const architecturePage = path.join(projectRoot, 'docs', 'architecture.md');

const code = (name: string): string => `\`${name === 'kernel' ? 'kernel/*.ts' : name}\``;

/** The Markdown between the markers: one row per layer, then the exceptions still allowed. */
export function renderLayerTable(): string {
  const lines = ['| layer | may import | why |', '| --- | --- | --- |'];
  for (const row of LAYERS) {
    const imports = row.mayImport.length === 0 ? 'no other layer' : row.mayImport.map(code).join(', ');
    lines.push(`| ${code(row.layer)} | ${imports} | ${row.why} |`);
  }
  for (const exception of LAYER_EXCEPTIONS) {
    lines.push('', `Allowed for now: ${code(exception.from)} imports ${exception.toFiles.map(code).join(', ')}, until ${exception.until}.`);
  }
  return lines.join('\n');
}

/** The page's text between the markers, or undefined when a marker is missing. */
export function documentedLayerTable(page: string): string | undefined {
  const start = page.indexOf(BEGIN_MARKER);
  const end = page.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return page.slice(start + BEGIN_MARKER.length, end).trim();
}

if (require.main === module && process.argv.includes('--write')) {
  const page = readFileSync(architecturePage, 'utf8');
  const start = page.indexOf(BEGIN_MARKER);
  const end = page.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${architecturePage} lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  writeFileSync(architecturePage, `${page.slice(0, start + BEGIN_MARKER.length)}\n${renderLayerTable()}\n${page.slice(end)}`);
}
