/** A MIME bundle as Jupyter sends it: { 'text/plain': '…', 'text/html': '…' }. */
export type MimeBundle = Record<string, unknown>;
/** The metadata that goes with a bundle, keyed by MIME type or free-form. */
export type Metadata = Record<string, unknown>;
