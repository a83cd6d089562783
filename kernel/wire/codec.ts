import { randomUUID } from 'node:crypto';
import { DELIMITER, Header, JsonObject, Message, PROTOCOL_VERSION } from './message';
import type { DigestHistory } from './digest-history';
import { Signer } from './signer';

export class WireError extends Error {}

function parseJsonObject(frame: Buffer, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    throw new WireError(`${what} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WireError(`${what} is not a JSON object`);
  }
  return value as JsonObject;
}

function isHeader(value: JsonObject): value is JsonObject & Header {
  return typeof value.msg_id === 'string' && typeof value.msg_type === 'string';
}

/**
 * Splits and verifies a multipart message; throws WireError on anything
 * malformed or wrongly signed, and, given the history of signatures already
 * received, on a replay of a signed message.
 */
export function decodeMessage(frames: readonly Buffer[], signer: Signer, history?: DigestHistory): Message {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('latin1') === DELIMITER);
  if (at < 0) throw new WireError('no <IDS|MSG> delimiter');
  if (frames.length < at + 6) throw new WireError(`expected 5 frames after the delimiter, got ${frames.length - at - 1}`);
  const signature = frames[at + 1];
  const body = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, body)) throw new WireError('invalid signature');
  // Without a key every signature is empty: there is nothing to tell a replay by.
  if (history && signer.enabled && !history.add(signature.toString('latin1'))) {
    throw new WireError('replayed message: its signature was already received');
  }
  const header = parseJsonObject(body[0], 'header');
  if (!isHeader(header)) throw new WireError('header lacks msg_id or msg_type');
  return {
    identities: frames.slice(0, at),
    header,
    parent_header: parseJsonObject(body[1], 'parent_header') as Partial<Header>,
    metadata: parseJsonObject(body[2], 'metadata'),
    content: parseJsonObject(body[3], 'content'),
    buffers: frames.slice(at + 6),
  };
}

export function encodeMessage(message: Message, signer: Signer): Buffer[] {
  const body = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), 'utf8'),
  );
  return [...message.identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(body)), ...body, ...message.buffers];
}

export function newHeader(msgType: string, session: string, username = 'sockbook'): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}
