// The private working directory of a run: what of the notebook's folder is
// copied (within limits, and what is left out is said), and what the run
// wrote is kept (within limits too).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keepWrittenFiles, makePrivateWorkdir, removeWorkdir } from '../kernel/grading/workdir';

describe('private working directories', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-workdir-test-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const limits = { maxFileBytes: 1000, maxTotalBytes: 2500, maxEntries: 50 };

  it('copies the folder without the other notebooks, checkpoints, excluded paths, special files and what is over the limits, and says so', async () => {
    const folder = path.join(scratch, 'subs');
    mkdirSync(path.join(folder, 'data', 'deep'), { recursive: true });
    mkdirSync(path.join(folder, '.ipynb_checkpoints'));
    mkdirSync(path.join(folder, 'graded'));
    writeFileSync(path.join(folder, 'alice.ipynb'), '{}');
    writeFileSync(path.join(folder, 'bob.ipynb'), '{}');
    writeFileSync(path.join(folder, 'graded', 'bob.results.json'), '{}');
    writeFileSync(path.join(folder, 'data', 'deep', 'input.txt'), 'x'.repeat(900));
    writeFileSync(path.join(folder, 'data', 'a.txt'), 'a'.repeat(900));
    writeFileSync(path.join(folder, 'huge.bin'), 'h'.repeat(5000));
    writeFileSync(path.join(folder, 'z-late.txt'), 'z'.repeat(900));
    writeFileSync(path.join(folder, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync('data/a.txt', path.join(folder, 'link'));
    execFileSync('mkfifo', [path.join(folder, 'fifo')]);

    const workdir = await makePrivateWorkdir(path.join(folder, 'alice.ipynb'), { exclude: [path.join(folder, 'graded')], limits });
    try {
      assert.ok(!workdir.dir.startsWith(folder));
      assert.deepEqual(readdirSync(workdir.dir).sort(), ['alice.ipynb', 'data', 'link', 'run.sh'].sort());
      assert.equal(readFileSync(path.join(workdir.dir, 'data', 'deep', 'input.txt'), 'utf8'), 'x'.repeat(900));
      assert.equal(readlinkSync(path.join(workdir.dir, 'link')), 'data/a.txt', 'a link stays a link');
      assert.equal(statSync(path.join(workdir.dir, 'run.sh')).mode & 0o777, 0o755, 'modes are kept');
      assert.deepEqual(workdir.leftOut.sort(), [
        'fifo: not a regular file, directory or link',
        'huge.bin: 5000 bytes, over the limit of 1000 bytes per file',
        'z-late.txt: 900 bytes, over the limit of 2500 bytes in all',
      ]);
    } finally {
      await removeWorkdir(workdir.dir);
    }
    assert.equal(existsSync(workdir.dir), false);
  });

  it('copies only the notebook from a directory the whole system shares', async () => {
    const notebook = path.join(os.tmpdir(), `sockbook-workdir-test-${process.pid}.ipynb`);
    writeFileSync(notebook, '{}');
    try {
      const workdir = await makePrivateWorkdir(notebook, { exclude: [] });
      try {
        assert.deepEqual(readdirSync(workdir.dir), [path.basename(notebook)]);
        assert.match(workdir.leftOut.join('\n'), /is a directory shared by the whole system: only the notebook is copied from it/);
      } finally {
        await removeWorkdir(workdir.dir);
      }
    } finally {
      rmSync(notebook, { force: true });
    }
  });

  it('keeps what the run wrote or changed, not what it found, within limits', async () => {
    const folder = path.join(scratch, 'keep');
    mkdirSync(path.join(folder, 'src'), { recursive: true });
    writeFileSync(path.join(folder, 'hw.ipynb'), '{}');
    writeFileSync(path.join(folder, 'src', 'given.c'), 'int main(void) { return 0; }\n');
    writeFileSync(path.join(folder, 'notes.txt'), 'before\n');
    const workdir = await makePrivateWorkdir(path.join(folder, 'hw.ipynb'), { exclude: [] });
    try {
      writeFileSync(path.join(workdir.dir, 'srv.exe'), 'binary');
      mkdirSync(path.join(workdir.dir, 'out', 'logs'), { recursive: true });
      writeFileSync(path.join(workdir.dir, 'out', 'logs', 'a.log'), 'log');
      writeFileSync(path.join(workdir.dir, 'notes.txt'), 'after, longer\n');
      writeFileSync(path.join(workdir.dir, 'big.bin'), 'b'.repeat(2000));
      // Same size, new time: changed too.
      utimesSync(path.join(workdir.dir, 'hw.ipynb'), new Date(), new Date(Date.now() + 5000));
      const dest = path.join(scratch, 'kept', 'hw.files');
      const { kept, leftOut } = await keepWrittenFiles(workdir, dest, limits);
      assert.deepEqual(kept.sort(), ['hw.ipynb', 'notes.txt', 'out/logs/a.log', 'srv.exe']);
      assert.deepEqual(leftOut, ['big.bin: 2000 bytes, over the limit of 1000 bytes per file']);
      assert.deepEqual(readdirSync(dest).sort(), ['hw.ipynb', 'notes.txt', 'out', 'srv.exe'], 'src/, unchanged, is not kept');
      assert.equal(readFileSync(path.join(dest, 'notes.txt'), 'utf8'), 'after, longer\n');

      const nothing = await makePrivateWorkdir(path.join(folder, 'hw.ipynb'), { exclude: [] });
      const none = path.join(scratch, 'kept', 'none.files');
      assert.deepEqual((await keepWrittenFiles(nothing, none)).kept, []);
      assert.equal(existsSync(none), false, 'a run that wrote nothing keeps no directory');
      await removeWorkdir(nothing.dir);
    } finally {
      await removeWorkdir(workdir.dir);
    }
  });
});
