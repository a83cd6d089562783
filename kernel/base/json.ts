// JSON values and MIME bundles: the one shape the interpreter contract, the
// executor's IPC and the wire all use, so a bundle goes from a cell to the
// frontend without a cast.

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonMap;

/** A JSON object whose values are known to be JSON (unlike a decoded, unchecked object). */
export type JsonMap = { [key: string]: JsonValue };

/** A MIME bundle as Jupyter sends it: text as a string (or a list of lines), JSON types as their JSON value. */
export type MimeBundle = { [mimeType: string]: JsonValue };

/**
 * A value made JSON, as JSON.stringify would send it (undefined and functions
 * left out, dates as strings): for values built from user code, whose type
 * says nothing about JSON-ness.
 */
export function toJsonMap(value: object): JsonMap {
  return JSON.parse(JSON.stringify(value)) as JsonMap;
}
