/**
 * Text made safe inside HTML, exactly as Python's `html.escape(s)` does it:
 * & < > " ' become &amp; &lt; &gt; &quot; &#x27; (the course's spoiler output
 * is compared with what its Python tooling printed).
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}
