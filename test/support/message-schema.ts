// JSON schemas of the messages a kernel sends, written from the Jupyter
// messaging specification (protocol 5.5: the general message format, the
// shell, control, iopub and stdin messages, JEP 65's iopub_welcome and JEP 91's
// subshell messages), and a validator for the tests' kernel clients.
//
// Where the specification says "str or dict" (codemirror_mode), the schema
// takes the two forms every client reads: a mode name, or an object naming
// the mode with an integer version (as ipykernel sends it). Clients written
// in typed languages (runtimed's jupyter-protocol) accept nothing else.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Message } from '../../kernel/wire/message';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const bool: Schema = { type: 'boolean' };
const obj: Schema = { type: 'object' };
const strings: Schema = { type: 'array', items: str };

function object(required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return { type: 'object', required: Object.keys(required), properties: { ...required, ...optional } };
}

const header: Schema = object(
  { msg_id: { type: 'string', minLength: 1 }, session: str, username: str, date: { type: 'string', format: 'date-time' }, msg_type: str, version: { type: 'string', pattern: '^5\\.\\d+(\\.\\d+)?$' } },
  { subshell_id: { type: ['string', 'null'] } },
);

/** A MIME bundle: MIME type → data (a string for text types, JSON for JSON types). */
const mimeBundle: Schema = { type: 'object', propertyNames: { pattern: '^[\\w.+-]+/[\\w.+-]+$' }, additionalProperties: { type: ['string', 'object', 'array', 'number', 'boolean', 'null'] } };

/** Every reply may be an error instead, with the same fields as an error output. */
const errorFields = { ename: str, evalue: str, traceback: strings };
const errorReply: Schema = object({ status: { const: 'error' }, ...errorFields });
const abortedReply: Schema = object({ status: { const: 'aborted' } });

function reply(ok: Schema): Schema {
  return { oneOf: [ok, errorReply, abortedReply] };
}

function ok(required: Record<string, Schema> = {}, optional: Record<string, Schema> = {}): Schema {
  return object({ status: { const: 'ok' }, ...required }, optional);
}

const codemirrorMode: Schema = { oneOf: [str, { type: 'object', required: ['name', 'version'], properties: { name: str, version: { type: 'integer' } } }] };

const languageInfo: Schema = object(
  { name: str, version: str, mimetype: str, file_extension: str },
  { pygments_lexer: str, codemirror_mode: codemirrorMode, nbconvert_exporter: str },
);

const historyEntry: Schema = {
  type: 'array',
  minItems: 3,
  maxItems: 3,
  items: [int, int, { oneOf: [str, { type: 'array', minItems: 2, maxItems: 2, items: { type: ['string', 'null'] } }] }],
};

