import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manRoot } from '../kernel/help/man-pages';
import { useKernel } from './support/kernel-fixture';

describe('man pages without groff', function () {
  this.timeout(60000);
  /** A PATH directory holding no programs at all, so groff cannot be found. */
  let emptyBin: string;

  before(async () => {
    emptyBin = mkdtempSync(path.join(os.tmpdir(), 'sockbook-no-groff-'));
  });
  const kernel = useKernel(() => ({ env: { PATH: emptyBin } }));
  after(async () => {
    rmSync(emptyBin, { recursive: true, force: true });
  });

  it('Shift-Tab says groff is needed, and the kernel keeps answering', async () => {
    assert.ok(
      existsSync(path.join(manRoot(), 'man3', 'memcpy.3.gz')),
      'manpages-dev is not installed (memcpy(3) is missing): run npm test, which installs it, or apt-get install manpages-dev',
    );
    // memcpy is no libc binding, so its page was not laid out at build time: groff is needed now.
    const code = '%%cpp copy.c\n#include <string.h>\nint main(void) { char a[2], b[2] = "x"; memcpy(a, b, 2); return 0; }';
    const reply = await kernel!.request('shell', 'inspect_request', { code, cursor_pos: code.indexOf('memcpy(') + 3, detail_level: 0 });
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.found, true);
    const text = String((reply.content.data as Record<string, unknown>)['text/plain']);
    assert.equal(text, 'MEMCPY(3) — Linux manual page\n\nman pages need groff (Debian package groff-base): apt-get install groff-base');

    const info = await kernel!.request('shell', 'kernel_info_request', {});
    assert.equal(info.content.status, 'ok');
  });
});
