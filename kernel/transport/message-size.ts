import { readSetting } from '../base/settings';

/** The largest message the kernel's sockets take, by default: far above any cell, far below what would exhaust memory. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * SOCKBOOK_MAX_MESSAGE_SIZE: bytes, or with a K, M or G suffix (powers of
 * 1024). ZeroMQ drops a larger incoming message (and the connection it came
 * on) before it is held in memory.
 */
export function maxMessageSize(value: string | undefined = readSetting('SOCKBOOK_MAX_MESSAGE_SIZE')): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_MESSAGE_SIZE;
  const match = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(value);
  if (!match) throw new Error(`SOCKBOOK_MAX_MESSAGE_SIZE: '${value}' is not a size (e.g. 67108864, 64M, 1G)`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Number(match[1]) * scale;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) throw new Error(`SOCKBOOK_MAX_MESSAGE_SIZE: '${value}' must be at least 1K`);
  return bytes;
}
