import type { JsonMap } from '../base/json';

/**
 * Comms (the protocol's custom messages): a pair of objects, one in the
 * kernel's code and one in a frontend, that send each other JSON. Either
 * side may open one to a target the other side registered.
 */
export type CommData = JsonMap;

/**
 * One comm message, either way: comm_open, comm_msg or comm_close.
 * `metadata` is the message's metadata (widgets put their protocol version there).
 */
export type CommMessage =
  | { kind: 'open'; commId: string; targetName: string; data: CommData; metadata?: CommData }
  | { kind: 'msg'; commId: string; data: CommData; metadata?: CommData }
  | { kind: 'close'; commId: string; data: CommData; metadata?: CommData };

/** An open comm, as comm_info_reply lists it. */
export interface OpenComm {
  commId: string;
  targetName: string;
}
