import type { DebugBody, DebugRequest } from '../../interpreter/debug';
import type { JsonMap } from '../../wire/json';
import type { Handler } from '../request';

/**
 * debug_request on control (JEP 47): the DAP request goes to the interpreter,
 * its response comes back as debug_reply, and the events it emits, now or
 * later, are published as debug_event (parented to the request that
 * started the debugger's current conversation).
 */
export const debugRequest: Handler<'debug_request'> = async (request, kernel) => {
  const { seq = 0, command = '', arguments: args } = request.content;
  const dap: DebugRequest = { seq, type: 'request', command, ...(args ? { arguments: args as DebugBody } : {}) };
  const interpreter = kernel.interpreter;
  const response = await interpreter.debugRequest(dap, (event) => {
    void request.publish('debug_event', { ...event, ...(event.body ? { body: event.body as JsonMap } : {}) });
  });
  const { body, ...rest } = response;
  await request.reply('debug_reply', { ...rest, ...(body ? { body: body as JsonMap } : {}) });
};
