import type { JsonMap } from '../base/json';

/** A MIME bundle as Jupyter sends it: { 'text/plain': '…', 'text/html': '…' } (kernel/base/json.ts). */
export type { MimeBundle } from '../base/json';
/** The metadata that goes with a bundle, keyed by MIME type or free-form: JSON. */
export type Metadata = JsonMap;
