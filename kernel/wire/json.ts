/** A JSON value, as the messages this kernel sends are built from. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonMap;

/** A JSON object whose values are known to be JSON (unlike a decoded, unchecked `JsonObject`). */
export type JsonMap = { [key: string]: JsonValue };

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
