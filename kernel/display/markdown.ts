import type { MimeBundle } from '../interpreter/output-sink';

/** A Markdown display with a plain-text fallback (what nbconvert and terminals show). */
export function markdownBundle(text: string): MimeBundle {
  return { 'text/markdown': text, 'text/plain': text };
}

export function htmlBundle(html: string, plain: string): MimeBundle {
  return { 'text/html': html, 'text/plain': plain };
}
