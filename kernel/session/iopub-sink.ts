import type { CommMessage } from '../interpreter/comm';
import { MimeBundle, Metadata, OutputSink, StdinNotAllowedError } from '../interpreter/output-sink';
import type { IopubContent, IopubType } from '../wire/content';
import type { Request } from './request';

export type AskInput = (request: Request, prompt: string, password: boolean) => Promise<string>;

/**
 * OutputSink for one request (an execute_request, or a frontend's comm
 * message whose handler shows something): everything goes to iopub with the
 * request as parent; outputs are left out when silent, comm messages never.
 */
export class IopubSink implements OutputSink {
  constructor(
    private readonly request: Request,
    private readonly options: { silent: boolean; allowStdin: boolean; executionCount: number; askInput: AskInput },
  ) {}

  get allowStdin(): boolean {
    return this.options.allowStdin;
  }

  get parentMsgId(): string {
    return this.request.message.header.msg_id;
  }

  private publish<P extends IopubType>(msgType: P, content: IopubContent[P]): void {
    if (!this.options.silent) void this.request.publish(msgType, content);
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    if (text.length > 0) this.publish('stream', { name, text });
  }

  display(data: MimeBundle, metadata: Metadata = {}, displayId?: string): void {
    this.publish('display_data', { data, metadata, transient: displayId ? { display_id: displayId } : {} });
  }

  updateDisplay(displayId: string, data: MimeBundle, metadata: Metadata = {}): void {
    this.publish('update_display_data', { data, metadata, transient: { display_id: displayId } });
  }

  clearOutput(wait: boolean): void {
    this.publish('clear_output', { wait });
  }

  executeResult(data: MimeBundle, metadata: Metadata = {}): void {
    this.publish('execute_result', { data, metadata, execution_count: this.options.executionCount });
  }

  comm(message: CommMessage): void {
    const data = message.data;
    const metadata = message.metadata;
    if (message.kind === 'open') void this.request.publish('comm_open', { comm_id: message.commId, target_name: message.targetName, data }, metadata);
    else void this.request.publish(message.kind === 'msg' ? 'comm_msg' : 'comm_close', { comm_id: message.commId, data }, metadata);
  }

  input(prompt: string, password = false): Promise<string> {
    if (!this.options.allowStdin) return Promise.reject(new StdinNotAllowedError());
    return this.options.askInput(this.request, prompt, password);
  }
}
