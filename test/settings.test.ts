// Every SOCKBOOK_* setting is listed once, in kernel/base/settings.ts: no
// other module reads one from the environment, no source names one the list
// lacks, the defaults the code uses are the ones listed, and the README's
// table of limits says the same.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { SETTINGS, type SettingName } from '../kernel/base/settings';
import { parseByteSize } from '../kernel/runner/byte-size';
import { DEFAULT_MAX_KEPT_OUTPUT, DEFAULT_MAX_MEMORY, DEFAULT_MAX_PROCS } from '../kernel/runner/process-guard';
import { DEFAULT_TMP_SIZE } from '../kernel/runner/isolation';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../kernel/transport/message-size';

const names = Object.keys(SETTINGS) as SettingName[];
const SETTINGS_MODULE = 'kernel/base/settings.ts';

function sources(dir: string): string[] {
  return readdirSync(path.join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(rel);
    return /\.(ts|js|c|h)$/.test(entry.name) ? [rel] : [];
  });
}

describe('settings: every SOCKBOOK_* variable in one typed module', () => {
  const files = [...sources('kernel'), ...sources('native'), ...sources('bin'), 'kernel.json'];
  const text = new Map(files.map((file) => [file, readFileSync(path.join(projectRoot, file), 'utf8')]));

  it('no source names a SOCKBOOK_ variable the module does not list', () => {
    const unknown: string[] = [];
    for (const [file, content] of text) {
      for (const m of content.matchAll(/\bSOCKBOOK_[A-Z0-9_]+\b/g)) {
        // Include guards of the C headers are not settings.
        if (!(names as string[]).includes(m[0]) && !m[0].endsWith('_H')) unknown.push(`${file}: ${m[0]}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it('only the settings module reads a SOCKBOOK_ variable from an environment', () => {
    const reads: string[] = [];
    for (const [file, content] of text) {
      if (file === SETTINGS_MODULE || !file.endsWith('.ts')) continue;
      for (const m of content.matchAll(/\benv(?:\.|\[['"`])SOCKBOOK_[A-Z0-9_]+/g)) reads.push(`${file}: ${m[0]}`);
    }
    assert.deepEqual(reads, [], 'read it with readSetting(NAME)');
    assert.ok([...text.entries()].some(([file, content]) => file !== SETTINGS_MODULE && content.includes("readSetting('SOCKBOOK_MAX_PROCS')")), 'the scan sees the readers');
  });

  it('the defaults the code uses are the ones the module shows', () => {
    assert.equal(DEFAULT_MAX_PROCS, Number(SETTINGS.SOCKBOOK_MAX_PROCS.shown));
    assert.equal(DEFAULT_MAX_MEMORY, parseByteSize(SETTINGS.SOCKBOOK_MAX_MEMORY.shown));
    assert.equal(DEFAULT_MAX_KEPT_OUTPUT, parseByteSize(SETTINGS.SOCKBOOK_MAX_KEPT_OUTPUT.shown));
    assert.equal(DEFAULT_TMP_SIZE, parseByteSize(SETTINGS.SOCKBOOK_TMP_SIZE.shown));
    assert.equal(DEFAULT_MAX_MESSAGE_SIZE, parseByteSize(SETTINGS.SOCKBOOK_MAX_MESSAGE_SIZE.shown));
  });

  it("the README's limits table lists exactly the limits, with their defaults; every user setting is in the README", () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(SOCKBOOK_[A-Z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [m[1], m[2].trim()]);
    const limits = names.filter((name) => SETTINGS[name].audience === 'limit').map((name) => [name, SETTINGS[name].shown]);
    assert.deepEqual(rows.sort(), limits.sort());
    const missing = names.filter((name) => SETTINGS[name].audience === 'user' && !readme.includes(name));
    assert.deepEqual(missing, [], 'user settings the README does not mention');
  });
});
