import type { HandlerTable } from '../request';
import { commClose, commInfoRequest, commMsg, commOpen } from './comm';
import { interruptRequest, shutdownRequest } from './control';
import { debugRequest } from './debug';
import { executeRequest } from './execute';
import { historyRequest } from './history';
import { completeRequest, inspectRequest, isCompleteRequest } from './introspection';
import { kernelInfoRequest } from './kernel-info';
import { createSubshellRequest, deleteSubshellRequest, listSubshellRequest } from './subshells';
import { usageRequest } from './usage';

/** msg_type → handler, per channel. Anything else is logged and ignored. */
export const shellHandlers: HandlerTable = {
  execute_request: executeRequest,
  kernel_info_request: kernelInfoRequest,
  complete_request: completeRequest,
  inspect_request: inspectRequest,
  is_complete_request: isCompleteRequest,
  history_request: historyRequest,
  comm_info_request: commInfoRequest,
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  shutdown_request: shutdownRequest,
};

export const controlHandlers: HandlerTable = {
  kernel_info_request: kernelInfoRequest,
  interrupt_request: interruptRequest,
  shutdown_request: shutdownRequest,
  create_subshell_request: createSubshellRequest,
  delete_subshell_request: deleteSubshellRequest,
  list_subshell_request: listSubshellRequest,
  usage_request: usageRequest,
  debug_request: debugRequest,
};
