// Parsers of /proc/<pid>/net/{tcp,tcp6,udp,udp6,unix}: the kernel's socket
// tables of one network namespace, one line per socket.
import { endianness } from 'node:os';

export type Netid = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix';

export interface SocketEntry {
  netid: Netid;
  family: 'IPv4' | 'IPv6' | 'unix';
  type: 'stream' | 'dgram' | 'seqpacket' | 'raw';
  /** LISTEN, ESTABLISHED, CLOSE-WAIT, TIME-WAIT … (UNCONN for unconnected datagram and unix sockets). */
  state: string;
  /** `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:*`, a unix path, `@abstract` or `*`. */
  local: string;
  peer: string;
  localPort?: number;
  peerPort?: number;
  /** Bytes not yet read by the program (for LISTEN: connections waiting for accept). */
  recvQ?: number;
  /** Bytes not yet acknowledged by the peer. */
  sendQ?: number;
  /** The socket's inode (what /proc/PID/fd/N links to as `socket:[inode]`); 0 once no fd holds it (TIME-WAIT). */
  inode: number;
}

/** TCP states as include/net/tcp_states.h numbers them. */
const TCP_STATES: Record<number, string> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN-SENT',
  0x03: 'SYN-RECV',
  0x04: 'FIN-WAIT-1',
  0x05: 'FIN-WAIT-2',
  0x06: 'TIME-WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE-WAIT',
  0x09: 'LAST-ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'NEW-SYN-RECV',
};

/**
 * Address bytes from the tables' hex: the kernel prints each 32-bit word of
 * the network-order address as a number in host order, so a word's bytes
 * are reversed on a little-endian machine.
 */
export function addressBytes(hex: string): Buffer {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let word = 0; word < hex.length / 8; word++) {
    const value = parseInt(hex.slice(word * 8, word * 8 + 8), 16) >>> 0;
    if (endianness() === 'LE') bytes.writeUInt32LE(value, word * 4);
    else bytes.writeUInt32BE(value, word * 4);
  }
  return bytes;
}

/** The usual text of an IPv6 address: the longest run of zero groups as `::`, v4-mapped as `::ffff:a.b.c.d`. */
export function formatIPv6(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** `0100007F:1F90` → { text: '127.0.0.1:8080', port: 8080 }; port 0 shows as `*` (any / none). */
export function decodeEndpoint(field: string, family: 'IPv4' | 'IPv6'): { text: string; port: number } {
  const [hexAddress = '', hexPort = '0'] = field.split(':');
  const bytes = addressBytes(hexAddress);
  const port = parseInt(hexPort, 16);
  const address = family === 'IPv4' ? [...bytes].join('.') : `[${formatIPv6(bytes)}]`;
  return { text: `${address}:${port === 0 ? '*' : port}`, port };
}

/** Parses /proc/net/tcp, tcp6, udp or udp6 (the header line is skipped). */
export function parseInetTable(text: string, netid: Exclude<Netid, 'unix'>): SocketEntry[] {
  const family = netid.endsWith('6') ? 'IPv6' : 'IPv4';
  const tcp = netid.startsWith('tcp');
  const entries: SocketEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, localField = '', peerField = '', stateHex = '', queues = '0:0'] = fields;
    const [txHex = '0', rxHex = '0'] = queues.split(':');
    const stateCode = parseInt(stateHex, 16);
    const local = decodeEndpoint(localField, family);
    const peer = decodeEndpoint(peerField, family);
    let state = TCP_STATES[stateCode] ?? `0x${stateHex}`;
    if (!tcp) state = stateCode === 0x07 ? 'UNCONN' : stateCode === 0x01 ? 'ESTABLISHED' : state;
    entries.push({
      netid,
      family,
      type: tcp ? 'stream' : 'dgram',
      state,
      local: local.text,
      peer: peer.text,
      localPort: local.port,
      peerPort: peer.port,
      recvQ: parseInt(rxHex, 16),
      sendQ: parseInt(txHex, 16),
      inode: Number(fields[9]),
    });
  }
  return entries;
}

const UNIX_TYPES: Record<number, SocketEntry['type']> = { 1: 'stream', 2: 'dgram', 3: 'raw', 5: 'seqpacket' };
/** __SO_ACCEPTCON in the Flags column: the socket listens. */
const UNIX_ACCEPTING = 0x10000;
const UNIX_STATES: Record<number, string> = { 1: 'UNCONN', 2: 'CONNECTING', 3: 'CONNECTED', 4: 'DISCONNECTING' };

/** Parses /proc/net/unix: `Num RefCount Protocol Flags Type St Inode Path`. */
export function parseUnixTable(text: string): SocketEntry[] {
  const entries: SocketEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 7) continue;
    const flags = parseInt(fields[3] ?? '0', 16);
    const type = UNIX_TYPES[parseInt(fields[4] ?? '0', 16)] ?? 'stream';
    const st = parseInt(fields[5] ?? '0', 16);
    const path = fields.slice(7).join(' ');
    entries.push({
      netid: 'unix',
      family: 'unix',
      type,
      state: flags & UNIX_ACCEPTING ? 'LISTEN' : UNIX_STATES[st] ?? `0x${fields[5]}`,
      local: path || '*',
      // /proc/net/unix does not tell the peer; only sock_diag netlink does.
      peer: '*',
      inode: Number(fields[6]),
    });
  }
  return entries;
}
