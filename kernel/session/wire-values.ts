import type { MimeBundle, Metadata } from '../interpreter/output-sink';
import type { ExpressionResult, PagerPayload as CellPagerPayload } from '../interpreter/outcome';
import type { ExpressionValue, MimeData, PagerPayload } from '../wire/content';
import type { JsonMap } from '../wire/json';

/*
 * The interpreter's bundles and metadata are typed loosely (values are
 * `unknown`), but what it puts in them comes from JSON (the executor's IPC)
 * or is built as strings and plain objects: they are sent as they are,
 * exactly as JSON.stringify encodes them. These are the only places where
 * that is asserted.
 */

export function mimeData(bundle: MimeBundle): MimeData {
  return bundle as MimeData;
}

export function jsonMap(metadata: Metadata): JsonMap {
  return metadata as JsonMap;
}

export function expressionValues(results: Record<string, ExpressionResult>): { [name: string]: ExpressionValue } {
  return results as { [name: string]: ExpressionValue };
}

export function pagerPayloads(payloads: CellPagerPayload[]): PagerPayload[] {
  return payloads as PagerPayload[];
}
