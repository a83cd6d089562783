import type { MimeBundle } from '../base/json';
import type { JsonMap } from './json';

/*
 * The content of every message this kernel receives or sends, per the
 * Jupyter messaging protocol, keyed by msg_type. test/types checks these
 * against @jupyterlab/services' KernelMessage types.
 */

/** A MIME bundle on the wire: the one MimeBundle type of kernel/base/json.ts. */
export type MimeData = MimeBundle;

export type ErrorContent = { ename: string; evalue: string; traceback: string[] };

/** The reply to any request whose handling failed (the protocol's error reply). */
export type ErrorReply = { status: 'error' } & ErrorContent;

export type EmptyContent = Record<string, never>;

export type ExecuteRequest = {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: { [name: string]: string };
  allow_stdin?: boolean;
  stop_on_error?: boolean;
};

export type HistoryRequest = {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
};

export type CommOpen = { comm_id: string; target_name: string; data: JsonMap; target_module?: string };
/** The content of comm_msg and comm_close on the wire; in the kernel a comm message is interpreter/comm.ts' CommMessage. */
export type CommContent = { comm_id: string; data: JsonMap };

/** debug_request (JEP 47): a Debug Adapter Protocol request, carried as the content. */
export type DebugRequest = { seq: number; type: 'request'; command: string; arguments?: JsonMap };
/** debug_reply: the Debug Adapter Protocol response to a debug_request. */
export type DebugReply = {
  seq: number;
  type: 'response';
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  body?: JsonMap;
};
/** debug_event on iopub: a Debug Adapter Protocol event (stopped, continued, output, …). */
export type DebugEvent = { seq: number; type: 'event'; event: string; body?: JsonMap };

/** Requests on shell and control (and the comm messages a client may send on shell). */
export type RequestContent = {
  execute_request: ExecuteRequest;
  kernel_info_request: EmptyContent;
  complete_request: { code: string; cursor_pos: number };
  inspect_request: { code: string; cursor_pos: number; detail_level?: 0 | 1 };
  is_complete_request: { code: string };
  history_request: HistoryRequest;
  comm_info_request: { target_name?: string };
  comm_open: CommOpen;
  comm_msg: CommContent;
  comm_close: CommContent;
  shutdown_request: { restart: boolean };
  interrupt_request: EmptyContent;
  create_subshell_request: EmptyContent;
  delete_subshell_request: { subshell_id: string };
  list_subshell_request: EmptyContent;
  usage_request: EmptyContent;
  debug_request: DebugRequest;
};

/** What the stdin channel brings back. */
export type StdinReplyContent = {
  input_reply: { value: string };
};

export type ReceivedContent = RequestContent & StdinReplyContent;
export type RequestType = keyof RequestContent;
export type ReceivedType = keyof ReceivedContent;

/**
 * A received content: a client may leave out any field (defaults apply), and
 * a field of the wrong type is dropped on reading, so what is present has
 * the protocol's type.
 */
export type Received<T extends ReceivedType> = Partial<ReceivedContent[T]>;

/** The pager payload of execute_reply (the one payload sockbook sends). */
export type PagerPayload = { source: 'page'; data: MimeData; start: number };

export type ExpressionValue = ({ status: 'ok'; data: MimeData; metadata: JsonMap }) | ({ status: 'error' } & ErrorContent);

type ExecuteReplyFields = {
  execution_count: number;
  user_expressions: { [name: string]: ExpressionValue };
  payload: PagerPayload[];
};

export type ExecuteReply =
  | ({ status: 'ok' } & ExecuteReplyFields)
  | ({ status: 'error' } & ErrorContent & ExecuteReplyFields)
  | ({ status: 'aborted' } & ExecuteReplyFields);

export type LanguageInfo = {
  name: string;
  version: string;
  mimetype: string;
  file_extension: string;
  pygments_lexer: string;
  codemirror_mode: string | { name: string; version: number };
};

export type KernelInfoReply = {
  status: 'ok';
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: LanguageInfo;
  banner: string;
  help_links: { text: string; url: string }[];
  debugger: boolean;
  /** Optional protocol features the kernel implements (JEP 92), e.g. 'kernel subshells'. */
  supported_features: string[];
};

export type IsCompleteReply =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' }
  | { status: 'unknown' };

/** history_reply rows: (session, line, input), or (session, line, (input, output)) when output was asked for. */
export type HistoryRows = [number, number, string][] | [number, number, [string, string | null]][];

export type ShutdownReply = { status: 'ok'; restart: boolean };

/** usage_reply, in ipykernel's shape: the kernel's process tree and the host. Memory in bytes, CPU in percent of one core. */
export type UsageReply = {
  hostname: string;
  pid: number;
  kernel_cpu: number;
  kernel_memory: number;
  /** Left out when there is no measurement yet (as ipykernel does). */
  host_cpu_percent?: number;
  cpu_count: number;
  host_virtual_memory: { [field: string]: number };
};

/** Replies on shell and control, each to its `<name>_request`. */
export type ReplyContent = {
  execute_reply: ExecuteReply;
  kernel_info_reply: KernelInfoReply;
  complete_reply: { status: 'ok'; matches: string[]; cursor_start: number; cursor_end: number; metadata: JsonMap };
  inspect_reply: { status: 'ok'; found: boolean; data: MimeData; metadata: JsonMap };
  is_complete_reply: IsCompleteReply;
  history_reply: { status: 'ok'; history: HistoryRows };
  comm_info_reply: { status: 'ok'; comms: { [commId: string]: { target_name: string } } };
  shutdown_reply: ShutdownReply;
  interrupt_reply: { status: 'ok' };
  create_subshell_reply: { status: 'ok'; subshell_id: string };
  delete_subshell_reply: { status: 'ok' } | ErrorReply;
  list_subshell_reply: { status: 'ok'; subshell_id: string[] };
  usage_reply: UsageReply;
  debug_reply: DebugReply;
};

export type ExecutionState = 'starting' | 'busy' | 'idle';

/** What is published on iopub. */
export type IopubContent = {
  status: { execution_state: ExecutionState };
  stream: { name: 'stdout' | 'stderr'; text: string };
  display_data: { data: MimeData; metadata: JsonMap; transient: { display_id?: string } };
  update_display_data: { data: MimeData; metadata: JsonMap; transient: { display_id: string } };
  execute_input: { code: string; execution_count: number };
  execute_result: { data: MimeData; metadata: JsonMap; execution_count: number };
  error: ErrorContent;
  clear_output: { wait: boolean };
  comm_open: CommOpen;
  comm_msg: CommContent;
  comm_close: CommContent;
  shutdown_reply: ShutdownReply;
  /** Sent to each new iopub subscription (protocol 5.5), with the topic prefix it subscribed to. */
  iopub_welcome: { subscription: string };
  debug_event: DebugEvent;
};

/** What the kernel asks on the stdin channel. */
export type StdinRequestContent = {
  input_request: { prompt: string; password: boolean };
};

export type ReplyType = keyof ReplyContent;
export type IopubType = keyof IopubContent;
