import { escapeHtml } from './html-escape';
import type { Metadata, MimeBundle, OutputSink } from '../interpreter/output-sink';

/**
 * What the kernel says beside a program's output: how it ended, that its
 * output was cut, a notice. Never inside the program's stream, which stays
 * byte for byte what a terminal shows.
 */
export type AnnotationKind = 'exit' | 'output-cut' | 'notice' | 'check' | 'score';

/** The metadata key that marks a display as the kernel's own annotation. */
export const ANNOTATION_METADATA_KEY = 'sockbook';

export interface Annotation {
  data: MimeBundle;
  metadata: Metadata;
}

/** One unobtrusive grey line, with the text itself as the plain-text fallback. */
export function annotation(kind: AnnotationKind, text: string): Annotation {
  const lines = text.replace(/\n$/, '');
  return {
    data: {
      'text/html': `<div class="sockbook-annotation" style="color: #888; font-size: 0.85em; white-space: pre-wrap;">${escapeHtml(lines)}</div>`,
      'text/plain': lines,
    },
    metadata: { [ANNOTATION_METADATA_KEY]: { annotation: kind } },
  };
}

/** Shows an annotation as a display of its own. */
export function showAnnotation(sink: Pick<OutputSink, 'display'>, kind: AnnotationKind, text: string): void {
  const { data, metadata } = annotation(kind, text);
  sink.display(data, metadata);
}

/** The kind of annotation a display's metadata marks, or undefined for any other display. */
export function annotationKindOf(metadata: Readonly<Record<string, unknown>> | undefined): AnnotationKind | undefined {
  const mark = metadata?.[ANNOTATION_METADATA_KEY];
  if (typeof mark !== 'object' || mark === null) return undefined;
  const kind = (mark as { annotation?: unknown }).annotation;
  return kind === 'exit' || kind === 'output-cut' || kind === 'notice' || kind === 'check' || kind === 'score' ? kind : undefined;
}
