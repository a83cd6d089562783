/**
 * What a picture costs, against the table it draws (the peer: the same
 * kernel's `%ss` and `%ps`, in the same run): `%tcpstates` vs `%ss`,
 * `%ps --tree` vs `%ps`, the first picture (the renderer thread loading
 * Graphviz) and the kernel's control channel while pictures are drawn (the
 * drawing is on a worker thread, so kernel_info should not wait for it), and
 * the kernel process' RSS before and after.
 */
import { benchMain, envInt, executeOk, fmt, median, p95, printTable, ratio, speed, startKernel, summary, tempDir, timed, treeRssKb } from './support/common';

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 15);
  const work = tempDir('sockbook-bench-pictures-');
  const kernel = await startKernel({ cwd: work.dir });
  const { client } = kernel;
  try {
    await executeOk(client, '%ss'); // the views' modules read once
    const rssBefore = treeRssKb(kernel.pid);
    const firstPicture = await timed(() => executeOk(client, '%tcpstates'));
    const samples = { ss: [] as number[], states: [] as number[], ps: [] as number[], tree: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      samples.ss.push(await timed(() => executeOk(client, '%ss')));
      samples.states.push(await timed(() => executeOk(client, '%tcpstates')));
      samples.ps.push(await timed(() => executeOk(client, '%ps')));
      samples.tree.push(await timed(() => executeOk(client, '%ps --tree')));
    }
    const rssDrawing = treeRssKb(kernel.pid);
    // kernel_info on control, idle and while %tcpstates cells are drawn one after the other on shell.
    const idle: number[] = [];
    for (let i = 0; i < rounds * 2; i++) idle.push(await timed(() => client.request('control', 'kernel_info_request', {})));
    const busy: number[] = [];
    let drawing = true;
    const draw = (async () => {
      for (let i = 0; i < rounds; i++) await executeOk(client, '%tcpstates');
      drawing = false;
    })();
    while (drawing) busy.push(await timed(() => client.request('control', 'kernel_info_request', {})));
    await draw;
    const rows: [string, number, number][] = [
      ['%tcpstates (picture) vs %ss (table)', median(samples.states), median(samples.ss)],
      ['%ps --tree (picture) vs %ps (table)', median(samples.tree), median(samples.ps)],
      ['kernel_info on control while drawing vs idle, median', median(busy), median(idle)],
      ['kernel_info on control while drawing vs idle, p95', p95(busy), p95(idle)],
    ];
    console.log(`median of ${rounds} cells each (request → idle), in ms; the first picture, which starts the renderer: ${fmt(firstPicture)} ms`);
    printTable(
      ['', 'picture / while drawing', 'table / idle', 'ratio'],
      rows.map(([name, a, b]) => [name, fmt(a), fmt(b), ratio(a, b)]),
    );
    console.log(`kernel process tree RSS: ${fmt(rssBefore / 1024)} MiB before the first picture, ${fmt(rssDrawing / 1024)} MiB with the renderer loaded`);
    summary({ benchmark: '%tcpstates picture (median)', sockbook: fmt(median(samples.states), 'ms'), peer: `%ss table ${fmt(median(samples.ss), 'ms')}`, ratio: speed(median(samples.states), median(samples.ss)) });
    summary({ benchmark: 'kernel_info while drawing (p95)', sockbook: fmt(p95(busy), 'ms'), peer: `idle ${fmt(p95(idle), 'ms')}`, ratio: speed(p95(busy), p95(idle)) });
  } finally {
    await kernel.close();
    await work.remove();
  }
}

benchMain(main);
