import { showAnnotation } from '../display/annotation';
import type { CommMessage, OpenComm } from '../interpreter/comm';
import type { DebugRequest, DebugResponse, EmitDebugEvent } from '../interpreter/debug';
import type { OutputSink } from '../interpreter/output-sink';
import type { Completeness, CompletionResult, InspectionResult, Interpreter, LanguageFacts } from '../interpreter/interpreter';
import type { CellOutcome, CellRequest, ExpressionResult } from '../interpreter/outcome';

/**
 * An interpreter that shows a notice, as an annotation of its own, in the
 * first cell that runs visibly (not silent), then behaves exactly like the
 * one it wraps. The
 * kernel's stderr is rarely seen in a notebook; what the kernel could not set
 * up (isolation refused) must reach the user once.
 */
export class FirstCellNotice implements Interpreter {
  private pending: string | undefined;

  constructor(
    private readonly inner: Interpreter,
    notice: string,
  ) {
    this.pending = notice;
  }

  languageFacts(): LanguageFacts {
    return this.inner.languageFacts();
  }

  execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    if (this.pending !== undefined && !request.silent) {
      showAnnotation(sink, 'notice', this.pending);
      this.pending = undefined;
    }
    return this.inner.execute(request, sink, interrupt);
  }

  evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, ExpressionResult>> {
    return this.inner.evaluateExpressions(expressions);
  }

  complete(code: string, cursorPos: number): Promise<CompletionResult> {
    return this.inner.complete(code, cursorPos);
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
    return this.inner.inspect(code, cursorPos, detailLevel);
  }

  isComplete(code: string): Promise<Completeness> {
    return this.inner.isComplete(code);
  }

  get hasDebugger(): boolean {
    return this.inner.hasDebugger;
  }

  onComm(message: CommMessage, sink: OutputSink, interrupt?: AbortSignal): Promise<void> {
    return this.inner.onComm(message, sink, interrupt);
  }

  debugRequest(request: DebugRequest, emitEvent: EmitDebugEvent): Promise<DebugResponse> {
    return this.inner.debugRequest(request, emitEvent);
  }

  openComms(targetName?: string): Promise<OpenComm[]> {
    return this.inner.openComms(targetName);
  }

  prepare(): void {
    this.inner.prepare();
  }

  shutdown(restart: boolean): Promise<void> {
    return this.inner.shutdown(restart);
  }
}
