import type { ErrorReply } from '../wire/content';

/**
 * What a request gets when its handler fails before replying: an error
 * reply of the request's own reply type (`<name>_reply` for `<name>_request`),
 * so the client is told instead of waiting forever. Messages without a reply
 * type (comm messages) get none.
 */
export function errorReplyFor(msgType: string, error: unknown): { replyType: string; content: ErrorReply } | undefined {
  if (!msgType.endsWith('_request')) return undefined;
  const e = error instanceof Error ? error : new Error(String(error));
  const ename = e.name || 'Error';
  return {
    replyType: `${msgType.slice(0, -'_request'.length)}_reply`,
    content: { status: 'error', ename, evalue: e.message, traceback: [`${ename}: ${e.message}`] },
  };
}
