import type { ReceivedContent, ReceivedType, Received } from './content';
import { isJsonObject, type JsonMap } from './json';
import type { JsonObject } from './message';

/** Reads one field: its value when it has the protocol's type, otherwise undefined. */
interface FieldReader<V> {
  readonly expected: string;
  read(value: unknown): V | undefined;
}

const field = <V>(expected: string, read: (value: unknown) => V | undefined): FieldReader<V> => ({ expected, read });

const string = field('a string', (v) => (typeof v === 'string' ? v : undefined));
const boolean = field('a boolean', (v) => (typeof v === 'boolean' ? v : undefined));
const number = field('a number', (v) => (typeof v === 'number' ? v : undefined));
const nullableNumber = field<number | null>('a number or null', (v) => (v === null || typeof v === 'number' ? v : undefined));
// A decoded JSON object holds only JSON values.
const object = field('an object', (v) => (isJsonObject(v) ? (v as JsonMap) : undefined));

function oneOf<V extends string | number>(...values: V[]): FieldReader<V> {
  return field(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.find((allowed) => allowed === v));
}

/** user_expressions: the entries whose expression is a string. */
const expressions = field('an object of strings', (v) =>
  isJsonObject(v)
    ? Object.fromEntries(Object.entries(v).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
    : undefined,
);

type FieldReaders<C> = { readonly [K in keyof C]-?: FieldReader<Exclude<C[K], undefined>> };

/** The fields sockbook reads of each message it receives; others are ignored (the protocol lets messages grow). */
const readers: { readonly [T in ReceivedType]: FieldReaders<ReceivedContent[T]> } = {
  execute_request: {
    code: string,
    silent: boolean,
    store_history: boolean,
    user_expressions: expressions,
    allow_stdin: boolean,
    stop_on_error: boolean,
  },
  kernel_info_request: {},
  complete_request: { code: string, cursor_pos: number },
  inspect_request: { code: string, cursor_pos: number, detail_level: oneOf(0, 1) },
  is_complete_request: { code: string },
  history_request: {
    output: boolean,
    raw: boolean,
    hist_access_type: oneOf('range', 'tail', 'search'),
    session: number,
    start: number,
    stop: nullableNumber,
    n: nullableNumber,
    pattern: string,
    unique: boolean,
  },
  comm_info_request: { target_name: string },
  comm_open: { comm_id: string, target_name: string, data: object, target_module: string },
  comm_msg: { comm_id: string, data: object },
  comm_close: { comm_id: string, data: object },
  shutdown_request: { restart: boolean },
  interrupt_request: {},
  create_subshell_request: {},
  delete_subshell_request: { subshell_id: string },
  list_subshell_request: {},
  usage_request: {},
  debug_request: { seq: number, type: oneOf('request'), command: string, arguments: object },
  input_reply: { value: string },
};

export function isReceivedType(msgType: string): msgType is ReceivedType {
  return Object.hasOwn(readers, msgType);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Narrows a decoded content to the fields of its msg_type that have the
 * right type. A field of the wrong type is left out (so its default applies)
 * and reported in `problems`, for the log.
 */
export function readContent<T extends ReceivedType>(msgType: T, raw: JsonObject): { content: Received<T>; problems: string[] } {
  const fields: FieldReaders<ReceivedContent[T]> = readers[msgType];
  const content: Received<T> = {};
  const problems: string[] = [];
  for (const key of Object.keys(fields) as (keyof ReceivedContent[T] & string)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    const reader = fields[key];
    const read = reader.read(value);
    if (read === undefined) problems.push(`${msgType}: '${key}' should be ${reader.expected}, got ${describe(value)}; using the default`);
    else content[key] = read;
  }
  return { content, problems };
}
