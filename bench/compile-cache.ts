/**
 * Re-running an unchanged `%%cpp` cell whose %run compiles with gcc: sockbook
 * (the cell through the kernel, compile cache hit) against raw gcc + run from
 * bash in the same run. Prints medians and the ratio.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelClient } from '../test/support/kernel-client';

const SOURCE = ['#include <stdio.h>', '#include <sys/socket.h>', 'int main() { int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); printf("%d %d\\n", sv[0], sv[1]); return 0; }'].join('\n');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const rounds = Number(process.env.ROUNDS ?? 20);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-bench-'));
  const kernel = await KernelClient.start();
  try {
    const cell = ['%%cpp pair.c', '%run gcc pair.c -o pair.exe', '%run ./pair.exe', SOURCE].join('\n');
    await kernel.execute(cell); // fills the cache
    writeFileSync(path.join(dir, 'pair.c'), SOURCE + '\n');
    const ours: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t0 = process.hrtime.bigint();
      await kernel.execute(cell);
      ours.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      execFileSync('bash', ['-c', 'gcc pair.c -o pair.exe && ./pair.exe'], { cwd: dir, stdio: 'ignore' });
      raw.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const a = median(ours);
    const b = median(raw);
    console.log(`unchanged %%cpp cell re-run (write file, gcc, run), median of ${rounds}`);
    console.log(`  sockbook cell through the kernel  ${a.toFixed(1)} ms`);
    console.log(`  raw bash -c 'gcc … && ./prog'    ${b.toFixed(1)} ms`);
    console.log(`  ratio raw/sockbook: ${(b / a).toFixed(2)}x`);
  } finally {
    await kernel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
