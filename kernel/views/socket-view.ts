// %ss: the sockets of this kernel's processes, as aligned text and an HTML table.
import type { MimeBundle } from '../interpreter/output-sink';
import type { OwnedSocket, SocketOwner, SocketSnapshot } from './socket-list';
import { escapeHtml } from '../display/html-escape';
import { htmlTable, plainTable, type Column } from './text-table';

const COLUMNS: Column[] = [
  { title: 'Family' },
  { title: 'Type' },
  { title: 'State' },
  { title: 'Recv-Q', align: 'right' },
  { title: 'Send-Q', align: 'right' },
  { title: 'Local Address:Port' },
  { title: 'Peer Address:Port' },
  { title: 'PID/FD' },
  { title: 'Command' },
];

const MAX_COMMAND = 60;

function shortCommand(command: string): string {
  return command.length > MAX_COMMAND ? `${command.slice(0, MAX_COMMAND - 1)}…` : command;
}

function ownerCells(owners: SocketOwner[]): [string, string] {
  // An fd closed by every process: the kernel keeps the connection (TIME-WAIT, FIN-WAIT-2 …).
  if (owners.length === 0) return ['-', '(no process: closed)'];
  const commands = [...new Set(owners.map((o) => shortCommand(o.command)))];
  return [owners.map((o) => `${o.pid}/${o.fd}`).join(','), commands.join(', ')];
}

function row(socket: OwnedSocket): string[] {
  const queue = (n: number | undefined) => (n === undefined ? '-' : String(n));
  return [socket.family, socket.type, socket.state, queue(socket.recvQ), queue(socket.sendQ), socket.local, socket.peer, ...ownerCells(socket.owners)];
}

export function socketTableBundle(snapshot: SocketSnapshot): MimeBundle {
  const rows = snapshot.sockets.map(row);
  const notes: string[] = [];
  if (rows.length === 0) notes.push('No process started by this kernel holds a socket.');
  for (const { inode, owners } of snapshot.unlisted) {
    const [pidFd, command] = ownerCells(owners);
    notes.push(`socket:[${inode}] held by ${pidFd} (${command}): in no table of /proc/net (not bound or connected yet, or not TCP, UDP or unix)`);
  }
  const table = rows.length > 0 ? plainTable(COLUMNS, rows) : '';
  const plain = [table, ...notes].filter((part) => part !== '').join('\n');
  const html = [rows.length > 0 ? htmlTable(COLUMNS, rows) : '', ...notes.map((note) => `<p>${escapeHtml(note)}</p>`)]
    .filter((part) => part !== '')
    .join('\n');
  return { 'text/plain': plain, 'text/html': html };
}
