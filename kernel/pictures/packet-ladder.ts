// %packets CMD: the segments of each TCP connection as a sequence diagram
// between its two endpoints, with the state (RFC 793) each side is in after
// each segment, worked out from the segments as the RFC's rules say.
import { VEGA_LITE_SCHEMA } from './picture-bundle';
import type { TcpState } from './tcp-state-diagram';
import type { Segment } from './tcpdump-lines';

export interface LadderStep {
  /** 1, 2, 3 … in the order captured. */
  index: number;
  /** ms since the first segment. */
  t: number;
  from: string;
  to: string;
  /** `SYN`, `SYN-ACK`, `ACK`, `data 5 B`, `FIN`, `RST` … */
  kind: string;
  /** Sequence and acknowledgement numbers relative to each side's first (its SYN is 0). */
  seq?: number;
  ack?: number;
  length: number;
  /** Each side's state after this segment. */
  fromState: TcpState;
  toState: TcpState;
}

export interface PacketLadder {
  /** The endpoints (`127.0.0.1:31008`), the listening side first. */
  endpoints: string[];
  steps: LadderStep[];
}

/** The name of what a segment carries, as the lessons say it. */
export function segmentKind(segment: Segment): string {
  if (segment.rst) return segment.ack ? 'RST-ACK' : 'RST';
  if (segment.syn) return segment.ack ? 'SYN-ACK' : 'SYN';
  const parts: string[] = [];
  if (segment.length > 0) parts.push(`data ${segment.length} B`);
  if (segment.fin) parts.push('FIN');
  if (parts.length === 0) parts.push('ACK');
  return parts.join(' + ');
}

interface Side {
  state: TcpState;
  /** The first sequence number (its SYN's), for relative numbers. */
  isn?: number;
  /** The sequence number just past its FIN, once it sent one. */
  finEnd?: number;
}

/** What a side does with a segment it receives (acks first, then the FIN), per RFC 793 section 3.9. */
function receive(side: Side, segment: Segment): void {
  if (segment.rst) {
    side.state = side.state === 'SYN-RECEIVED' && !segment.ack ? 'LISTEN' : 'CLOSED';
    return;
  }
  if (segment.syn && !segment.ack) {
    // From LISTEN, or from SYN-SENT when both ends opened at once: either way SYN-RECEIVED.
    side.state = 'SYN-RECEIVED';
    return;
  }
  if (segment.syn && segment.ack) {
    if (side.state === 'SYN-SENT') side.state = 'ESTABLISHED';
    return;
  }
  const acksFin = segment.ack && side.finEnd !== undefined && segment.ackNumber !== undefined && segment.ackNumber >= side.finEnd;
  if (segment.ack) {
    if (side.state === 'SYN-RECEIVED') side.state = 'ESTABLISHED';
    else if (side.state === 'FIN-WAIT-1' && acksFin) side.state = 'FIN-WAIT-2';
    else if (side.state === 'CLOSING' && acksFin) side.state = 'TIME-WAIT';
    else if (side.state === 'LAST-ACK' && acksFin) side.state = 'CLOSED';
  }
  if (segment.fin) {
    if (side.state === 'ESTABLISHED' || side.state === 'SYN-RECEIVED') side.state = 'CLOSE-WAIT';
    else if (side.state === 'FIN-WAIT-1') side.state = 'CLOSING';
    else if (side.state === 'FIN-WAIT-2') side.state = 'TIME-WAIT';
  }
}

/** What sending a segment does to the sender's own state. */
function send(side: Side, segment: Segment): void {
  if (segment.seq !== undefined && segment.syn) side.isn = segment.seq;
  if (segment.rst) {
    side.state = 'CLOSED';
    return;
  }
  if (segment.syn && !segment.ack) side.state = 'SYN-SENT';
  if (segment.fin) {
    if (segment.seq !== undefined) side.finEnd = segment.seq + segment.length + 1;
    if (side.state === 'ESTABLISHED' || side.state === 'SYN-RECEIVED') side.state = 'FIN-WAIT-1';
    else if (side.state === 'CLOSE-WAIT') side.state = 'LAST-ACK';
  }
}

/** The connection a segment belongs to: its two endpoints, in a fixed order. */
function connectionKey(segment: Segment): string {
  return [segment.from, segment.to].sort().join(' ');
}

export function buildLadder(segments: Segment[]): PacketLadder {
  const sides = new Map<string, Map<string, Side>>();
  const endpoints: string[] = [];
  const steps: LadderStep[] = [];
  const start = segments[0]?.time ?? 0;
  for (const segment of segments) {
    const key = connectionKey(segment);
    let connection = sides.get(key);
    if (!connection) {
      // The side that sends the first SYN opens; the other listened. A connection seen midway starts ESTABLISHED.
      const opening = segment.syn && !segment.ack;
      connection = new Map([
        [segment.from, { state: opening ? 'CLOSED' : 'ESTABLISHED' }],
        [segment.to, { state: opening ? 'LISTEN' : 'ESTABLISHED' }],
      ]);
      sides.set(key, connection);
      for (const end of opening ? [segment.to, segment.from] : [segment.from, segment.to]) if (!endpoints.includes(end)) endpoints.push(end);
    }
    const sender = connection.get(segment.from) as Side;
    const receiver = connection.get(segment.to) as Side;
    send(sender, segment);
    receive(receiver, segment);
    const relative = (value: number | undefined, base: number | undefined) =>
      value === undefined || base === undefined ? undefined : (value - base) >>> 0;
    const seq = relative(segment.seq, sender.isn);
    const ack = segment.ack ? relative(segment.ackNumber, receiver.isn) : undefined;
    steps.push({
      index: steps.length + 1,
      t: Math.round((segment.time - start) * 1e6) / 1e3,
      from: segment.from,
      to: segment.to,
      kind: segmentKind(segment),
      ...(seq !== undefined ? { seq } : {}),
      ...(ack !== undefined ? { ack } : {}),
      length: segment.length,
      fromState: sender.state,
      toState: receiver.state,
    });
  }
  return { endpoints, steps };
}

