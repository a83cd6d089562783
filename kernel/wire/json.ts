/** JSON values, as the messages this kernel sends are built from; a JsonMap's values are known to be JSON (unlike a decoded, unchecked `JsonObject`). */
export type { JsonMap, JsonValue } from '../base/json';

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
