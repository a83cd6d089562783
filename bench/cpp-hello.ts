/**
 * A C hello world written, compiled and run from a notebook cell:
 *  - sockbook `%%cpp hello.c` with `%run gcc …` and `%run ./hello.exe`, first
 *    run (the source carries a new counter comment, so the compile cache
 *    misses and gcc really runs) and cached re-run (the same cell again);
 *  - bare `bash -c 'gcc hello.c -o hello && ./hello'` (the source written first);
 *  - ipykernel: a `%%writefile hello.c` cell, then `!gcc hello.c -o hello && ./hello`.
 * Rounds interleave the four, times are client-side (request → idle).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { benchMain, envInt, executeOk, fmt, IPYKERNEL, median, msSince, printTable, ratio, runOk, speed, startKernel, summary, tempDir, verdict } from './support/common';

const source = (n: number) => `// round ${n}\n#include <stdio.h>\n\nint main(void) {\n    printf("hello, world\\n");\n    return 0;\n}\n`;

function expectHello(text: string, who: string): void {
  if (!text.includes('hello, world')) throw new Error(`${who} did not print hello, world: ${JSON.stringify(text.slice(0, 500))}`);
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 2;
  const { dir } = tempDir();
  const ours = await startKernel();
  const peer = await startKernel({ argv: IPYKERNEL });
  const first: number[] = [];
  const cached: number[] = [];
  const bare: number[] = [];
  const ipy: number[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    const measured = i >= warmup;
    const src = source(i);
    const cell = `%%cpp hello.c\n%run gcc hello.c -o hello.exe\n%run ./hello.exe\n${src}`;

    let t0 = process.hrtime.bigint();
    expectHello(await executeOk(ours.client, cell), 'sockbook first run');
    if (measured) first.push(msSince(t0));

    t0 = process.hrtime.bigint();
    expectHello(await executeOk(ours.client, cell), 'sockbook cached re-run');
    if (measured) cached.push(msSince(t0));

    t0 = process.hrtime.bigint();
    writeFileSync(path.join(dir, 'hello.c'), src);
    expectHello(await runOk('bash', ['-c', 'gcc hello.c -o hello && ./hello'], { cwd: dir }), 'bare gcc');
    if (measured) bare.push(msSince(t0));

    t0 = process.hrtime.bigint();
    await executeOk(peer.client, `%%writefile hello.c\n${src}`);
    expectHello(await executeOk(peer.client, '!gcc hello.c -o hello && ./hello'), 'ipykernel');
    if (measured) ipy.push(msSince(t0));
  }
  await peer.close();
  await ours.close();

  const [f, c, b, p] = [median(first), median(cached), median(bare), median(ipy)];
  console.log(`hello world in C, write + gcc + run, median of ${rounds} after ${warmup} warm-up, in ms`);
  printTable(
    ['', 'median', 'min', 'vs bare gcc+run'],
    [
      ['sockbook %%cpp, first run (compiles)', fmt(f), fmt(Math.min(...first)), `+${fmt(f - b)} ms`],
      ['sockbook %%cpp, cached re-run', fmt(c), fmt(Math.min(...cached)), `${fmt(c - b)} ms`],
      ["bare bash -c 'gcc … && ./hello'", fmt(b), fmt(Math.min(...bare)), ''],
      ['ipykernel %%writefile + !gcc … && ./hello', fmt(p), fmt(Math.min(...ipy)), `+${fmt(p - b)} ms`],
    ],
  );
  console.log(`  first run over bare gcc+run: ${fmt(f - b)} ms (target ≤ 30 ms); cached re-run ${ratio(f, c)} faster than first run (target ≥ 5x)`);
  console.log(`  against ipykernel: first run ${speed(f, p)}, cached re-run ${speed(c, p)}`);
  summary({
    benchmark: '%%cpp hello, first run, median',
    sockbook: fmt(f, 'ms'),
    peer: `bare gcc+run ${fmt(b, 'ms')}; ipykernel ${fmt(p, 'ms')}`,
    ratio: `+${fmt(f - b, 'ms')} over bare; ${speed(f, p)} than ipykernel`,
    target: '≤ 30 ms over bare gcc+run',
    status: verdict(f - b, '<=', 30, 'ms'),
  });
  summary({
    benchmark: '%%cpp hello, cached re-run, median',
    sockbook: fmt(c, 'ms'),
    peer: `first run ${fmt(f, 'ms')}; bare ${fmt(b, 'ms')}; ipykernel ${fmt(p, 'ms')}`,
    ratio: `${ratio(f, c)} faster than first run`,
    target: '≥ 5x faster than first run',
    status: verdict(f / c, '>=', 5),
  });
}

benchMain(main);
