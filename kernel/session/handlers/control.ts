import type { Handler } from '../request';

export const interruptRequest: Handler<'interrupt_request'> = async (request, kernel) => {
  kernel.interrupt();
  await request.reply('interrupt_reply', { status: 'ok' });
};

export const shutdownRequest: Handler<'shutdown_request'> = async (request, kernel) => {
  const restart = request.content.restart ?? false;
  kernel.beginShutdown();
  await kernel.interpreter.shutdown(restart);
  await request.reply('shutdown_reply', { status: 'ok', restart });
  await request.publish('shutdown_reply', { status: 'ok', restart });
  await kernel.shutdown(restart);
};
