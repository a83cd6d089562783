import type { Handler } from '../request';

export const historyRequest: Handler<'history_request'> = async (request, kernel) => {
  await request.reply('history_reply', { status: 'ok', history: kernel.history.query(request.content) });
};
