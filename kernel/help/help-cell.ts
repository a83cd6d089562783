// A cell that only asks for help (`?name`, `name?`, `??name`, IPython's
// syntax, found by kernel/cells/help-syntax.ts) is answered with what inspect_request gives at that name, so the
// pager shows what Shift-Tab shows: the TypeScript type and, for a libc
// binding or a C library name, its man page.
import type { OutputSink } from '../interpreter/output-sink';
import type { CellOutcome } from '../interpreter/outcome';
import type { HelpRequest } from '../cells/help-syntax';
import { inspectCode, saysNothing, type TypeScriptHelp } from './code-help';

/** Puts the inspection of the name in the pager payload; says so on stdout when there is nothing to show, as IPython does. */
export async function answerHelp(request: HelpRequest, sink: OutputSink, typescript: TypeScriptHelp): Promise<CellOutcome> {
  const reply = await inspectCode(request.name, request.name.length, request.detail, typescript);
  if (saysNothing(reply)) {
    sink.stream('stdout', `Object \`${request.name}\` not found.\n`);
    return { status: 'ok' };
  }
  return { status: 'ok', payload: [{ source: 'page', data: reply.data, start: 0 }] };
}
