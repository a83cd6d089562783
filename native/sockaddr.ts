// Socket addresses: the Sockaddr buffer type, text <-> address conversions
// (inet_pton/inet_ntop) and byte order (htons & co).
import { inspect } from 'node:util';
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { SyscallError } from './errors';

const inetPtonC = cfunc('int inet_pton(int af, const char *src, void *dst)');
const inetNtopC = cfunc('void *inet_ntop(int af, const void *src, void *dst, socklen_t size)');
const htonsC = cfunc('uint16_t htons(uint16_t hostshort)');
const ntohsC = cfunc('uint16_t ntohs(uint16_t netshort)');
const htonlC = cfunc('uint32_t htonl(uint32_t hostlong)');
const ntohlC = cfunc('uint32_t ntohl(uint32_t netlong)');

const sinPort = koffi.offsetof('sockaddr_in', 'sin_port');
const sinAddr = koffi.offsetof('sockaddr_in', 'sin_addr');
const sin6Port = koffi.offsetof('sockaddr_in6', 'sin6_port');
const sin6Addr = koffi.offsetof('sockaddr_in6', 'sin6_addr');
const sin6Scope = koffi.offsetof('sockaddr_in6', 'sin6_scope_id');
const sunPath = koffi.offsetof('sockaddr_un', 'sun_path');
const sunPathMax = koffi.sizeof('sockaddr_un') - sunPath;

/**
 * A socket address in C layout: `buffer` holds the struct sockaddr_*, `len`
 * its length (what bind/connect take as addrlen, and what accept4/recvfrom/
 * getsockname set). Prints as "127.0.0.1:31008", "[::1]:80" or a path.
 */
export class Sockaddr {
  constructor(
    /** The struct bytes (sockaddr_in, sockaddr_in6, sockaddr_un or sockaddr_storage). */
    readonly buffer: Buffer,
    /** The address length in bytes. */
    public len: number,
  ) {}

  /** The address family (AF_INET, AF_INET6, AF_UNIX, ...). */
  get family(): number {
    return koffi.decode(this.buffer, 0, 'sa_family_t') as number;
  }

  /** The port, for AF_INET/AF_INET6 addresses (0 otherwise). */
  get port(): number {
    if (this.family === constants.AF_INET) return this.buffer.readUInt16BE(sinPort);
    if (this.family === constants.AF_INET6) return this.buffer.readUInt16BE(sin6Port);
    return 0;
  }

  toString(): string {
    return describeSockaddr(this);
  }

  [inspect.custom](): string {
    return `Sockaddr(${describeSockaddr(this)})`;
  }
}

/** An empty sockaddr_storage, big enough for any address (for accept4, recvfrom, getsockname). */
export function sockaddrStorage(): Sockaddr {
  const size = koffi.sizeof('sockaddr_storage');
  return new Sockaddr(Buffer.alloc(size), size);
}

/** A Sockaddr, or raw struct bytes (their whole length is the address length). */
export type SockaddrLike = Sockaddr | Buffer;

/** The buffer and length to pass to C for an address argument. */
export function addressArgs(addr: SockaddrLike): [Buffer, number] {
  if (addr instanceof Sockaddr) return [addr.buffer, addr.len];
  if (Buffer.isBuffer(addr)) return [addr, addr.length];
  throw new TypeError('expected a Sockaddr (from sockaddr("host:port")) or a Buffer');
}

function familyName(af: number): string {
  if (af === constants.AF_INET) return 'IPv4';
  if (af === constants.AF_INET6) return 'IPv6';
  return `family ${af}`;
}

/**
 * inet_pton(3): parses an IPv4 ("127.0.0.1", af = AF_INET) or IPv6 ("::1",
 * af = AF_INET6) address into network-order bytes (4 or 16). Throws if the
 * text is not an address of that family, SyscallError(EAFNOSUPPORT) for
 * another family.
 */
export function inet_pton(af: number, src: string): Buffer {
  const dst = Buffer.alloc(16);
  const r = inetPtonC(af, src, dst) as number;
  if (r < 0) throw new SyscallError('inet_pton', koffi.errno());
  if (r === 0) throw new Error(`inet_pton: '${src}' is not a valid ${familyName(af)} address`);
  return dst.subarray(0, af === constants.AF_INET ? 4 : 16);
}

/**
 * inet_ntop(3): formats network-order address bytes (4 for AF_INET, 16 for
 * AF_INET6) as text. Throws SyscallError (EAFNOSUPPORT) for another family.
 */
export function inet_ntop(af: number, src: Uint8Array): string {
  const need = af === constants.AF_INET ? 4 : 16;
  if (src.length < need) throw new RangeError(`inet_ntop: a ${familyName(af)} address needs ${need} bytes, got ${src.length}`);
  const dst = Buffer.alloc(constants.INET6_ADDRSTRLEN);
  const r = inetNtopC(af, src, dst, dst.length);
  if (r === null) throw new SyscallError('inet_ntop', koffi.errno());
  return dst.toString('latin1', 0, dst.indexOf(0));
}

