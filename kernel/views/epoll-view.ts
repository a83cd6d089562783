// %epoll PID: each epoll instance with its interest list, as text and HTML.
import type { MimeBundle } from '../interpreter/output-sink';
import type { EpollInterest, EpollReport } from './epoll-list';
import { describeState } from './process-tree';
import { nameBits, type NamedBit } from '../../native/constant-table';
import { escapeHtml } from '../display/html-escape';
import { htmlTable, plainTable, type Column } from './text-table';

const COLUMNS: Column[] = [
  { title: 'FD', align: 'right' },
  { title: 'EVENTS' },
  { title: 'MASK', align: 'right' },
  { title: 'DATA (hex)', align: 'right' },
  { title: 'DATA', align: 'right' },
  { title: 'TARGET' },
];

export interface EpollViewContext {
  /** EPOLL* bit names and values from the machine's headers. */
  eventBits: readonly NamedBit[];
  /** A few words about a socket by inode (`tcp 127.0.0.1:5000 LISTEN`), when known. */
  describeSocket?: (inode: number) => string | undefined;
}

function targetText(interest: EpollInterest, context: EpollViewContext): string {
  if (interest.target === undefined) return '(closed in this process; still registered through another fd or a child)';
  const socket = /^socket:\[(\d+)\]$/.exec(interest.target);
  const about = socket ? context.describeSocket?.(Number(socket[1])) : undefined;
  const text = about ? `${interest.target} ${about}` : interest.target;
  return interest.sameFile ? text : `${text} (now another file than the one registered)`;
}

function row(interest: EpollInterest, context: EpollViewContext): string[] {
  return [
    String(interest.tfd),
    nameBits(interest.events, context.eventBits).join('|') || '0',
    `0x${interest.events.toString(16)}`,
    `0x${interest.data.toString(16)}`,
    interest.data.toString(10),
    targetText(interest, context),
  ];
}

export function epollBundle(report: EpollReport, context: EpollViewContext): MimeBundle {
  const title = `pid ${report.pid} (${report.comm}, ${describeState(report.state)}): ${report.commandLine}`;
  const plain: string[] = [title];
  const html: string[] = [`<p><b>${escapeHtml(title)}</b></p>`];
  if (report.instances.length === 0) {
    const none = `pid ${report.pid} has no epoll instance open.`;
    plain.push(none);
    html.push(`<p>${escapeHtml(none)}</p>`);
  }
  for (const instance of report.instances) {
    const n = instance.interests.length;
    const heading = `epoll instance fd ${instance.fd}: ${n} fd${n === 1 ? '' : 's'} in its interest list`;
    const rows = instance.interests.map((interest) => row(interest, context));
    plain.push('', heading);
    html.push(`<p>${escapeHtml(heading)}</p>`);
    if (n > 0) {
      plain.push(plainTable(COLUMNS, rows).replace(/^/gm, '  '));
      html.push(htmlTable(COLUMNS, rows));
    }
  }
  if (report.instances.some((i) => i.interests.length > 0)) {
    const note = 'The kernel adds EPOLLERR and EPOLLHUP to every registration: they are always reported.';
    plain.push('', note);
    html.push(`<p><i>${escapeHtml(note)}</i></p>`);
  }
  return { 'text/plain': plain.join('\n'), 'text/html': html.join('\n') };
}
