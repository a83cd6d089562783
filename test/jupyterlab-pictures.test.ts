import * as assert from 'node:assert/strict';
import { JupyterLab, type LabNotebook } from './support/jupyterlab';

/*
 * The pictures (%tcpstates, %strace, %packets, %ps --tree) as JupyterLab 4.6
 * in Chromium shows them: each cell's output holds a rendered picture (an
 * SVG image from image/svg+xml, or the chart JupyterLab draws itself from
 * application/vnd.vegalite.v5+json with vega-embed), with what the picture
 * is about in it. The kernel runs with SOCKBOOK_ISOLATE=net (passed through
 * the server's environment) so that %packets can capture.
 */

/** A server and a client in one program: connect, 5 bytes each way, then both close. */
const PINGPONG = String.raw`%%cpp pingpong.c
%run gcc -Wall pingpong.c -o pingpong.exe
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(atoi(argv[1])) };
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8)) { perror("listen"); return 1; }
    if (fork() == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        char buf[8];
        if (connect(c, (struct sockaddr *)&a, sizeof a) || write(c, "hello", 5) != 5 || read(c, buf, sizeof buf) != 5) _exit(1);
        close(c);
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    char buf[8];
    int n = read(s, buf, sizeof buf);
    if (write(s, buf, n) != n) return 1;
    usleep(100000);
    close(s);
    wait(NULL);
    printf("served %d bytes\n", n);
    return 0;
}`;

/**
 * The text labels of the SVG picture in a cell's output (Graphviz's labels are <text> elements). JupyterLab
 * shows image/svg+xml as an <img> with a data: URL (or inline when trusted as unconfined), so both are read.
 */
async function svgImageText(nb: LabNotebook, index: number): Promise<string> {
  const shown = nb.output(index).locator('.jp-RenderedSVG img, .jp-RenderedSVG svg').first();
  await shown.waitFor({ state: 'visible', timeout: 60000 });
  const box = await shown.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 50, `the picture has a size: ${JSON.stringify(box)}`);
  const src = await shown.getAttribute('src');
  const svg = src === null ? await shown.evaluate((e) => (e as unknown as { outerHTML: string }).outerHTML) : decodeDataUrl(src);
  assert.match(svg, /^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg/, 'an SVG document');
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeEntities(m[1] ?? '')).join(' ');
}

/** Graphviz writes `-` as `&#45;` and `'` as `&#39;`. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) =>
    name.startsWith('#x') || name.startsWith('#X') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (named[name] ?? whole),
  );
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const data = url.slice(comma + 1);
  return head.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/**
 * Waits until the cell's output holds the chart JupyterLab drew from the Vega-Lite spec with vega-embed
 * (a canvas, or an svg, of class marks) and checks it is drawn: a real size and, on a canvas, many pixels
 * in several colours (the lanes, marks and labels), not a blank area.
 */
async function vegaChart(nb: LabNotebook, index: number): Promise<void> {
  const chart = nb.output(index).locator('.vega-embed canvas.marks, .vega-embed svg.marks').first();
  await chart.waitFor({ state: 'visible', timeout: 60000 });
  const box = await chart.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 50, `the chart has a size: ${JSON.stringify(box)}`);
  const drawn = await chart.evaluate((element) => {
    type Canvas = { tagName: string; width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
    const canvas = element as unknown as Canvas;
    if (canvas.tagName.toLowerCase() !== 'canvas') return { inked: Infinity, colours: Infinity };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 0 && (r < 240 || g < 240 || b < 240)) inked++;
      colours.add((r << 16) | (g << 8) | b);
    }
    return { inked, colours: colours.size };
  });
  assert.ok(drawn.inked > 500 && drawn.colours > 3, `the chart is drawn: ${JSON.stringify(drawn)}`);
}

describe('JupyterLab: the pictures render', function () {
  this.timeout(400000);
  let lab: JupyterLab | undefined;
  let nb: LabNotebook;

  before(async () => {
    lab = await JupyterLab.start({ env: { SOCKBOOK_ISOLATE: 'net' } });
    nb = await lab.createNotebook('pictures.ipynb', [PINGPONG]);
    await nb.kernelIdle();
    await nb.cell(0).locator('.jp-InputPrompt').click();
    await nb.press('Shift+Enter');
    await nb.cellDone(0, 120000);
    assert.doesNotMatch(await nb.outputText(0), /error/i);
  });
  after(async () => {
    await lab?.stop();
  });

  it('%tcpstates shows the TCP state diagram as an SVG image', async () => {
    const i = await nb.runCell('%tcpstates');
    await nb.cellDone(i, 120000);
    const text = await svgImageText(nb, i);
    assert.match(text, /TCP connection states/);
    for (const state of ['LISTEN', 'SYN-SENT', 'ESTABLISHED', 'TIME-WAIT', 'CLOSED']) assert.match(text, new RegExp(state), `${state} in the diagram: ${text}`);
    await nb.output(i).scrollIntoViewIfNeeded();
    await lab!.screenshot(nb.page, 'pictures-tcpstates');
  });

  it('%strace on a small program shows the timeline chart vega-embed drew from the Vega-Lite spec', async () => {
    const i = await nb.runCell('%strace ./pingpong.exe 31021');
    await nb.cellDone(i, 120000);
    assert.match(await nb.outputText(i), /served 5 bytes/);
    await vegaChart(nb, i);
    await nb.output(i).scrollIntoViewIfNeeded();
    await lab!.screenshot(nb.page, 'pictures-strace');
  });

  it('%packets (the kernel in its own network namespace) shows the packet ladder chart', async () => {
    const i = await nb.runCell('%packets ./pingpong.exe 31022');
    await nb.cellDone(i, 120000);
    assert.doesNotMatch(await nb.outputText(i), /network namespace|isolate/, 'no notice that %packets needs isolation');
    await vegaChart(nb, i);
    await nb.output(i).scrollIntoViewIfNeeded();
    await lab!.screenshot(nb.page, 'pictures-packets');
  });

  it('%ps --tree shows the process tree as an SVG image, the kernel in it', async () => {
    const i = await nb.runCell('%ps --tree');
    await nb.cellDone(i, 120000);
    const text = await svgImageText(nb, i);
    assert.match(text, /this kernel/, `the kernel's process in the tree: ${text.slice(0, 400)}`);
    assert.match(text, /session \d+/);
    await nb.output(i).scrollIntoViewIfNeeded();
    await lab!.screenshot(nb.page, 'pictures-ps-tree');
  });
});
