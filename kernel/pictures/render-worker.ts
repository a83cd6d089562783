// The picture renderer's thread: Graphviz (compiled to WebAssembly) and
// vega/vega-lite, loaded on the first job. Rendering a graph or a chart takes
// tens of milliseconds of CPU, which the kernel's event loop must not spend.
import { parentPort } from 'node:worker_threads';
import type { RenderJob, RenderReply } from './render-job';

type VizInstance = { renderString(source: string, options: { format: string; engine?: string }): string };

let viz: Promise<VizInstance> | undefined;

function graphviz(): Promise<VizInstance> {
  viz ??= (require('@viz-js/viz') as { instance(): Promise<VizInstance> }).instance();
  return viz;
}

async function renderVegaLite(spec: object): Promise<string> {
  const vegaLite = require('vega-lite') as typeof import('vega-lite');
  const vega = require('vega') as typeof import('vega');
  const compiled = vegaLite.compile(spec as import('vega-lite').TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

async function render(job: RenderJob): Promise<string> {
  if (job.kind === 'dot') return (await graphviz()).renderString(job.source, { format: 'svg', engine: job.engine ?? 'dot' });
  return renderVegaLite(job.spec);
}

parentPort?.on('message', (message: { id: number; job: RenderJob }) => {
  render(message.job).then(
    (svg) => parentPort?.postMessage({ id: message.id, svg } satisfies RenderReply),
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: (error as Error)?.message ?? String(error) } satisfies RenderReply),
  );
});
