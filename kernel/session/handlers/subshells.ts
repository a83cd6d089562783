import type { Handler } from '../request';

/** Kernel subshells (JEP 91), on the control channel. */
export const createSubshellRequest: Handler<'create_subshell_request'> = async (request, kernel) => {
  await request.reply('create_subshell_reply', { status: 'ok', subshell_id: kernel.subshells.create() });
};

export const deleteSubshellRequest: Handler<'delete_subshell_request'> = async (request, kernel) => {
  const subshellId = request.content.subshell_id;
  if (subshellId !== undefined && kernel.subshells.delete(subshellId)) {
    await request.reply('delete_subshell_reply', { status: 'ok' });
    return;
  }
  const evalue = subshellId === undefined ? 'delete_subshell_request needs a subshell_id' : `there is no subshell ${JSON.stringify(subshellId)}`;
  await request.reply('delete_subshell_reply', { status: 'error', ename: 'SubshellNotFound', evalue, traceback: [] });
};

/** The subshells that exist; the main shell is not among them. */
export const listSubshellRequest: Handler<'list_subshell_request'> = async (request, kernel) => {
  await request.reply('list_subshell_reply', { status: 'ok', subshell_id: kernel.subshells.list() });
};
