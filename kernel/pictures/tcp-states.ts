// %tcpstates and tcpStates(): this kernel's TCP sockets counted by state on
// the RFC 793 diagram.
import { kernelSockets, type KernelProcesses } from '../views/system-views';
import { pictureBundle, type Picture } from './picture-bundle';
import { renderSvg } from './render';
import { countStates, rfcState, stateCountsText, stateDiagramDot, type CountedSocket, type TcpStateCounts } from './tcp-state-diagram';

/** The TCP sockets of the kernel's processes (and the closed ones still in TIME-WAIT on their ports), counted by state. */
export async function readTcpStates(kernel: KernelProcesses): Promise<TcpStateCounts> {
  const snapshot = await kernelSockets(kernel);
  const sockets: CountedSocket[] = [];
  for (const socket of snapshot.sockets) {
    if (socket.netid !== 'tcp' && socket.netid !== 'tcp6') continue;
    const state = rfcState(socket.state);
    if (!state) continue;
    sockets.push({ state, local: socket.local, peer: socket.peer, owners: socket.owners.map((o) => `${o.pid}/${o.fd} ${o.command}`) });
  }
  return countStates(sockets);
}

export async function tcpStatesPicture(data: TcpStateCounts): Promise<Picture<TcpStateCounts>> {
  const svg = await renderSvg({ kind: 'dot', source: stateDiagramDot(data.counts) });
  return { data, bundle: pictureBundle(svg, stateCountsText(data)) };
}

/** A short key of the counts, to redraw a live diagram only when they changed. */
export function countsKey(data: TcpStateCounts): string {
  return JSON.stringify(data.counts);
}