/** htons(3): 16-bit host to network byte order. */
export function htons(hostshort: number): number {
  return htonsC(hostshort) as number;
}

/** ntohs(3): 16-bit network to host byte order. */
export function ntohs(netshort: number): number {
  return ntohsC(netshort) as number;
}

/** htonl(3): 32-bit host to network byte order. */
export function htonl(hostlong: number): number {
  return htonlC(hostlong >>> 0) as number;
}

/** ntohl(3): 32-bit network to host byte order. */
export function ntohl(netlong: number): number {
  return ntohlC(netlong >>> 0) as number;
}

function parsePort(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new Error(`sockaddr: bad port '${text}' in '${whole}' (expected 0..65535)`);
  }
  return Number(text);
}

function unixSockaddr(path: string): Sockaddr {
  const abstract = path.startsWith('@'); // Linux abstract namespace: a leading NUL byte, no file
  const bytes = Buffer.from(abstract ? path.slice(1) : path, 'utf8');
  const room = sunPathMax - 1; // room for the trailing NUL (or, abstract, the leading one)
  if (bytes.length > room) throw new Error(`sockaddr: unix socket path '${path}' is longer than ${room} bytes`);
  const buf = Buffer.alloc(koffi.sizeof('sockaddr_un'));
  koffi.encode(buf, 0, 'sa_family_t', constants.AF_UNIX);
  bytes.copy(buf, sunPath + (abstract ? 1 : 0));
  return new Sockaddr(buf, sunPath + bytes.length + 1);
}

/**
 * Builds the C address for a text form, ready for bind/connect/sendto:
 * "127.0.0.1:31008" (sockaddr_in), "[::1]:31008" (sockaddr_in6),
 * "/tmp/x.sock" or "./x.sock" (sockaddr_un), "@name" (abstract unix socket).
 * Host names are not resolved: use getaddrinfo for those.
 */
export function sockaddr(text: string): Sockaddr {
  if (typeof text !== 'string' || text === '') throw new TypeError('sockaddr: expected "ip:port", "[ipv6]:port" or a unix socket path');
  if (text.startsWith('/') || text.startsWith('./') || text.startsWith('../') || text.startsWith('@')) {
    return unixSockaddr(text);
  }
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (v6) {
    const buf = Buffer.alloc(koffi.sizeof('sockaddr_in6'));
    koffi.encode(buf, 0, 'sa_family_t', constants.AF_INET6);
    buf.writeUInt16BE(parsePort(v6[2], text), sin6Port);
    inet_pton(constants.AF_INET6, v6[1]).copy(buf, sin6Addr);
    return new Sockaddr(buf, buf.length);
  }
  const v4 = /^([^:]+):(.*)$/.exec(text);
  if (v4 && /^[\d.]+$/.test(v4[1])) {
    const buf = Buffer.alloc(koffi.sizeof('sockaddr_in'));
    koffi.encode(buf, 0, 'sa_family_t', constants.AF_INET);
    buf.writeUInt16BE(parsePort(v4[2], text), sinPort);
    inet_pton(constants.AF_INET, v4[1]).copy(buf, sinAddr);
    return new Sockaddr(buf, buf.length);
  }
  throw new Error(
    `sockaddr: cannot read '${text}': expected "127.0.0.1:PORT", "[::1]:PORT" or a unix socket path ` +
      '(starting with /, ./ or @); resolve host names with getaddrinfo',
  );
}

/**
 * The text form of a C socket address: "127.0.0.1:31008", "[::1]:31008",
 * "/tmp/x.sock", "@abstract", "(unnamed)" for an unbound unix socket.
 */
export function describeSockaddr(addr: SockaddrLike): string {
  const [buf, len] = addressArgs(addr);
  if (len < 2) return '(empty)';
  const family = koffi.decode(buf, 0, 'sa_family_t') as number;
  if (family === constants.AF_INET) {
    return `${inet_ntop(family, buf.subarray(sinAddr, sinAddr + 4))}:${buf.readUInt16BE(sinPort)}`;
  }
  if (family === constants.AF_INET6) {
    const scope = koffi.decode(buf, sin6Scope, 'uint32_t') as number;
    const host = inet_ntop(family, buf.subarray(sin6Addr, sin6Addr + 16));
    return `[${host}${scope ? `%${scope}` : ''}]:${buf.readUInt16BE(sin6Port)}`;
  }
  if (family === constants.AF_UNIX) {
    if (len <= sunPath) return '(unnamed)';
    const path = buf.subarray(sunPath, len);
    if (path[0] === 0) return '@' + path.subarray(1).toString('utf8').replace(/\0+$/, '');
    const end = path.indexOf(0);
    return path.subarray(0, end < 0 ? path.length : end).toString('utf8');
  }
  return `(family ${family})`;
}
