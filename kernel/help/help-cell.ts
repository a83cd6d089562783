// A cell that only asks for help (`?name`, `name?`, `??name`, IPython's
// syntax) is answered with what inspect_request gives at that name, so the
// pager shows what Shift-Tab shows: the TypeScript type and, for a libc
// binding or a C library name, its man page.
import type { OutputSink } from '../interpreter/output-sink';
import type { CellOutcome } from '../interpreter/outcome';
import { inspectCode, saysNothing, type TypeScriptHelp } from './code-help';

export interface HelpRequest {
  /** `libc.socket`, `Math.max`. */
  name: string;
  /** 0 for `?`, 1 for `??` (the whole man page), as inspect_request's detail_level. */
  detail: 0 | 1;
}

const NAME = String.raw`[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*`;
const BEFORE = new RegExp(String.raw`^\s*(\?{1,2})\s*(${NAME})\s*$`);
const AFTER = new RegExp(String.raw`^\s*(${NAME})\s*(\?{1,2})\s*$`);

/** The help a cell asks for, when it is nothing but `?name` or `name?` (one or two question marks). */
export function helpRequest(code: string): HelpRequest | undefined {
  const before = BEFORE.exec(code);
  const after = before ? undefined : AFTER.exec(code);
  const name = before?.[2] ?? after?.[1];
  const marks = before?.[1] ?? after?.[2];
  if (name === undefined || marks === undefined) return undefined;
  return { name: name.replace(/\s+/g, ''), detail: marks.length === 2 ? 1 : 0 };
}

/** Puts the inspection of the name in the pager payload; says so on stdout when there is nothing to show, as IPython does. */
export async function answerHelp(request: HelpRequest, sink: OutputSink, typescript: TypeScriptHelp): Promise<CellOutcome> {
  const reply = await inspectCode(request.name, request.name.length, request.detail, typescript);
  if (saysNothing(reply)) {
    sink.stream('stdout', `Object \`${request.name}\` not found.\n`);
    return { status: 'ok' };
  }
  return { status: 'ok', payload: [{ source: 'page', data: reply.data, start: 0 }] };
}
