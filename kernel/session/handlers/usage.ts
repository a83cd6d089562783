import type { Handler } from '../request';

/** usage_request on control (as ipykernel answers it): what JupyterLab's resource indicators show. */
export const usageRequest: Handler<'usage_request'> = async (request, kernel) => {
  await request.reply('usage_reply', await kernel.usage());
};
