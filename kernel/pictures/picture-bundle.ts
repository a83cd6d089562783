import { toJsonMap } from '../base/json';
// A picture as a MIME bundle: SVG for the eye, text/plain for a terminal and
// for tests, and the Vega-Lite spec when it is a chart (JupyterLab renders it
// natively, interactive, with tooltips).
import type { MimeBundle } from '../interpreter/mime';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export interface Picture<T> {
  /** What the picture shows, as data. */
  data: T;
  /** The MIME bundle shown in the notebook. */
  bundle: MimeBundle;
}

export function pictureBundle(svg: string, plain: string, vegaLite?: object): MimeBundle {
  const bundle: MimeBundle = { 'image/svg+xml': stripXmlProlog(svg), 'text/plain': plain };
  if (vegaLite) bundle[VEGA_LITE_MIME] = toJsonMap(vegaLite);
  return bundle;
}

/** Graphviz starts its SVG with an XML declaration and a DOCTYPE, which an inline <svg> in HTML must not carry. */
function stripXmlProlog(svg: string): string {
  const start = svg.indexOf('<svg');
  return start > 0 ? svg.slice(start) : svg;
}

/** A label for DOT: quoted, with backslashes and quotes escaped, newlines as \n. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
