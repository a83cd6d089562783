import type { Handler } from '../request';

export const interruptRequest: Handler = async (request, kernel) => {
  kernel.interrupt();
  await request.reply('interrupt_reply', { status: 'ok' });
};

export const shutdownRequest: Handler = async (request, kernel) => {
  const restart = request.message.content.restart === true;
  await kernel.interpreter.shutdown(restart);
  await request.reply('shutdown_reply', { status: 'ok', restart });
  await request.publish('shutdown_reply', { status: 'ok', restart });
  await kernel.shutdown(restart);
};
