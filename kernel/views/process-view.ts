// %ps: the process tree as an ASCII tree (text/plain) and an HTML table.
import type { MimeBundle } from '../interpreter/output-sink';
import { describeState, type ProcessNode } from './process-tree';
import { escapeHtml } from '../display/html-escape';
import { htmlTable, plainTable, type Column } from './text-table';

/** Notes shown after a process' command line, e.g. "this kernel", "TypeScript executor". */
export type ProcessLabels = ReadonlyMap<number, string>;

interface TreeRow {
  node: ProcessNode;
  /** ASCII branches in front of the command (`|- `, `` `- ``). */
  prefix: string;
}

function treeRows(root: ProcessNode): TreeRow[] {
  const rows: TreeRow[] = [{ node: root, prefix: '' }];
  const walk = (node: ProcessNode, indent: string) => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      rows.push({ node: child, prefix: indent + (last ? '`- ' : '|- ') });
      walk(child, indent + (last ? '   ' : '|  '));
    });
  };
  walk(root, '');
  return rows;
}

const COLUMNS: Column[] = [{ title: 'PID', align: 'right' }, { title: 'STATE' }, { title: 'COMMAND' }];

export function processTreeBundle(root: ProcessNode, labels: ProcessLabels): MimeBundle {
  const rows = treeRows(root).map(({ node, prefix }) => {
    const label = labels.get(node.pid);
    return [String(node.pid), describeState(node.state), `${prefix}${node.commandLine}${label ? `   [${label}]` : ''}`];
  });
  const count = rows.length - 1;
  const summary = `${count} process${count === 1 ? '' : 'es'} started by this kernel (pid ${root.pid})`;
  const plain = `${plainTable(COLUMNS, rows)}\n${summary}`;
  const html = `${htmlTable(COLUMNS, rows, { pre: [2] })}\n<p>${escapeHtml(summary)}</p>`;
  return { 'text/plain': plain, 'text/html': html };
}
