/*
 * Holds the kernel's message contents (kernel/wire/content.ts) against the
 * KernelMessage types of @jupyterlab/services, the client JupyterLab uses.
 * Nothing here runs: tsc fails the build when a content drifts.
 *
 * What the kernel sends must be assignable to what JupyterLab expects; what
 * JupyterLab sends must be assignable to what the kernel reads.
 */
import type * as KernelMessage from '@jupyterlab/services/lib/kernel/messages';
import type { PartialJSONValue } from '@lumino/coreutils';
import type { IopubContent, IopubType, ReplyContent, ReplyType, RequestContent, RequestType, StdinReplyContent, StdinRequestContent } from '../../kernel/wire/content';

/** A map with an entry for every key K. */
type Covering<K extends PropertyKey, M extends Record<K, unknown>> = M;

/** Compiles only when every entry of From is assignable to the entry of the same key in To. */
type EachAssignable<From extends { [K in keyof To]: To[K] }, To> = [From, To];

/** shutdown_request/reply and usage_request/reply (ipykernel's) have no KernelMessage interface in @jupyterlab/services 7. */
type Unmatched = 'shutdown_request' | 'shutdown_reply' | 'usage_request' | 'usage_reply';

type JupyterLabReplies = Covering<
  Exclude<ReplyType, Unmatched>,
  {
    execute_reply: KernelMessage.IExecuteReplyMsg['content'];
    kernel_info_reply: KernelMessage.IInfoReplyMsg['content'];
    complete_reply: KernelMessage.ICompleteReplyMsg['content'];
    inspect_reply: KernelMessage.IInspectReplyMsg['content'];
    is_complete_reply: KernelMessage.IIsCompleteReplyMsg['content'];
    // The protocol lets a history row's output be null (a cell that printed nothing); JupyterLab types it as a string.
    history_reply: KernelMessage.IReplyOkContent & {
      history: KernelMessage.IHistoryReply['history'] | [number, number, [string, string | null]][];
    };
    comm_info_reply: KernelMessage.ICommInfoReplyMsg['content'];
    interrupt_reply: KernelMessage.IInterruptReplyMsg['content'];
    create_subshell_reply: KernelMessage.ICreateSubshellReplyMsg['content'];
    delete_subshell_reply: KernelMessage.IDeleteSubshellReplyMsg['content'];
    list_subshell_reply: KernelMessage.IListSubshellReplyMsg['content'];
    debug_reply: KernelMessage.IDebugReplyMsg['content'];
  }
>;

/**
 * nbformat lets a JSON MIME type's value be any JSON value (`display.json(3)` sends a number);
 * JupyterLab's IMimeBundle types every value as text or an object.
 */
type AnyJsonData<T extends { data: unknown }> = Omit<T, 'data'> & { data: { [mimeType: string]: PartialJSONValue } };

/** iopub_welcome (protocol 5.5) is not among the KernelMessage types of @jupyterlab/services 7. */
type JupyterLabIopub = Covering<
  Exclude<IopubType, Unmatched | 'iopub_welcome'>,
  {
    status: KernelMessage.IStatusMsg['content'];
    stream: KernelMessage.IStreamMsg['content'];
    display_data: AnyJsonData<KernelMessage.IDisplayDataMsg['content']>;
    update_display_data: AnyJsonData<KernelMessage.IUpdateDisplayDataMsg['content']>;
    execute_input: KernelMessage.IExecuteInputMsg['content'];
    execute_result: AnyJsonData<KernelMessage.IExecuteResultMsg['content']>;
    error: KernelMessage.IErrorMsg['content'];
    clear_output: KernelMessage.IClearOutputMsg['content'];
    comm_open: KernelMessage.ICommOpenMsg<'iopub'>['content'];
    comm_msg: KernelMessage.ICommMsgMsg<'iopub'>['content'];
    comm_close: KernelMessage.ICommCloseMsg<'iopub'>['content'];
    debug_event: KernelMessage.IDebugEventMsg['content'];
  }
>;

type JupyterLabStdinRequests = Covering<keyof StdinRequestContent, { input_request: KernelMessage.IInputRequestMsg['content'] }>;

export type Sent = [
  EachAssignable<ReplyContent, JupyterLabReplies>,
  EachAssignable<IopubContent, JupyterLabIopub>,
  EachAssignable<StdinRequestContent, JupyterLabStdinRequests>,
];

type JupyterLabRequests = Covering<
  Exclude<RequestType, Unmatched>,
  {
    execute_request: KernelMessage.IExecuteRequestMsg['content'];
    kernel_info_request: KernelMessage.IInfoRequestMsg['content'];
    complete_request: KernelMessage.ICompleteRequestMsg['content'];
    inspect_request: KernelMessage.IInspectRequestMsg['content'];
    is_complete_request: KernelMessage.IIsCompleteRequestMsg['content'];
    history_request: KernelMessage.IHistoryRequestMsg['content'];
    comm_info_request: KernelMessage.ICommInfoRequestMsg['content'];
    comm_open: KernelMessage.ICommOpenMsg<'shell'>['content'];
    comm_msg: KernelMessage.ICommMsgMsg<'shell'>['content'];
    comm_close: KernelMessage.ICommCloseMsg<'shell'>['content'];
    interrupt_request: KernelMessage.IInterruptRequestMsg['content'];
    create_subshell_request: KernelMessage.ICreateSubshellRequestMsg['content'];
    delete_subshell_request: KernelMessage.IDeleteSubshellRequestMsg['content'];
    list_subshell_request: KernelMessage.IListSubshellRequestMsg['content'];
    debug_request: KernelMessage.IDebugRequestMsg['content'];
  }
>;

/**
 * The protocol says user_expressions maps names to expression strings;
 * JupyterLab types it as any JSON object (the kernel keeps the string
 * entries). Apart from that and the empty contents of two subshell requests, what JupyterLab sends is what the kernel reads.
 */
type JupyterLabRequestsAsSpecified = Omit<JupyterLabRequests, 'execute_request' | 'create_subshell_request' | 'list_subshell_request'> & {
  execute_request: Omit<KernelMessage.IExecuteRequestMsg['content'], 'user_expressions'> & { user_expressions?: { [name: string]: string } };
  // JupyterLab types these empty contents as any object; the kernel reads no field of them.
  create_subshell_request: Record<string, never>;
  list_subshell_request: Record<string, never>;
};

type JupyterLabStdinReplies = Covering<keyof StdinReplyContent, { input_reply: KernelMessage.IInputReply }>;

export type Read = [
  EachAssignable<JupyterLabRequestsAsSpecified, Omit<RequestContent, Unmatched>>,
  EachAssignable<JupyterLabStdinReplies, StdinReplyContent>,
];

/** Requests on which the two agree both ways (elsewhere the kernel reads fields JupyterLab always sends as optional). */
type Agreeing =
  | 'execute_request'
  | 'kernel_info_request'
  | 'complete_request'
  | 'is_complete_request'
  | 'comm_info_request'
  | 'comm_open'
  | 'comm_msg'
  | 'comm_close'
  | 'interrupt_request';

export type BothWays = EachAssignable<Pick<RequestContent, Agreeing>, Pick<JupyterLabRequests, Agreeing>>;

/** The file must compile to a module mocha can load (test/message-types.test.ts). */
export const checkedAgainst = '@jupyterlab/services/lib/kernel/messages';
