import type { HistoryQuery } from '../history';
import type { Handler } from '../request';

export const historyRequest: Handler = async (request, kernel) => {
  const query = request.message.content as HistoryQuery;
  await request.reply('history_reply', { status: 'ok', history: kernel.history.query(query) });
};
