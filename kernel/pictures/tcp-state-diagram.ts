// %tcpstates: the TCP state diagram of RFC 793 (figure 6), each state with
// the number of this kernel's sockets in it, drawn by Graphviz.
import { dotString } from './picture-bundle';

/** The eleven states of RFC 793, in the order the figure reads (top to bottom). */
export const RFC793_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN-RECEIVED',
  'SYN-SENT',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'CLOSE-WAIT',
  'FIN-WAIT-2',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
] as const;

export type TcpState = (typeof RFC793_STATES)[number];

/** A transition of the figure: the event (and what is sent) on the edge. */
interface Transition {
  from: TcpState;
  to: TcpState;
  label: string;
}

const TRANSITIONS: Transition[] = [
  { from: 'CLOSED', to: 'LISTEN', label: 'passive OPEN' },
  { from: 'CLOSED', to: 'SYN-SENT', label: 'active OPEN\nsnd SYN' },
  { from: 'LISTEN', to: 'SYN-RECEIVED', label: 'rcv SYN\nsnd SYN,ACK' },
  { from: 'LISTEN', to: 'SYN-SENT', label: 'SEND\nsnd SYN' },
  { from: 'LISTEN', to: 'CLOSED', label: 'CLOSE' },
  { from: 'SYN-SENT', to: 'SYN-RECEIVED', label: 'rcv SYN\nsnd ACK' },
  { from: 'SYN-SENT', to: 'ESTABLISHED', label: 'rcv SYN,ACK\nsnd ACK' },
  { from: 'SYN-SENT', to: 'CLOSED', label: 'CLOSE' },
  { from: 'SYN-RECEIVED', to: 'ESTABLISHED', label: 'rcv ACK of SYN' },
  { from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', label: 'CLOSE\nsnd FIN' },
  { from: 'ESTABLISHED', to: 'FIN-WAIT-1', label: 'CLOSE\nsnd FIN' },
  { from: 'ESTABLISHED', to: 'CLOSE-WAIT', label: 'rcv FIN\nsnd ACK' },
  { from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', label: 'rcv ACK of FIN' },
  { from: 'FIN-WAIT-1', to: 'CLOSING', label: 'rcv FIN\nsnd ACK' },
  { from: 'FIN-WAIT-2', to: 'TIME-WAIT', label: 'rcv FIN\nsnd ACK' },
  { from: 'CLOSING', to: 'TIME-WAIT', label: 'rcv ACK of FIN' },
  { from: 'CLOSE-WAIT', to: 'LAST-ACK', label: 'CLOSE\nsnd FIN' },
  { from: 'LAST-ACK', to: 'CLOSED', label: 'rcv ACK of FIN' },
  { from: 'TIME-WAIT', to: 'CLOSED', label: 'timeout = 2MSL' },
];

/** Linux's names (/proc/net/tcp, ss) for the RFC's states; NEW-SYN-RECV is a request socket still in SYN-RECEIVED. */
const LINUX_NAMES: Record<string, TcpState> = {
  CLOSE: 'CLOSED',
  'SYN-RECV': 'SYN-RECEIVED',
  'NEW-SYN-RECV': 'SYN-RECEIVED',
};

/** The RFC's name of a state as /proc/net/tcp names it; undefined for what is no TCP state. */
export function rfcState(linuxState: string): TcpState | undefined {
  const name = LINUX_NAMES[linuxState] ?? linuxState;
  return (RFC793_STATES as readonly string[]).includes(name) ? (name as TcpState) : undefined;
}

/** A socket counted on the diagram. */
export interface CountedSocket {
  state: TcpState;
  local: string;
  peer: string;
  /** `pid/fd command` of its holders; empty when no process holds it (TIME-WAIT). */
  owners: string[];
}

export interface TcpStateCounts {
  /** Every state of the figure, with how many of this kernel's sockets are in it. */
  counts: Record<TcpState, number>;
  sockets: CountedSocket[];
}

export function countStates(sockets: CountedSocket[]): TcpStateCounts {
  const counts = Object.fromEntries(RFC793_STATES.map((state) => [state, 0])) as Record<TcpState, number>;
  for (const socket of sockets) counts[socket.state] += 1;
  return { counts, sockets };
}

/** The side of the connection each state belongs to, for the colours: who opens, who closes first. */
const CLOSE_FIRST = new Set<TcpState>(['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'TIME-WAIT']);
const CLOSE_SECOND = new Set<TcpState>(['CLOSE-WAIT', 'LAST-ACK']);

function fillOf(state: TcpState, count: number): string {
  if (count === 0) return '#ffffff';
  if (CLOSE_FIRST.has(state)) return '#fde2b8';
  if (CLOSE_SECOND.has(state)) return '#f8c9c4';
  return '#cde8c7';
}

export function stateDiagramDot(counts: Record<TcpState, number>): string {
  const lines = [
    'digraph tcp {',
    '  graph [rankdir=TB, nodesep=0.5, ranksep=0.45, fontname="Helvetica", label="TCP connection states (RFC 793): this kernel\'s sockets", labelloc=t, fontsize=16];',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, width=1.6];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
  ];
  for (const state of RFC793_STATES) {
    const count = counts[state];
    const label = count === 0 ? state : `${state}\n${count} socket${count === 1 ? '' : 's'}`;
    const bold = count > 0 ? ', penwidth=2.2' : ', color="#999999", fontcolor="#555555"';
    lines.push(`  ${dotString(state)} [label=${dotString(label)}, fillcolor="${fillOf(state, count)}"${bold}];`);
  }
  // The figure's rows: the open at the top, the two ways to close below.
  lines.push('  { rank=same; "SYN-RECEIVED"; "SYN-SENT"; }');
  lines.push('  { rank=same; "FIN-WAIT-1"; "CLOSE-WAIT"; }');
  lines.push('  { rank=same; "FIN-WAIT-2"; "CLOSING"; "LAST-ACK"; }');
  for (const t of TRANSITIONS) {
    const back = t.to === 'CLOSED' || (t.from === 'LISTEN' && t.to === 'SYN-SENT');
    lines.push(`  ${dotString(t.from)} -> ${dotString(t.to)} [label=${dotString(t.label)}${back ? ', constraint=false, style=dashed' : ''}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** The counts as a text table, then the sockets behind them. */
export function stateCountsText(data: TcpStateCounts): string {
  const width = Math.max(...RFC793_STATES.map((s) => s.length));
  const rows = RFC793_STATES.map((state) => `${state.padEnd(width)}  ${String(data.counts[state]).padStart(3)}`);
  const total = data.sockets.length;
  const lines = [`TCP states of this kernel's sockets (${total} socket${total === 1 ? '' : 's'})`, ...rows];
  for (const socket of data.sockets) {
    lines.push(`  ${socket.state.padEnd(width)}  ${socket.local} -> ${socket.peer}  ${socket.owners.join(', ') || '(no process: closed)'}`);
  }
  return lines.join('\n');
}
