/** Jupyter messaging protocol shapes (https://jupyter-client.readthedocs.io/en/latest/messaging.html). */

export const PROTOCOL_VERSION = '5.5';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  /** The subshell a shell or stdin message is for (protocol 5.5); absent or null: the main shell. */
  subshell_id?: string | null;
}

export type JsonObject = Record<string, unknown>;

/** A decoded message. `identities` are the ROUTER routing frames it came with (empty on PUB). */
export interface Message<C extends JsonObject = JsonObject> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

export const DELIMITER = '<IDS|MSG>';