/** The ladder as text: one line per segment with both sides' states. */
export function ladderText(ladder: PacketLadder, dropped: number): string {
  const lines = [`${ladder.steps.length} TCP segments on loopback between ${ladder.endpoints.join(', ') || 'no endpoints'}`];
  for (const step of ladder.steps) {
    const numbers = [step.seq !== undefined ? `seq ${step.seq}` : '', step.ack !== undefined ? `ack ${step.ack}` : ''].filter(Boolean).join(' ');
    lines.push(
      `${String(step.index).padStart(3)} ${step.t.toFixed(3).padStart(9)} ms  ${step.from} -> ${step.to}  ${step.kind}${numbers ? ` (${numbers})` : ''}   ${step.from}: ${step.fromState}, ${step.to}: ${step.toState}`,
    );
  }
  if (dropped > 0) lines.push(`${dropped} more segments left out`);
  return lines.join('\n');
}

/** The sequence diagram: a vertical line per endpoint, an arrow per segment, the states beside the arrow's ends. */
export function ladderSpec(ladder: PacketLadder, title: string): object {
  const lane = new Map(ladder.endpoints.map((endpoint, i) => [endpoint, i]));
  const rows = ladder.steps.map((step) => {
    const x = lane.get(step.from) ?? 0;
    const x2 = lane.get(step.to) ?? 0;
    const rightward = x2 > x;
    return {
      ...step,
      x,
      x2,
      mid: (x + x2) / 2,
      arrow: rightward ? 'triangle-right' : 'triangle-left',
      label: `${step.kind}${step.seq !== undefined ? ` seq=${step.seq}` : ''}${step.ack !== undefined ? ` ack=${step.ack}` : ''}`,
      rightward,
      flag: step.kind.startsWith('RST') ? 'RST' : step.kind.startsWith('SYN') ? 'SYN' : step.kind.includes('FIN') ? 'FIN' : step.length > 0 ? 'data' : 'ACK',
    };
  });
  const heads = ladder.endpoints.map((endpoint, i) => ({ endpoint, x: i, top: 0, bottom: ladder.steps.length + 1 }));
  const xScale = { domain: [-0.6, Math.max(1, ladder.endpoints.length - 1) + 0.6] };
  const yScale = { domain: [0, ladder.steps.length + 1], reverse: true };
  const x = { field: 'x', type: 'quantitative', scale: xScale, axis: null };
  const y = { field: 'index', type: 'quantitative', scale: yScale, axis: null };
  const tooltip = [
    { field: 'kind', type: 'nominal', title: 'segment' },
    { field: 'from', type: 'nominal' },
    { field: 'to', type: 'nominal' },
    { field: 't', type: 'quantitative', title: 'ms' },
    { field: 'fromState', type: 'nominal', title: 'sender after' },
    { field: 'toState', type: 'nominal', title: 'receiver after' },
  ];
  const kindColor = {
    field: 'flag',
    type: 'nominal',
    title: 'segment',
    scale: { domain: ['SYN', 'data', 'ACK', 'FIN', 'RST'], range: ['#1f77b4', '#2ca02c', '#7f7f7f', '#ff7f0e', '#d62728'] },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: Math.max(420, 260 * ladder.endpoints.length),
    height: 30 * (ladder.steps.length + 1),
    layer: [
      {
        data: { values: heads },
        mark: { type: 'rule', color: '#bbbbbb', strokeWidth: 2 },
        encoding: { x: { field: 'x', type: 'quantitative', scale: xScale, axis: null }, y: { field: 'top', type: 'quantitative', scale: yScale, axis: null }, y2: { field: 'bottom' } },
      },
      {
        data: { values: heads },
        mark: { type: 'text', fontWeight: 'bold', dy: -8, baseline: 'bottom' },
        encoding: { x: { field: 'x', type: 'quantitative', scale: xScale, axis: null }, y: { field: 'top', type: 'quantitative', scale: yScale, axis: null }, text: { field: 'endpoint' } },
      },
      {
        data: { values: rows },
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, x2: { field: 'x2' }, y, color: kindColor, tooltip } },
          { mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'x2', type: 'quantitative', scale: xScale, axis: null }, y, shape: { field: 'arrow', type: 'nominal', scale: null }, color: kindColor, tooltip } },
          { mark: { type: 'text', dy: -7, fontSize: 11 }, encoding: { x: { field: 'mid', type: 'quantitative', scale: xScale, axis: null }, y, text: { field: 'label' } } },
          ...stateLabels('fromState', x, y, true),
          ...stateLabels('toState', { ...x, field: 'x2' }, y, false),
        ],
      },
    ],
  };
}

/** The states at an arrow's ends, written outside the arrow: left of a line the arrow leaves to the right, and so on. */
function stateLabels(field: 'fromState' | 'toState', x: object, y: object, atStart: boolean): object[] {
  return [true, false].map((rightward) => {
    const outsideLeft = atStart === rightward;
    return {
      transform: [{ filter: rightward ? 'datum.rightward' : '!datum.rightward' }],
      mark: { type: 'text', fontSize: 10, color: '#555555', align: outsideLeft ? 'right' : 'left', dx: outsideLeft ? -9 : 9 },
      encoding: { x, y, text: { field } },
    };
  });
}
