import { annotationKindOf, type AnnotationKind } from '../../kernel/display/annotation';
import type { Metadata, MimeBundle } from '../../kernel/interpreter/output-sink';
import type { Message } from '../../kernel/wire/message';

/** The plain text of the kernel's annotations among iopub outputs (exit lines, cuts, notices), in order. */
export function annotationsOf(outputs: Message[], kind?: AnnotationKind): string[] {
  return outputs
    .filter((m) => m.header.msg_type === 'display_data')
    .filter((m) => {
      const found = annotationKindOf(m.content.metadata as Metadata | undefined);
      return found !== undefined && (kind === undefined || found === kind);
    })
    .map((m) => String((m.content.data as MimeBundle)['text/plain']));
}

/** The same for displays recorded by a MemorySink. */
export function annotationsIn(records: { type: string; data?: MimeBundle; metadata?: Metadata }[], kind?: AnnotationKind): string[] {
  return records
    .filter((r) => r.type === 'display' && annotationKindOf(r.metadata) !== undefined)
    .filter((r) => kind === undefined || annotationKindOf(r.metadata) === kind)
    .map((r) => String(r.data?.['text/plain']));
}
