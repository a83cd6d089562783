// Parses tcpdump's text (`tcpdump -i lo -nn -tt -S -l tcp`): one line per
// TCP segment with its time, endpoints, flags, absolute sequence numbers and
// payload length.

export interface Segment {
  /** Seconds (epoch) as tcpdump printed them. */
  time: number;
  from: string;
  to: string;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  /** Absolute sequence number of the first byte (or of the SYN/FIN). */
  seq?: number;
  /** The acknowledgement number, when ACK is set. */
  ackNumber?: number;
  length: number;
}

const LINE = /^(\d+\.\d+) IP6? (\S+) > (\S+): Flags \[([^\]]*)\](.*)$/;

/** `127.0.0.1.31008` → `127.0.0.1:31008`, `::1.31008` → `[::1]:31008`. */
function endpoint(text: string): string {
  const dot = text.lastIndexOf('.');
  const address = text.slice(0, dot);
  const port = text.slice(dot + 1);
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function parseTcpdump(text: string): Segment[] {
  const segments: Segment[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const flags = m[4];
    const rest = m[5];
    const seq = /\bseq (\d+)(?::\d+)?/.exec(rest)?.[1];
    const ack = /\back (\d+)/.exec(rest)?.[1];
    const length = Number(/\blength (\d+)/.exec(rest)?.[1] ?? 0);
    segments.push({
      time: Number(m[1]),
      from: endpoint(m[2].replace(/:$/, '')),
      to: endpoint(m[3].replace(/:$/, '')),
      syn: flags.includes('S'),
      ack: flags.includes('.'),
      fin: flags.includes('F'),
      rst: flags.includes('R'),
      psh: flags.includes('P'),
      ...(seq !== undefined ? { seq: Number(seq) } : {}),
      ...(ack !== undefined ? { ackNumber: Number(ack) } : {}),
      length,
    });
  }
  return segments;
}
