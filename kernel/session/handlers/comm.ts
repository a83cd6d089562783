import type { Handler } from '../request';

/** sockbook registers no comm targets: comm_info lists none and an opened comm is closed at once, as ipykernel does for unknown targets. */
export const commInfoRequest: Handler<'comm_info_request'> = async (request) => {
  await request.reply('comm_info_reply', { status: 'ok', comms: {} });
};

export const commOpen: Handler<'comm_open'> = async (request, kernel) => {
  const { comm_id: commId, target_name: target } = request.content;
  kernel.log(`no comm target '${String(target)}': closing comm ${String(commId)}`);
  if (commId !== undefined) await request.publish('comm_close', { comm_id: commId, data: {} });
};

/** Messages for comms that do not exist are ignored, as the protocol allows. */
export const commIgnored: Handler<'comm_msg' | 'comm_close'> = async () => {};
