import { randomUUID } from 'node:crypto';
import type { Metadata, MimeBundle } from '../../interpreter/mime';
import type { CellEvent } from '../protocol';
import { DISPLAY_HANDLE, jsonCopy, richValueOf } from './rich-value';

export interface DisplayOptions {
  /** The display_id; pass the same id later to update this output. */
  id?: string;
  metadata?: Metadata;
}

type Emit = (event: CellEvent) => void;

/** What `display.html(…)` and friends return: update() replaces the output in place. */
export class DisplayHandle<T> {
  readonly [DISPLAY_HANDLE] = true;

  constructor(
    private readonly emit: Emit,
    readonly id: string,
    private readonly bundleOf: (content: T) => MimeBundle,
  ) {}

  update(content: T, metadata: Metadata = {}): void {
    this.emit({ kind: 'update', displayId: this.id, data: this.bundleOf(content), metadata: jsonCopy(metadata) as Metadata });
  }
}

export interface Display {
  (value: unknown, options?: DisplayOptions): DisplayHandle<unknown>;
  html(html: string, options?: DisplayOptions): DisplayHandle<string>;
  markdown(markdown: string, options?: DisplayOptions): DisplayHandle<string>;
  svg(svg: string, options?: DisplayOptions): DisplayHandle<string>;
  png(png: Uint8Array | string, options?: DisplayOptions): DisplayHandle<Uint8Array | string>;
  json(value: unknown, options?: DisplayOptions): DisplayHandle<unknown>;
  text(text: string, options?: DisplayOptions): DisplayHandle<string>;
  data(bundle: MimeBundle, options?: DisplayOptions): DisplayHandle<MimeBundle>;
  clear(wait?: boolean): void;
}

/** The `display` built-in, sending its outputs through `emit`. */
export function createDisplay(emit: Emit): Display {
  function show<T>(content: T, bundleOf: (content: T) => MimeBundle, options: DisplayOptions = {}): DisplayHandle<T> {
    const id = options.id === undefined ? randomUUID() : String(options.id);
    emit({ kind: 'display', data: bundleOf(content), metadata: jsonCopy(options.metadata ?? {}) as Metadata, displayId: id });
    return new DisplayHandle(emit, id, bundleOf);
  }
  const display = (value: unknown, options?: DisplayOptions) => show(value, (v) => richValueOf(v).data, options);
  return Object.assign(display, {
    html: (html: string, options?: DisplayOptions) => show(html, htmlBundle, options),
    markdown: (markdown: string, options?: DisplayOptions) =>
      show(markdown, (m) => ({ 'text/markdown': text(m, 'markdown'), 'text/plain': m }), options),
    svg: (svg: string, options?: DisplayOptions) =>
      show(svg, (s) => ({ 'image/svg+xml': text(s, 'svg'), 'text/plain': '<SVG image>' }), options),
    png: (png: Uint8Array | string, options?: DisplayOptions) => show(png, pngBundle, options),
    json: (value: unknown, options?: DisplayOptions) =>
      show(value, (v) => ({ 'application/json': jsonCopy(v), 'text/plain': JSON.stringify(v, null, 2) ?? 'undefined' }), options),
    text: (plain: string, options?: DisplayOptions) => show(plain, (t) => ({ 'text/plain': text(t, 'text') }), options),
    data: (bundle: MimeBundle, options?: DisplayOptions) => show(bundle, dataBundle, options),
    clear: (wait = false) => emit({ kind: 'clear', wait: Boolean(wait) }),
  });
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`display.${what}() takes a string, got ${typeof value}`);
  return value;
}

function htmlBundle(html: string): MimeBundle {
  const plain = text(html, 'html')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return { 'text/html': html, 'text/plain': plain };
}

function pngBundle(png: Uint8Array | string): MimeBundle {
  if (typeof png === 'string') return { 'image/png': png, 'text/plain': '<PNG image>' };
  if (!(png instanceof Uint8Array)) throw new TypeError('display.png() takes a Buffer/Uint8Array or a base64 string');
  return { 'image/png': Buffer.from(png).toString('base64'), 'text/plain': `<PNG image, ${png.length} bytes>` };
}

function dataBundle(bundle: MimeBundle): MimeBundle {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    throw new TypeError('display.data() takes a MIME bundle like { "text/html": "<b>hi</b>" }');
  }
  return jsonCopy(bundle) as MimeBundle;
}
