import type { CommMessage } from '../../interpreter/comm';
import { IopubSink } from '../iopub-sink';
import type { Handler, KernelContext, Request } from '../request';

/**
 * Comms: a frontend's comm_open, comm_msg and comm_close go to the
 * interpreter (the cells' comms and targets); what it sends back is
 * published with the frontend's message as parent. An interpreter without
 * comms gets none: a comm opened to it is closed at once, as the protocol
 * asks for an unknown target.
 */
export const commInfoRequest: Handler<'comm_info_request'> = async (request, kernel) => {
  const open = await kernel.interpreter.openComms(request.content.target_name);
  await request.reply('comm_info_reply', {
    status: 'ok',
    comms: Object.fromEntries(open.map(({ commId, targetName }) => [commId, { target_name: targetName }])),
  });
};

function sinkFor(request: Request, kernel: KernelContext): IopubSink {
  return new IopubSink(request, {
    silent: false,
    // A comm handler is not a cell: no frontend waits to type an answer for it.
    allowStdin: false,
    executionCount: kernel.executionCount,
    askInput: (req, prompt, password) => kernel.askInput(req, prompt, password),
  });
}

async function toInterpreter(request: Request, kernel: KernelContext, message: CommMessage): Promise<void> {
  // A handler may run a while (a click that runs a program): the kernel's interrupt reaches it as it reaches a cell.
  await kernel.interpreter.onComm(message, sinkFor(request, kernel), kernel.beginCell());
}

export const commOpen: Handler<'comm_open'> = async (request, kernel) => {
  const { comm_id: commId, target_name: targetName, data } = request.content;
  if (commId === undefined) return kernel.log('comm_open without a comm_id: ignored');
  await toInterpreter(request, kernel, { kind: 'open', commId, targetName: targetName ?? '', data: data ?? {} });
};

/** Messages for comms that do not exist are dropped by the interpreter, as the protocol allows. */
export const commMsg: Handler<'comm_msg'> = async (request, kernel) => {
  const { comm_id: commId, data } = request.content;
  if (commId !== undefined) await toInterpreter(request, kernel, { kind: 'msg', commId, data: data ?? {} });
};

export const commClose: Handler<'comm_close'> = async (request, kernel) => {
  const { comm_id: commId, data } = request.content;
  if (commId !== undefined) await toInterpreter(request, kernel, { kind: 'close', commId, data: data ?? {} });
};
