import { INTERRUPTED_BEFORE_START } from '../../interpreter/keyboard-interrupt';
import { errorOutcome, interruptOutcome, type CellOutcome } from '../../interpreter/outcome';
import type { Received } from '../../wire/content';
import { IopubSink } from '../iopub-sink';
import type { Handler, KernelContext, Request } from '../request';

/** execute_request with the protocol's defaults filled in. */
interface ExecuteOptions {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  stopOnError: boolean;
}

function withDefaults(content: Received<'execute_request'>): ExecuteOptions {
  const silent = content.silent ?? false;
  return {
    code: content.code ?? '',
    silent,
    // A silent request never enters history (as in ipykernel).
    storeHistory: silent ? false : (content.store_history ?? true),
    userExpressions: content.user_expressions ?? {},
    allowStdin: content.allow_stdin ?? true,
    stopOnError: content.stop_on_error ?? true,
  };
}

async function runCell(request: Request<'execute_request'>, kernel: KernelContext, content: ExecuteOptions, count: number): Promise<CellOutcome> {
  const sink = new IopubSink(request, {
    silent: content.silent,
    allowStdin: content.allowStdin,
    executionCount: count,
    askInput: (req, prompt, password) => kernel.askInput(req, prompt, password),
  });
  const signal = kernel.beginCell();
  // Interrupted after busy but before the interpreter got it: the cell does not start.
  if (signal.aborted) {
    return interruptOutcome(INTERRUPTED_BEFORE_START);
  }
  try {
    return await kernel.interpreter.execute(
      { code: content.code, executionCount: count, silent: content.silent, storeHistory: content.storeHistory, allowStdin: content.allowStdin },
      sink,
      signal,
    );
  } catch (error) {
    // An interpreter must settle with an outcome; this is the last resort so the client still gets a reply.
    const e = error instanceof Error ? error : new Error(String(error));
    return errorOutcome(e.name, e.message);
  }
}

export const executeRequest: Handler<'execute_request'> = async (request, kernel) => {
  const content = withDefaults(request.content);

  if (request.sequence <= kernel.abortThrough) {
    await request.reply('execute_reply', { status: 'aborted', execution_count: kernel.executionCount, user_expressions: {}, payload: [] });
    return;
  }

  if (content.storeHistory) kernel.executionCount += 1;
  const count = kernel.executionCount;
  if (!content.silent) await request.publish('execute_input', { code: content.code, execution_count: count });
  if (content.storeHistory) kernel.history.add(count, content.code);

  const outcome = await runCell(request, kernel, content, count);

  if (outcome.status === 'error') {
    if (!content.silent) {
      await request.publish('error', { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback });
    }
    if (content.stopOnError) kernel.abortThrough = kernel.lastSequence;
    await request.reply('execute_reply', {
      status: 'error',
      execution_count: count,
      ename: outcome.ename,
      evalue: outcome.evalue,
      traceback: outcome.traceback,
      user_expressions: {},
      payload: [],
    });
    return;
  }

  const userExpressions =
    Object.keys(content.userExpressions).length > 0 ? await kernel.interpreter.evaluateExpressions(content.userExpressions) : {};
  await request.reply('execute_reply', {
    status: 'ok',
    execution_count: count,
    user_expressions: userExpressions,
    payload: outcome.payload ?? [],
  });
};
