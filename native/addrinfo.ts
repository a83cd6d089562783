// Name resolution: getaddrinfo(3) returning a JS array (the C list is always freed).
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { gaiNames } from './constant-names';
import { GaiError, SyscallError } from './errors';
import { callAsync } from './interrupt';
import { describeSockaddr, Sockaddr } from './sockaddr';

const getaddrinfoC = cfunc('int getaddrinfo(const char *node, const char *service, const addrinfo *hints, _Out_ void **res)');
const freeaddrinfoC = cfunc('void freeaddrinfo(void *res)');
const gaiStrerrorC = cfunc('const char *gai_strerror(int errcode)');

/** What to look up: the struct addrinfo hints (all optional, 0 = any). */
export interface AddrinfoHints {
  /** AF_INET, AF_INET6 or AF_UNSPEC. */
  family?: number;
  /** SOCK_STREAM, SOCK_DGRAM ... */
  socktype?: number;
  protocol?: number;
  /** AI_PASSIVE, AI_NUMERICHOST, AI_CANONNAME, AI_ADDRCONFIG ... */
  flags?: number;
}

/** One result of getaddrinfo. */
export interface AddrinfoEntry {
  family: number;
  socktype: number;
  protocol: number;
  /** The address as text: "127.0.0.1", "::1". */
  address: string;
  port: number;
  /** The canonical name, when AI_CANONNAME was asked (first entry only). */
  canonname?: string;
  /** The address ready for connect/bind/sendto. */
  addr: Sockaddr;
}

/** gai_strerror(3): the text of a getaddrinfo error code, e.g. EAI_NONAME → 'Name or service not known'. */
export function gai_strerror(errcode: number): string {
  return String(gaiStrerrorC(errcode));
}

function gaiName(code: number): string {
  return gaiNames.find((name) => constants[name] === code) ?? `EAI_${code}`;
}

interface RawAddrinfo {
  ai_family: number;
  ai_socktype: number;
  ai_protocol: number;
  ai_addrlen: number;
  ai_addr: bigint | null;
  ai_canonname: string | null;
  ai_next: bigint | null;
}

/** Copies the C list into JS values; the caller frees it. */
function readList(head: bigint): AddrinfoEntry[] {
  const out: AddrinfoEntry[] = [];
  for (let p: bigint | null = head; p; ) {
    const ai = koffi.decode(p, 'addrinfo') as RawAddrinfo;
    if (ai.ai_addr) {
      const bytes = Buffer.from(koffi.decode(ai.ai_addr, 'uint8_t', ai.ai_addrlen) as Uint8Array);
      const addr = new Sockaddr(bytes, ai.ai_addrlen);
      const text = describeSockaddr(addr);
      const address = ai.ai_family === constants.AF_INET6 ? text.slice(1, text.lastIndexOf(']')) : text.slice(0, text.lastIndexOf(':'));
      const entry: AddrinfoEntry = { family: ai.ai_family, socktype: ai.ai_socktype, protocol: ai.ai_protocol, address, port: addr.port, addr };
      if (ai.ai_canonname) entry.canonname = ai.ai_canonname;
      out.push(entry);
    }
    p = ai.ai_next;
  }
  return out;
}

function hintsStruct(hints: AddrinfoHints): Record<string, unknown> {
  return {
    ai_flags: hints.flags ?? 0,
    ai_family: hints.family ?? constants.AF_UNSPEC,
    ai_socktype: hints.socktype ?? 0,
    ai_protocol: hints.protocol ?? 0,
    ai_addrlen: 0,
    ai_addr: null,
    ai_canonname: null,
    ai_next: null,
  };
}

function describeQuery(node: string | null, service: string | null): string {
  return [node, service].filter((s) => s !== null).join(' ');
}

function finish(code: number, errno: number, res: unknown, node: string | null, service: string | null): AddrinfoEntry[] {
  if (code !== 0) {
    if (code === constants.EAI_SYSTEM) throw new SyscallError('getaddrinfo', errno);
    throw new GaiError(gaiName(code), code, gai_strerror(code), describeQuery(node, service));
  }
  const head = res as bigint | null;
  if (!head) return [];
  try {
    return readList(head);
  } finally {
    freeaddrinfoC(head);
  }
}

function checkQuery(node: string | null, service: string | null): void {
  if (node === null && service === null) throw new TypeError('getaddrinfo: give a host name, a service, or both');
  if (service !== null && typeof service !== 'string') throw new TypeError('getaddrinfo: service must be a string such as "80" or "http"');
}

/**
 * getaddrinfo(3): resolves a host (`node`, e.g. "localhost", "127.0.0.1",
 * "::1", or null) and `service` (e.g. "31008", "http", or null) into
 * addresses. Returns [{ family, socktype, protocol, address, port, addr }, ...]
 * and frees the C list (freeaddrinfo). Throws GaiError with the gai_strerror
 * text (`.code` 'EAI_NONAME' ...) on failure. May block the event loop on DNS;
 * see getaddrinfo_async.
 */
export function getaddrinfo(node: string | null, service: string | null = null, hints: AddrinfoHints = {}): AddrinfoEntry[] {
  checkQuery(node, service);
  const res: unknown[] = [null];
  const code = getaddrinfoC(node, service, hintsStruct(hints), res) as number;
  return finish(code, koffi.errno(), res[0], node, service);
}

/** getaddrinfo on a worker thread, so DNS does not block the event loop. */
export async function getaddrinfo_async(node: string | null, service: string | null = null, hints: AddrinfoHints = {}): Promise<AddrinfoEntry[]> {
  checkQuery(node, service);
  const res: unknown[] = [null];
  const { result, errno } = await callAsync(getaddrinfoC, node, service, hintsStruct(hints), res);
  return finish(result, errno, res[0], node, service);
}
