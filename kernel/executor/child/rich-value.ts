import { inspect } from 'node:util';
import type { JsonValue } from '../../base/json';
import type { Metadata, MimeBundle } from '../../interpreter/mime';

/** A value's own MIME bundle: `[MIMEBUNDLE]()` or IPython's `_repr_mimebundle_()`. */
export const MIMEBUNDLE = Symbol.for('sockbook.mimebundle');
/** Marks display handles: the output they stand for is already shown. */
export const DISPLAY_HANDLE = Symbol.for('sockbook.displayHandle');

export interface RichValue {
  data: MimeBundle;
  metadata: Metadata;
}

/** How a value is shown as a cell's result; undefined shows nothing. */
export function resultOf(value: unknown): RichValue | undefined {
  if (value === undefined) return undefined;
  if (isObject(value) && value[DISPLAY_HANDLE] === true) return undefined;
  return richValueOf(value);
}

/** The MIME bundle of any value (display(value) and user_expressions use it too). */
export function richValueOf(value: unknown): RichValue {
  const own = ownBundle(value);
  if (own) {
    if (!('text/plain' in own.data)) own.data['text/plain'] = plainText(value);
    return own;
  }
  return { data: { 'text/plain': plainText(value) }, metadata: {} };
}

export function plainText(value: unknown): string {
  return inspect(value, { colors: false });
}

function ownBundle(value: unknown): RichValue | undefined {
  if (!isObject(value)) return undefined;
  const method = value[MIMEBUNDLE] ?? value['_repr_mimebundle_'];
  if (typeof method !== 'function') return undefined;
  const produced: unknown = method.call(value);
  // IPython allows either the bundle or a [bundle, metadata] pair.
  const [data, metadata] = Array.isArray(produced) ? produced : [produced, {}];
  if (!isObject(data)) throw new TypeError('a MIME bundle method must return an object like { "text/html": "…" }');
  return { data: jsonCopy(data) as MimeBundle, metadata: isObject(metadata) ? (jsonCopy(metadata) as Metadata) : {} };
}

/** The bundle crosses the IPC channel as JSON: make that explicit (and fail here, not later). */
export function jsonCopy(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

function isObject(value: unknown): value is Record<string | symbol, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