/** The content of each message type a kernel sends, by msg_type. */
export const CONTENT_SCHEMAS: Readonly<Record<string, Schema>> = {
  kernel_info_reply: reply(
    ok(
      { protocol_version: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }, implementation: str, implementation_version: str, language_info: languageInfo, banner: str },
      { debugger: bool, help_links: { type: 'array', items: object({ text: str, url: str }) }, supported_features: strings },
    ),
  ),
  execute_reply: {
    oneOf: [
      ok({ execution_count: int }, { payload: { type: 'array', items: obj }, user_expressions: obj }),
      object({ status: { const: 'error' }, execution_count: int, ...errorFields }),
      abortedReply,
    ],
  },
  complete_reply: reply(ok({ matches: strings, cursor_start: int, cursor_end: int, metadata: obj })),
  inspect_reply: reply(ok({ found: bool, data: mimeBundle, metadata: obj })),
  is_complete_reply: {
    oneOf: [
      object({ status: { const: 'incomplete' } }, { indent: str }),
      object({ status: { enum: ['complete', 'invalid', 'unknown'] } }),
    ],
  },
  history_reply: reply(ok({ history: { type: 'array', items: historyEntry } })),
  comm_info_reply: reply(ok({ comms: { type: 'object', additionalProperties: object({ target_name: str }) } })),
  shutdown_reply: reply(ok({ restart: bool })),
  interrupt_reply: reply(ok()),
  create_subshell_reply: reply(ok({ subshell_id: str })),
  delete_subshell_reply: reply(ok()),
  list_subshell_reply: reply(ok({ subshell_id: strings })),
  // Not in the specification (jupyter-resource-usage's request): any object.
  usage_reply: obj,
  status: object({ execution_state: { enum: ['busy', 'idle', 'starting'] } }),
  stream: object({ name: { enum: ['stdout', 'stderr'] }, text: str }),
  display_data: object({ data: mimeBundle, metadata: obj }, { transient: object({}, { display_id: str }) }),
  update_display_data: object({ data: mimeBundle, metadata: obj, transient: object({ display_id: str }) }),
  execute_result: object({ execution_count: int, data: mimeBundle, metadata: obj }, { transient: object({}, { display_id: str }) }),
  error: object(errorFields),
  execute_input: object({ code: str, execution_count: int }),
  clear_output: object({ wait: bool }),
  comm_open: object({ comm_id: str, target_name: str, data: obj }, { target_module: str }),
  comm_msg: object({ comm_id: str, data: obj }),
  comm_close: object({ comm_id: str, data: obj }),
  iopub_welcome: object({ subscription: str }),
  input_request: object({ prompt: str, password: bool }),
};

/** The channel each message type may come on from a kernel. */
const CHANNELS: Readonly<Record<string, readonly string[]>> = {
  // shutdown_reply is broadcast on iopub too, so every client learns of the shutdown.
  iopub: ['status', 'stream', 'display_data', 'update_display_data', 'execute_result', 'error', 'execute_input', 'clear_output', 'comm_open', 'comm_msg', 'comm_close', 'iopub_welcome', 'shutdown_reply'],
  shell: ['kernel_info_reply', 'execute_reply', 'complete_reply', 'inspect_reply', 'is_complete_reply', 'history_reply', 'comm_info_reply', 'shutdown_reply'],
  control: ['kernel_info_reply', 'shutdown_reply', 'interrupt_reply', 'create_subshell_reply', 'delete_subshell_reply', 'list_subshell_reply', 'usage_reply'],
  stdin: ['input_request'],
};

/** `date-time` as RFC 3339 has it (ajv-formats is not needed for one format). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let compiled: { header: ValidateFunction; contents: Map<string, ValidateFunction> } | undefined;

function validators() {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true });
    ajv.addFormat('date-time', DATE_TIME);
    compiled = { header: ajv.compile(header), contents: new Map(Object.entries(CONTENT_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)])) };
  }
  return compiled;
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${where}${e.instancePath || ''} ${e.message ?? ''}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** What is wrong with a message a kernel sent on a channel, by the specification; empty when nothing is. */
export function messageProblems(channel: 'shell' | 'control' | 'stdin' | 'iopub', message: Pick<Message, 'header' | 'parent_header' | 'metadata' | 'content'>): string[] {
  const { header: validHeader, contents } = validators();
  const msgType = String(message.header.msg_type);
  const problems: string[] = [];
  if (!validHeader(message.header)) problems.push(...describe('header', validHeader.errors));
  const parent = message.parent_header as Record<string, unknown>;
  if (Object.keys(parent).length > 0 && !validHeader(parent)) problems.push(...describe('parent_header', validHeader.errors));
  if (typeof message.metadata !== 'object' || message.metadata === null || Array.isArray(message.metadata)) problems.push('metadata is not an object');
  if (!(CHANNELS[channel] ?? []).includes(msgType)) problems.push(`${msgType} is not a message a kernel sends on ${channel}`);
  const validContent = contents.get(msgType);
  if (validContent && !validContent(message.content)) problems.push(...describe('content', validContent.errors));
  return problems.map((p) => `${channel} ${msgType}: ${p}`);
}
