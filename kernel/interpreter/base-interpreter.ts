import type { CommMessage, OpenComm } from './comm';
import { debuggerMissing, type DebugRequest, type DebugResponse, type EmitDebugEvent } from './debug';
import type { Completeness, CompletionResult, InspectionResult, Interpreter, LanguageFacts } from './interpreter';
import type { CellOutcome, CellRequest, ExpressionResult } from './outcome';
import type { OutputSink } from './output-sink';

/**
 * The defaults of the interpreter contract, in one place: an interpreter
 * with no comm targets (a comm a frontend opens is closed at once, as the
 * protocol asks), no open comms, no debugger, and nothing to prepare. An interpreter
 * extends it and overrides what it does; a wrapper implements `Interpreter`
 * itself, so the compiler makes it pass on every method.
 */
export abstract class BaseInterpreter implements Interpreter {
  abstract languageFacts(): LanguageFacts;
  abstract execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome>;
  abstract evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, ExpressionResult>>;
  abstract complete(code: string, cursorPos: number): Promise<CompletionResult>;
  abstract inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult>;
  abstract isComplete(code: string): Promise<Completeness>;
  abstract shutdown(restart: boolean): Promise<void>;

  readonly hasDebugger: boolean = false;

  async onComm(message: CommMessage, sink: OutputSink, _interrupt?: AbortSignal): Promise<void> {
    if (message.kind === 'open') sink.comm?.({ kind: 'close', commId: message.commId, data: {} });
  }

  async openComms(_targetName?: string): Promise<OpenComm[]> {
    return [];
  }

  async debugRequest(request: DebugRequest, _emitEvent: EmitDebugEvent): Promise<DebugResponse> {
    return debuggerMissing(request, 'this kernel has no debugger');
  }

  prepare(): void {}
}
