// Compiles and runs a small C program in a temporary directory (removed
// afterwards, even on failure) and returns what it printed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function compileAndRun(source: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-native-'));
  try {
    const src = path.join(dir, 'probe.c');
    const exe = path.join(dir, 'probe');
    fs.writeFileSync(src, source);
    await run('gcc', ['-std=gnu11', '-Wall', '-Werror', '-o', exe, src]);
    const { stdout } = await run(exe, [], { timeout: 10_000 });
    return stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
